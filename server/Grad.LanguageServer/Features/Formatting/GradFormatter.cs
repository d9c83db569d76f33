using System.Text;
using Grad.Language;
using Grad.Language.Syntax;

namespace Grad.LanguageServer.Features.Formatting;

/// <summary>
/// The canonical layout, from the tokens: the user's line breaks are kept (at most one blank line
/// in a row), indentation is two spaces per open brace or bracket, one space around binary
/// operators, `=` and `&lt;`, none around `^`, after `(`/`[` or before `)`/`]`/`,`/`:`, one after
/// `,` and `:`. A trailing comment keeps its distance from the code. Applying it twice changes nothing.
/// </summary>
public static class GradFormatter
{
    private const string Indent = "  ";

    /// <summary>The formatted text, or null when the tokens do not cover the text (then nothing is changed).</summary>
    public static string? Format(Compilation compilation)
    {
        var text = compilation.Source.Text;
        var tokens = compilation.Tokens;
        if (!CoversText(text, tokens))
        {
            return null;
        }

        var output = new StringBuilder();
        var depth = 0;
        SyntaxToken? previous = null;
        SyntaxToken? beforePrevious = null;
        var blankLines = 0;
        var lineStarted = false;

        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var gap = previous is null ? text[..token.Span.Start] : text[previous.Span.End..token.Span.Start];
            var newlines = CountLineBreaks(gap);

            if (previous is not null && newlines > 0)
            {
                output.Append('\n');
                blankLines = Math.Min(newlines - 1, 1);
                for (var b = 0; b < blankLines; b++)
                {
                    output.Append('\n');
                }

                lineStarted = false;
            }
            else if (previous is null && newlines > 0)
            {
                lineStarted = false;
            }

            var closes = token.Text is "}" or "]" or ")";
            if (!lineStarted)
            {
                var level = Math.Max(0, closes ? depth - 1 : depth);
                for (var d = 0; d < level; d++)
                {
                    output.Append(Indent);
                }

                lineStarted = true;
            }
            else if (previous is not null)
            {
                if (token.Kind == TokenKind.Comment && token.Text.StartsWith("//", StringComparison.Ordinal))
                {
                    // A trailing comment keeps its column distance (at least one space).
                    output.Append(' ', Math.Max(1, gap.Length));
                }
                else if (Spaced(beforePrevious, previous, token))
                {
                    output.Append(' ');
                }
            }

            output.Append(token.Text);
            if (token.Text is "{" or "[" or "(")
            {
                depth++;
            }
            else if (closes)
            {
                depth = Math.Max(0, depth - 1);
            }

            if (token.Kind != TokenKind.Comment)
            {
                beforePrevious = previous;
            }

            previous = token;
        }

        if (output.Length > 0)
        {
            output.Append('\n');
        }

        // Keep the file's line endings.
        return text.Contains("\r\n", StringComparison.Ordinal) ? output.ToString().Replace("\n", "\r\n", StringComparison.Ordinal) : output.ToString();
    }

    private static bool Spaced(SyntaxToken? beforePrevious, SyntaxToken previous, SyntaxToken token)
    {
        var left = previous.Text;
        var right = token.Text;
        if (previous.Kind == TokenKind.Comment)
        {
            return true;
        }

        if (left is "(" or "[" || right is ")" or "]" or "," or ":")
        {
            return false;
        }

        if (left == "^" || right == "^")
        {
            return false;
        }

        if (right == "(")
        {
            // A call: sgd(…), exp(…), bowl(w1, …); a keyword before a parenthesis keeps its space.
            return previous.Kind != TokenKind.Identifier;
        }

        if (left is "-" or "+" && IsUnary(beforePrevious))
        {
            return false;
        }

        return true;
    }

    /// <summary>A sign is unary when what precedes it cannot end an operand.</summary>
    private static bool IsUnary(SyntaxToken? before) =>
        before is null
        || before.Kind is TokenKind.Operator or TokenKind.Keyword
        || before.Text is "(" or "[" or "," or "=" or "<" or "{" or ":";

    private static int CountLineBreaks(string gap)
    {
        var count = 0;
        for (var i = 0; i < gap.Length; i++)
        {
            if (gap[i] == '\n' || (gap[i] == '\r' && (i + 1 >= gap.Length || gap[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>True when everything between the tokens is whitespace (no character would be lost).</summary>
    private static bool CoversText(string text, IReadOnlyList<SyntaxToken> tokens)
    {
        var position = 0;
        foreach (var token in tokens)
        {
            if (token.Span.Start < position || !string.IsNullOrWhiteSpace(text[position..token.Span.Start]))
            {
                return false;
            }

            position = token.Span.End;
        }

        return string.IsNullOrWhiteSpace(text[position..]);
    }
}
