using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Features.Common;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// Built-in names (activations, inits, losses, generators, schedules, the words after <c>norm</c>,
/// <c>clip</c> and <c>until</c>) and keywords: what they compute, from the catalogue. The category
/// comes from where the word stands, so <c>linear</c> after <c>dense 1</c> is the activation.
/// </summary>
public static class KeywordHover
{
    public static string? Markdown(Compilation compilation, int offset)
    {
        var token = compilation.Tokens.FirstOrDefault(t => t.Kind is TokenKind.Identifier or TokenKind.Keyword && t.Span.Touches(offset));
        if (token is null)
        {
            return null;
        }

        var caret = TokenContext.Create(compilation.Tokens, token.Span.Start);
        if (caret.CategoryAt(caret.Before.Count) is { } category && Builtins.Find(category, token.Text) is { } builtin)
        {
            return BuiltinText.Hover(builtin);
        }

        return token.Kind == TokenKind.Keyword && Keywords.Find(token.Text) is { } keyword
            ? $"**{keyword.Form}** (keyword)\n\n{keyword.Documentation}"
            : null;
    }
}
