using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>A name: its kind and the line that declares it.</summary>
public static class DeclarationHover
{
    public static string Markdown(Compilation compilation, Symbol symbol)
    {
        var source = compilation.Source;
        var line = source.GetLineText(source.GetLine(symbol.NameSpan.Start)).Trim();
        var container = symbol.Container is null ? "" : $" of {symbol.Container.KindName} `{symbol.Container.Name}`";
        var value = symbol.Kind == SymbolKind.Constant && compilation.Program.Constants.TryGetValue(symbol.Name, out var constant)
            ? $" = {Numbers.Exact(constant)}"
            : "";
        return $"({symbol.KindName}{container}) `{symbol.Name}`{value}\n\n```grad\n{line}\n```";
    }
}
