using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

public enum SymbolKind { Constant, Cost, Parameter, Network, Data, Run, Layer, Sweep }

/// <summary>
/// A named thing in a file. Declarations are top level; a cost's parameters and a network's
/// labelled layers have the declaration as <see cref="Container"/>.
/// </summary>
public sealed record Symbol(string Name, SymbolKind Kind, TextSpan NameSpan, SyntaxNode Declaration, Symbol? Container)
{
    /// <summary>How a user calls this kind of thing ("cost", "network", "parameter", …).</summary>
    public string KindName => Kind switch
    {
        SymbolKind.Constant => "constant",
        SymbolKind.Cost => "cost",
        SymbolKind.Parameter => "parameter",
        SymbolKind.Network => "network",
        SymbolKind.Data => "data set",
        SymbolKind.Run => "run",
        SymbolKind.Layer => "layer",
        SymbolKind.Sweep => "sweep",
        _ => "name",
    };
}

/// <summary>One occurrence of a symbol's name: its declaration or a use.</summary>
public sealed record SymbolReference(Symbol Symbol, TextSpan Span, bool IsDeclaration);
