using System.Collections.Concurrent;
using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Diagnostics;

/// <summary>
/// Push diagnostics (versioned; only for the document's current version, so a slow analysis never
/// overwrites newer results, and never after close), the <c>grad/analysisState</c> notification,
/// and the refresh requests for lenses, hints and tokens.
/// </summary>
public sealed class ClientNotifier : IClientNotifier
{
    private readonly LanguageServerHost host;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);

    public ClientNotifier(LanguageServerHost host)
    {
        this.host = host;
    }

    private ServerContext Context => host.Context;

    public async Task PublishAsync(DocumentSnapshot snapshot, ImmutableArray<Diagnostic> analysisDiagnostics)
    {
        var compilation = snapshot.Compilation;
        var diagnostics = compilation.Diagnostics.Concat(analysisDiagnostics)
            .Select(d => DiagnosticConverter.ToLsp(d, compilation.Source, snapshot.Uri))
            .ToArray();
        var gate = gates.GetOrAdd(snapshot.Uri, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Context.Documents.TryGet(snapshot.Uri)?.Version != snapshot.Version)
            {
                return;
            }

            await NotifyAsync("textDocument/publishDiagnostics", new PublishDiagnosticsParams
            {
                Uri = snapshot.Uri,
                Version = snapshot.Version,
                Diagnostics = diagnostics,
            }).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Clears a closed document's diagnostics.</summary>
    public async Task ClearAsync(string uri)
    {
        var gate = gates.GetOrAdd(uri, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await NotifyAsync("textDocument/publishDiagnostics", new PublishDiagnosticsParams { Uri = uri, Diagnostics = [] }).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task AnalysisStateAsync(DocumentSnapshot snapshot, string state, string? message = null) =>
        NotifyAsync("grad/analysisState", new AnalysisStateParams { Uri = snapshot.Uri, Version = snapshot.Version, State = state, Message = message });

    public async Task RefreshViewsAsync()
    {
        foreach (var (capability, method) in new[]
        {
            ("workspace.codeLens.refreshSupport", "workspace/codeLens/refresh"),
            ("workspace.inlayHint.refreshSupport", "workspace/inlayHint/refresh"),
        })
        {
            if (!Context.ClientSupports(capability))
            {
                continue;
            }

            try
            {
                await Context.Rpc.InvokeWithParameterObjectAsync<object?>(method, null).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RemoteInvocationException or ConnectionLostException or ObjectDisposedException or RemoteMethodNotFoundException)
            {
                Context.Log.Verbose($"{method} failed: {exception.Message}");
            }
        }
    }

    private async Task NotifyAsync(string method, object argument)
    {
        var rpc = Context.Rpc;
        if (rpc.IsDisposed)
        {
            return;
        }

        try
        {
            await rpc.NotifyWithParameterObjectAsync(method, argument).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ConnectionLostException or ObjectDisposedException or IOException)
        {
            // The client went away; the host ends when the connection does.
        }
    }
}
