using Grad.Language;
using Grad.Language.Syntax;
using Grad.LanguageServer.Features.Common;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>Activations, inits, losses and generators: what they compute.</summary>
public static class KeywordHover
{
    public static string? Markdown(Compilation compilation, int offset)
    {
        var token = compilation.Tokens.FirstOrDefault(t => t.Kind == TokenKind.Identifier && t.Span.Touches(offset));
        if (token is null)
        {
            return null;
        }

        var builtIn = BuiltIns.All.FirstOrDefault(b => b.Name == token.Text && b.Kind != BuiltInKind.Optimizer);
        return builtIn is null ? null : $"**{builtIn.Signature}** ({builtIn.Kind.ToString().ToLowerInvariant()}) — {builtIn.Documentation}";
    }
}
