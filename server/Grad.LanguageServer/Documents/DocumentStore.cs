using System.Collections.Concurrent;
using Grad.Language;
using Grad.LanguageServer.Protocol;

namespace Grad.LanguageServer.Documents;

/// <summary>
/// The open documents. didOpen/didChange/didClose are applied in arrival order (the host
/// dispatches them one at a time); readers take the current snapshot and never block writers.
/// </summary>
/// <param name="options">The compilation options of new versions: the current limits and data file policy.</param>
public sealed class DocumentStore(Func<CompilationOptions> options)
{
    private readonly ConcurrentDictionary<string, DocumentSnapshot> documents = new(StringComparer.Ordinal);

    public DocumentSnapshot Open(string uri, int version, string text)
    {
        var snapshot = new DocumentSnapshot(uri, version, text, options());
        documents[uri] = snapshot;
        return snapshot;
    }

    public DocumentSnapshot? Change(string uri, int version, IReadOnlyList<TextDocumentContentChangeEvent> changes)
    {
        if (!documents.TryGetValue(uri, out var current))
        {
            return null;
        }

        var snapshot = new DocumentSnapshot(uri, version, TextChanges.Apply(current.Text, changes), options(), current);
        documents[uri] = snapshot;
        return snapshot;
    }

    public bool Close(string uri) => documents.TryRemove(uri, out _);

    public DocumentSnapshot? TryGet(string uri) => documents.TryGetValue(uri, out var snapshot) ? snapshot : null;

    public IReadOnlyCollection<DocumentSnapshot> All => documents.Values.ToArray();
}
