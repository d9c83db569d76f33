using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Parsing;
using Grad.Language.Resources;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language;

/// <summary>
/// Everything the language knows about one version of one file: text, tokens, syntax, semantic
/// model and diagnostics. Immutable; the CLI and the language server are both thin front ends
/// over it, so they never disagree.
/// </summary>
public sealed class Compilation
{
    private readonly ParseResult parse;

    private Compilation(string? filePath, SourceText source, ParseResult parse, SemanticModel semantics, CompilationOptions options)
    {
        this.parse = parse;
        FilePath = filePath;
        Options = options;
        Source = source;
        Tokens = parse.Tokens;
        Syntax = parse.Syntax;
        Semantics = semantics;
        Diagnostics = parse.Diagnostics.AddRange(semantics.Diagnostics)
            .OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>The file's path, used to resolve <c>csv("…")</c> paths; null for an unsaved buffer.</summary>
    public string? FilePath { get; }

    /// <summary>The limits this file was checked against and the resolver of its data files.</summary>
    public CompilationOptions Options { get; }

    public SourceText Source { get; }

    public ImmutableArray<SyntaxToken> Tokens { get; }

    public GradFileSyntax Syntax { get; }

    public SemanticModel Semantics { get; }

    /// <summary>Syntax and semantic diagnostics, in source order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The valid part of the file, ready to run.</summary>
    public BoundProgram Program => Semantics.Program;

    /// <param name="options">Resource limits and the data file resolver; default: <see cref="CompilationOptions.Default"/> (no data files).</param>
    public static Compilation Create(string text, string? filePath = null, CompilationOptions? options = null)
    {
        var source = new SourceText(text);
        options ??= CompilationOptions.Default;
        if (text.Length > options.Limits[LimitKind.SourceCharacters])
        {
            // Every stage is linear, but with a large constant (tokens, parse tree, syntax): a file
            // over the limit is refused before it is lexed, so it costs nothing but its text.
            var tooLarge = Diagnostic.Create(DiagnosticCatalog.ResourceLimit, new TextSpan(0, 0),
                options.Limits.OverLimit(LimitKind.SourceCharacters, text.Length, "this file has {0} characters"));
            return Bind(source, filePath, new ParseResult(new GradFileSyntax([], new TextSpan(0, source.Length)), [], [tooLarge]), options);
        }

        return Parse(source, filePath, options);
    }

    /// <summary>
    /// The compilation of an edited version of <paramref name="previous"/>'s file: the same result
    /// as <see cref="Create"/> of the new text, but only the top-level declarations the edit
    /// touched are lexed and parsed again when that is safe (<see cref="IncrementalParser"/>);
    /// binding is over the whole file.
    /// </summary>
    public static Compilation Update(Compilation previous, string text, CompilationOptions? options = null)
    {
        options ??= CompilationOptions.Default;
        if (!ReferenceEquals(options, previous.Options) || text.Length > options.Limits[LimitKind.SourceCharacters])
        {
            return Create(text, previous.FilePath, options);
        }

        var source = new SourceText(text);
        return IncrementalParser.TryReparse(previous.parse, previous.Source, source) is { } reparsed
            ? Bind(source, previous.FilePath, reparsed, options)
            : Parse(source, previous.FilePath, options);
    }

    private static Compilation Parse(SourceText source, string? filePath, CompilationOptions options)
    {
        var tokens = GradParserFacade.Lex(source);
        var (depth, at) = NestingGuard.Measure(tokens.GetTokens());
        if (depth > NestingGuard.MaxDepth)
        {
            var tooDeep = new ParseResult(new GradFileSyntax([], new TextSpan(0, source.Length)), GradParserFacade.ClassifyTokens(tokens), [NestingGuard.TooDeep(at)]);
            return Bind(source, filePath, tooDeep, options);
        }

        if (depth <= NestingGuard.OrdinaryDepth)
        {
            return Bind(source, filePath, GradParserFacade.Parse(source, tokens) with { Depth = depth }, options);
        }

        // Parsing and every walk over the syntax recurse once per level: give deep text a thread
        // with a stack large enough for any depth the guard lets through.
        Compilation? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = Bind(source, filePath, GradParserFacade.Parse(source, tokens) with { Depth = depth }, options);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, NestingGuard.LargeStackBytes);
        thread.Start();
        thread.Join();
        return result ?? throw new InvalidOperationException("compilation failed", failure);
    }

    private static Compilation Bind(SourceText source, string? filePath, ParseResult parse, CompilationOptions options)
    {
        var semantics = Binder.Bind(parse.Syntax, source, filePath, [.. parse.Diagnostics.Select(d => d.Span)], options);
        return new Compilation(filePath, source, parse, semantics, options);
    }
}
