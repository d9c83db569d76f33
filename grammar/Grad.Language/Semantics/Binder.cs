using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

/// <summary>
/// Resolves names, folds constants, checks every rule of the language and builds the bound
/// program. Each declaration is bound on its own: one with an error is left out of the program
/// (and so are the runs that use it), while the others are still checked and bound.
/// </summary>
public sealed partial class Binder
{
    private readonly SourceText source;
    private readonly string? filePath;
    private readonly List<Diagnostic> diagnostics = [];
    private readonly List<Diagnostic> warnings = []; // kept apart so that ErrorCount counts errors only
    private readonly List<Symbol> symbols = [];
    private readonly Dictionary<Symbol, List<Symbol>> parametersByCost = new(ReferenceEqualityComparer.Instance); // a minimize run looks up its cost's parameters
    private readonly List<SymbolReference> references = [];
    private readonly Dictionary<string, Symbol> globals = new(StringComparer.Ordinal);
    private readonly Dictionary<DeclarationSyntax, Symbol> declarationSymbols = new(ReferenceEqualityComparer.Instance); // by identity: a record hashes its whole tree

    // Constants: folded values, and the ones being evaluated (for cycle detection).
    private readonly Dictionary<string, double?> constantValues = new(StringComparer.Ordinal);
    private readonly List<string> evaluating = []; // in order, to name the cycle
    private readonly HashSet<string> cyclic = new(StringComparer.Ordinal); // constants in a cycle, already reported

    private readonly Dictionary<string, BoundCost?> costs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoundNetwork?> networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoundData?> data = new(StringComparer.Ordinal);

    private readonly IReadOnlyList<TextSpan> syntaxErrors;
    private readonly CompilationOptions options;

    // A sweep's members are bound as copies of the file by binders that skip the sweeps.
    private bool bindSweeps = true;

    private Binder(SourceText source, string? filePath, IReadOnlyList<TextSpan> syntaxErrors, CompilationOptions options)
    {
        this.source = source;
        this.filePath = filePath;
        this.syntaxErrors = syntaxErrors;
        this.options = options;
    }

    /// <param name="syntaxErrors">Where the parser reported errors: a declaration with one does not
    /// also report what the parser skipped as missing (one typo, one diagnostic).</param>
    /// <param name="options">The resource limits to check and the resolver of data files; default: <see cref="CompilationOptions.Default"/>.</param>
    public static SemanticModel Bind(GradFileSyntax syntax, SourceText source, string? filePath, IReadOnlyList<TextSpan>? syntaxErrors = null, CompilationOptions? options = null) =>
        new Binder(source, filePath, syntaxErrors ?? [], options ?? CompilationOptions.Default).BindFile(syntax);

    /// <summary>Reports that something is missing from a declaration, unless a syntax error there explains it.</summary>
    private void ReportMissing(SyntaxNode region, DiagnosticDescriptor descriptor, TextSpan span, string message)
    {
        var regionEnd = source.GetLineEnd(source.GetLine(region.Span.End));
        if (!syntaxErrors.Any(e => e.Start >= region.Span.Start && e.Start <= regionEnd))
        {
            Report(descriptor, span, message);
        }
    }

    private SemanticModel BindFile(GradFileSyntax file)
    {
        DeclareAll(file);

        EvaluateConstants(file);

        foreach (var cost in file.Declarations.OfType<CostDeclarationSyntax>())
        {
            BindCost(cost);
        }

        foreach (var network in file.Declarations.OfType<NetworkDeclarationSyntax>())
        {
            BindNetwork(network);
        }

        foreach (var set in file.Declarations.OfType<DataDeclarationSyntax>())
        {
            BindData(set);
        }

        var runs = ImmutableArray.CreateBuilder<BoundRun>();
        foreach (var run in file.Declarations.OfType<RunDeclarationSyntax>())
        {
            if (BindRun(run) is { } bound)
            {
                runs.Add(bound);
            }
        }

        var sweeps = ImmutableArray.CreateBuilder<BoundSweep>();
        if (bindSweeps)
        {
            var runsByName = runs.ToDictionary(r => r.Name, StringComparer.Ordinal);
            foreach (var sweep in file.Declarations.OfType<SweepDeclarationSyntax>())
            {
                if (BindSweep(sweep, file, runsByName) is { } bound)
                {
                    sweeps.Add(bound);
                }
            }
        }

        var program = new BoundProgram(
            [.. costs.Values.OfType<BoundCost>().OrderBy(c => c.Syntax.Span.Start)],
            [.. networks.Values.OfType<BoundNetwork>().OrderBy(n => n.Syntax.Span.Start)],
            [.. data.Values.OfType<BoundData>().OrderBy(d => d.Syntax.Span.Start)],
            runs.ToImmutable(),
            constantValues.Where(c => c.Value.HasValue).ToImmutableDictionary(c => c.Key, c => c.Value!.Value))
        {
            Sweeps = sweeps.ToImmutable(),
        };

        return new SemanticModel(
            program,
            [.. symbols],
            [.. references.OrderBy(r => r.Span.Start)],
            // Layers inside `repeat` are bound once per copy: report each problem once.
            [.. diagnostics.Concat(warnings).DistinctBy(d => (d.Code, d.Span, d.Message))]);
    }

