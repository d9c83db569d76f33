using Grad.Language;
using Grad.Language.Text;

namespace Grad.LanguageServer.Documents;

/// <summary>
/// One version of one open document. Immutable: handlers only query it. The compilation is
/// built once, on first use, by whichever reader needs it first (a hover or the analysis).
/// </summary>
public sealed class DocumentSnapshot
{
    private readonly Lazy<Compilation> compilation;

    /// <summary>
    /// The newest compiled earlier version, until this one is compiled: an edit re-parses only the
    /// declarations it touched (<see cref="Compilation.Update"/>). One compilation, never a chain of versions.
    /// </summary>
    private Compilation? baseline;

    /// <param name="options">The limits and the data file resolver (the workspace's folders) this version is compiled with.</param>
    /// <param name="previous">The version this one was edited from, if any.</param>
    public DocumentSnapshot(string uri, int version, string text, CompilationOptions? options = null, DocumentSnapshot? previous = null)
    {
        Uri = uri;
        Version = version;
        Text = text;
        FilePath = DocumentUris.ToFilePath(uri);
        baseline = previous is null ? null : previous.IsCompiled ? previous.Compilation : previous.baseline;
        compilation = new Lazy<Compilation>(() => Compile(options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Uri { get; }

    public int Version { get; }

    public string Text { get; }

    public string? FilePath { get; }

    public Compilation Compilation => compilation.Value;

    public SourceText Source => Compilation.Source;

    public bool IsCompiled => compilation.IsValueCreated;

    private Compilation Compile(CompilationOptions? options)
    {
        var compiled = baseline is { } earlier && earlier.FilePath == FilePath
            ? Compilation.Update(earlier, Text, options)
            : Compilation.Create(Text, FilePath, options);
        baseline = null;
        return compiled;
    }
}
