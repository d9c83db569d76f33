using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Sync;

/// <summary>
/// didOpen/didChange/didClose: applied synchronously, so in arrival order (the host dispatches one
/// message at a time), then the new version's analysis is scheduled in the background.
/// </summary>
public sealed class TextDocumentSyncFeature
{
    private readonly ServerContext context;

    public TextDocumentSyncFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(DidOpenTextDocumentParams request)
    {
        var document = request.TextDocument;
        context.Scheduler.Schedule(context.Documents.Open(document.Uri, document.Version, document.Text ?? ""));
    }

    [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
    public void DidChange(DidChangeTextDocumentParams request)
    {
        var snapshot = context.Documents.Change(request.TextDocument.Uri, request.TextDocument.Version, request.ContentChanges ?? []);
        if (snapshot is null)
        {
            context.Log.Warning($"didChange for {request.TextDocument.Uri}, which is not open: ignored");
            return;
        }

        context.Scheduler.Schedule(snapshot);
    }

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public void DidClose(DidCloseTextDocumentParams request)
    {
        var uri = request.TextDocument.Uri;
        var closed = context.Documents.TryGet(uri);
        context.Documents.Close(uri);
        context.Scheduler.Close(uri);
        context.RunResults.Clear(uri);
        if (closed is not null)
        {
            // Its cached results go, and the memory they held goes back to the system.
            context.Analyzer.Forget(closed, anyDocumentOpen: context.Documents.All.Count > 0);
            context.Memory.DocumentClosed();
        }
        _ = context.Notifier.ClearAsync(uri);
    }

    [JsonRpcMethod("textDocument/didSave", UseSingleObjectParameterDeserialization = true)]
    public void DidSave(DidSaveTextDocumentParams request)
    {
        // A saved file may have changed what csv("…") reads: analyse again.
        if (context.Documents.TryGet(request.TextDocument.Uri) is { } snapshot)
        {
            context.Scheduler.Schedule(snapshot);
        }
    }
}
