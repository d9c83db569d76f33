using Grad.Language.Syntax;

namespace Grad.LanguageServer.Features.Common;

/// <summary>
/// Where a caret is, read from the tokens alone (so it works in a file the parser could not
/// make sense of): the block it is in and the tokens before it.
/// </summary>
public sealed class TokenContext
{
    private TokenContext(string? block, string? declaration, IReadOnlyList<SyntaxToken> before, SyntaxToken? word)
    {
        Block = block;
        Declaration = declaration;
        Before = before;
        Word = word;
    }

    /// <summary>"network", "run", "data", "repeat" for a caret inside such braces; null at top level.</summary>
    public string? Block { get; }

    /// <summary>The keyword of the top-level declaration the caret is in ("let", "cost", …), if any.</summary>
    public string? Declaration { get; }

    /// <summary>Significant tokens before the caret (not the word being typed), in order.</summary>
    public IReadOnlyList<SyntaxToken> Before { get; }

    /// <summary>The identifier or keyword the caret is in or just after (what completion replaces).</summary>
    public SyntaxToken? Word { get; }

    public SyntaxToken? Previous(int back = 1) => Before.Count >= back ? Before[^back] : null;

    public static readonly HashSet<string> DeclarationKeywords = ["let", "cost", "network", "data", "run"];

    public static TokenContext Create(IReadOnlyList<SyntaxToken> tokens, int offset)
    {
        var before = new List<SyntaxToken>();
        SyntaxToken? word = null;
        var blocks = new Stack<string>();
        string? declaration = null;
        string? lastKeyword = null;
        foreach (var token in tokens)
        {
            if (token.Kind == TokenKind.Comment)
            {
                continue;
            }

            if (token.Span.Start >= offset)
            {
                break;
            }

            if (token.Span.End >= offset && token.Kind is TokenKind.Identifier or TokenKind.Keyword)
            {
                word = token;
                break;
            }

            before.Add(token);
            if (token.Kind == TokenKind.Keyword)
            {
                if (blocks.Count == 0 && DeclarationKeywords.Contains(token.Text))
                {
                    declaration = token.Text;
                }

                lastKeyword = token.Text;
            }

            if (token.Text == "{")
            {
                blocks.Push(lastKeyword is "network" or "run" or "data" or "repeat" ? lastKeyword : "block");
            }
            else if (token.Text == "}" && blocks.Count > 0)
            {
                blocks.Pop();
                if (blocks.Count == 0)
                {
                    declaration = null;
                }
            }
        }

        return new TokenContext(blocks.Count > 0 ? blocks.Peek() : null, declaration, before, word);
    }

    /// <summary>The innermost unclosed call before the caret: its name token and the argument index the caret is in.</summary>
    public (SyntaxToken Name, int Argument, string? NamedArgument)? EnclosingCall()
    {
        var depth = 0;
        var commas = 0;
        string? named = null;
        for (var i = Before.Count - 1; i >= 0; i--)
        {
            var token = Before[i];
            switch (token.Text)
            {
                case ")" or "]":
                    depth++;
                    break;
                case "[":
                    depth--;
                    break;
                case "(" when depth == 0:
                    return i > 0 && Before[i - 1].Kind is TokenKind.Identifier or TokenKind.Keyword
                        ? (Before[i - 1], commas, named)
                        : null;
                case "(":
                    depth--;
                    break;
                case "," when depth == 0:
                    commas++;
                    break;
                case "=" when depth == 0 && commas == 0 && i > 0 && Before[i - 1].Kind == TokenKind.Identifier:
                    named ??= Before[i - 1].Text;
                    break;
                case "{" or "}":
                    return null;
            }
        }

        return null;
    }
}
