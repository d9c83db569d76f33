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

    /// <param name="options">The limits and the data file resolver (the workspace's folders) this version is compiled with.</param>
    public DocumentSnapshot(string uri, int version, string text, CompilationOptions? options = null)
    {
        Uri = uri;
        Version = version;
        Text = text;
        FilePath = DocumentUris.ToFilePath(uri);
        compilation = new Lazy<Compilation>(() => Compilation.Create(text, FilePath, options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Uri { get; }

    public int Version { get; }

    public string Text { get; }

    public string? FilePath { get; }

    public Compilation Compilation => compilation.Value;

    public SourceText Source => Compilation.Source;

    public bool IsCompiled => compilation.IsValueCreated;
}
