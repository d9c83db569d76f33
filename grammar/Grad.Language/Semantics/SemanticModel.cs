using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

/// <summary>Names, references and the bound program of one file. One resolver serves hover, definition, references and rename.</summary>
public sealed class SemanticModel
{
    public SemanticModel(BoundProgram program, ImmutableArray<Symbol> symbols, ImmutableArray<SymbolReference> references, ImmutableArray<Diagnostic> diagnostics)
    {
        Program = program;
        Symbols = symbols;
        References = references;
        Diagnostics = diagnostics;
    }

    public BoundProgram Program { get; }

    /// <summary>Every declared name: top-level declarations, cost parameters, layer labels.</summary>
    public ImmutableArray<Symbol> Symbols { get; }

    /// <summary>Every occurrence of a symbol's name, its declaration included, in source order.</summary>
    public ImmutableArray<SymbolReference> References { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The occurrence at (or just before) the caret: the first that contains it, else the first that touches it.</summary>
    public SymbolReference? FindReferenceAt(int offset)
    {
        // References are names in source order, which never overlap (a name bound once per copy of
        // a repeat appears with the same span): those at the offset end the run of references that
        // start at or before it, so a binary search finds them in a file of thousands of names.
        var startedByOffset = SpanOrder.CountStartingBefore(References, static r => r.Span, offset, orAt: true);

        SymbolReference? containing = null, touching = null;
        for (var i = startedByOffset - 1; i >= 0 && References[i].Span.End >= offset; i--)
        {
            if (References[i].Span.Contains(offset))
            {
                containing = References[i];
            }
            else if (References[i].Span.Touches(offset))
            {
                touching = References[i];
            }
        }

        return containing ?? touching;
    }

    public Symbol? FindSymbolAt(int offset) => FindReferenceAt(offset)?.Symbol;

    public IEnumerable<TextSpan> FindReferences(Symbol symbol, bool includeDeclaration) =>
        References.Where(r => r.Symbol == symbol && (includeDeclaration || !r.IsDeclaration)).Select(r => r.Span);

    /// <summary>A top-level declaration by name.</summary>
    public Symbol? Lookup(string name) =>
        Symbols.FirstOrDefault(s => s.Container is null && s.Name == name);
}
