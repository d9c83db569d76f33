using System.Collections.Immutable;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Parsing;

/// <summary>
/// Parses an edited text by re-lexing and re-parsing only the top-level declarations the edit
/// touches: the declarations before them are reused as they are, those after them moved by the
/// edit's change of length. It answers only when the result is the one a full parse gives, and
/// otherwise null (then the caller parses the whole text):
/// <list type="bullet">
/// <item>the previous text parsed without any diagnostic, at an ordinary depth;</item>
/// <item>the re-parsed region starts and ends between declarations, next to whitespace that the
/// edit did not touch (so no token of the region can run into its neighbours);</item>
/// <item>the region lexes without an error token (an unclosed comment or string could swallow
/// the declarations after it) and parses without any error in the fast (SLL) mode, at an
/// ordinary depth.</item>
/// </list>
/// Syntax diagnostics are therefore always those of a full parse (there are none).
/// </summary>
internal static class IncrementalParser
{
    public static ParseResult? TryReparse(ParseResult previous, SourceText previousSource, SourceText source)
    {
        if (!previous.Diagnostics.IsEmpty || previous.Depth > NestingGuard.OrdinaryDepth)
        {
            return null;
        }

        var (oldText, newText) = (previousSource.Text, source.Text);
        var prefix = oldText.AsSpan().CommonPrefixLength(newText);
        var suffix = CommonSuffixLength(oldText.AsSpan(prefix), newText.AsSpan(prefix));
        var delta = newText.Length - oldText.Length;
        var changeEnd = oldText.Length - suffix; // the end of the changed characters in the old text

        // The declarations the edit touches: [first, next). A declaration that ends where the
        // change starts, or starts where it ends, is touched (the edit may extend its tokens).
        var declarations = previous.Syntax.Declarations;
        var first = 0;
        while (first < declarations.Length && declarations[first].Span.End < prefix)
        {
            first++;
        }

        var next = first;
        while (next < declarations.Length && declarations[next].Span.Start <= changeEnd)
        {
            next++;
        }

        var start = first == 0 ? 0 : declarations[first - 1].Span.End;
        var oldEnd = next == declarations.Length ? oldText.Length : declarations[next].Span.Start;
        var end = oldEnd + delta;
        if ((start > 0 && !IsWhitespace(newText[start])) || (next < declarations.Length && !IsWhitespace(newText[end - 1])))
        {
            return null;
        }

        var tokens = GradParserFacade.Lex(source, start, end);
        var (depth, _) = NestingGuard.Measure(tokens.GetTokens());
        if (depth > NestingGuard.OrdinaryDepth || GradParserFacade.HasLexicalErrors(tokens)
            || GradParserFacade.TryParseDeclarations(source, tokens) is not { } reparsed)
        {
            return null;
        }

        var shifter = new SyntaxShifter(delta);
        var syntax = ImmutableArray.CreateBuilder<DeclarationSyntax>(first + reparsed.Length + declarations.Length - next);
        syntax.AddRange(declarations, first);
        syntax.AddRange(reparsed);
        for (var i = next; i < declarations.Length; i++)
        {
            syntax.Add(shifter.Declaration(declarations[i]));
        }

        return new ParseResult(
            new GradFileSyntax(syntax.MoveToImmutable(), new TextSpan(0, source.Length)),
            Splice(previous.Tokens, GradParserFacade.ClassifyTokens(tokens), start, oldEnd, delta),
            [])
        { Depth = Math.Max(previous.Depth, depth) };
    }

    /// <summary>The old tokens before the region, the region's new tokens, and the old tokens after it moved by <paramref name="delta"/>.</summary>
    private static ImmutableArray<SyntaxToken> Splice(ImmutableArray<SyntaxToken> old, ImmutableArray<SyntaxToken> region, int start, int oldEnd, int delta)
    {
        var before = SpanOrder.CountStartingBefore(old, static t => t.Span, start);
        var after = SpanOrder.CountStartingBefore(old, static t => t.Span, oldEnd);
        var tokens = ImmutableArray.CreateBuilder<SyntaxToken>(before + region.Length + old.Length - after);
        tokens.AddRange(old, before);
        tokens.AddRange(region);
        for (var i = after; i < old.Length; i++)
        {
            tokens.Add(old[i] with { Span = new TextSpan(old[i].Span.Start + delta, old[i].Span.Length) });
        }

        return tokens.MoveToImmutable();
    }

    private static int CommonSuffixLength(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var length = 0;
        var most = Math.Min(a.Length, b.Length);
        while (length < most && a[a.Length - 1 - length] == b[b.Length - 1 - length])
        {
            length++;
        }

        return length;
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';
}