    /// <summary>Registers every top-level name first, so names may be used before their declaration.</summary>
    private void DeclareAll(GradFileSyntax file)
    {
        foreach (var declaration in file.Declarations)
        {
            if (declaration.Name is not { } name)
            {
                continue;
            }

            var kind = declaration switch
            {
                LetDeclarationSyntax => SymbolKind.Constant,
                CostDeclarationSyntax => SymbolKind.Cost,
                NetworkDeclarationSyntax => SymbolKind.Network,
                DataDeclarationSyntax => SymbolKind.Data,
                SweepDeclarationSyntax => SymbolKind.Sweep,
                _ => SymbolKind.Run,
            };
            var symbol = new Symbol(name.Text, kind, name.Span, declaration, null);
            symbols.Add(symbol);
            declarationSymbols[declaration] = symbol;
            references.Add(new SymbolReference(symbol, name.Span, IsDeclaration: true));
            if (globals.TryGetValue(name.Text, out var first))
            {
                Report(DiagnosticCatalog.DuplicateName, name.Span,
                    $"'{name.Text}' is already declared as a {first.KindName} on line {source.GetLine(first.NameSpan.Start) + 1}",
                    Related(first.NameSpan, $"first declaration of '{name.Text}'"));
            }
            else
            {
                globals[name.Text] = symbol;
            }
        }
    }

    /// <summary>True when the declaration is the one its name resolves to (not a later duplicate).</summary>
    private bool IsPrimary(DeclarationSyntax declaration) =>
        declaration.Name is { } name && globals.TryGetValue(name.Text, out var symbol) && symbol.Declaration == declaration;

    // ---- diagnostics helpers ----------------------------------------------------------------

    // Everything the binder reports is an error (warnings come from the analysis), so counting is O(1).
    private int ErrorCount => diagnostics.Count;

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, string message, params RelatedLocation[] related) =>
        diagnostics.Add(Diagnostic.Create(descriptor, span, message) with { Related = [.. related] });

    private void Warn(DiagnosticDescriptor descriptor, TextSpan span, string message, params RelatedLocation[] related) =>
        warnings.Add(Diagnostic.Create(descriptor, span, message) with { Related = [.. related] });

    private static RelatedLocation Related(TextSpan span, string message) => new(span, message);

    private void AddReference(Symbol symbol, TextSpan span) => references.Add(new SymbolReference(symbol, span, IsDeclaration: false));

    /// <summary>Resolves a top-level name; reports an undefined one with a "did you mean".</summary>
    private Symbol? ResolveGlobal(Identifier name, string expected, IEnumerable<string>? extraCandidates = null)
    {
        if (globals.TryGetValue(name.Text, out var symbol))
        {
            AddReference(symbol, name.Span);
            return symbol;
        }

        var candidates = globals.Keys.Concat(extraCandidates ?? []);
        Report(DiagnosticCatalog.UndefinedName, name.Span, $"'{name.Text}' is not declared; expected {expected}{NameSuggestions.DidYouMean(name.Text, candidates)}");
        return null;
    }

    /// <summary>Finds a built-in by name, reporting an unknown one with the valid choices and a "did you mean".</summary>
    private Builtin? ResolveBuiltin(Identifier name, ImmutableArray<Builtin> catalogue, BuiltinCategory category)
    {
        if (Builtins.Find(catalogue, name.Text) is { } builtin)
        {
            return builtin;
        }

        var names = catalogue.Select(b => b.Name).ToArray();
        var suggestion = NameSuggestions.Closest(name.Text, names);
        var word = Builtins.CategoryWord(category);
        var message = suggestion is not null
            ? $"unknown {word} '{name.Text}'; did you mean '{suggestion}'?"
            : $"unknown {word} '{name.Text}'; expected one of {string.Join(", ", names)}";
        diagnostics.Add(Diagnostic.Create(DiagnosticCatalog.UnknownBuiltin, name.Span, message) with
        {
            Properties = suggestion is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add("suggestion", suggestion),
        });
        return null;
    }
}
