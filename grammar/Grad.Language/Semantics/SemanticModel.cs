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

    /// <summary>The occurrence at (or just before) the caret.</summary>
    public SymbolReference? FindReferenceAt(int offset) =>
        References.FirstOrDefault(r => r.Span.Contains(offset)) ?? References.FirstOrDefault(r => r.Span.Touches(offset));

    public Symbol? FindSymbolAt(int offset) => FindReferenceAt(offset)?.Symbol;

    public IEnumerable<TextSpan> FindReferences(Symbol symbol, bool includeDeclaration) =>
        References.Where(r => r.Symbol == symbol && (includeDeclaration || !r.IsDeclaration)).Select(r => r.Span);

    /// <summary>A top-level declaration by name.</summary>
    public Symbol? Lookup(string name) =>
        Symbols.FirstOrDefault(s => s.Container is null && s.Name == name);
}
