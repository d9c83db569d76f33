using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Features;
using Grad.LanguageServer.Features.Diagnostics;
using Grad.LanguageServer.Features.Lifecycle;
using Microsoft.VisualStudio.Threading;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;
using StreamJsonRpc;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// The server on a pair of streams: LSP's header-delimited JSON-RPC (StreamJsonRpc, camelCase,
/// nulls omitted), the features registered from one list, and the exit code LSP asks for.
/// Incoming messages are dispatched one at a time in arrival order, so document changes apply
/// in order; read handlers take their snapshot at once and continue concurrently.
/// </summary>
public sealed class LanguageServerHost : IDisposable
{
    private readonly TaskCompletionSource<int> exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LanguageServerHost(Stream input, Stream output, LanguageServerOptions? options = null)
    {
        options ??= new LanguageServerOptions();
        var formatter = new JsonMessageFormatter();
        ConfigureSerializer(formatter.JsonSerializer);
        var handler = new LspMessageHandler(output, input, formatter);
        Rpc = new LspJsonRpc(handler)
        {
            SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false),
            CancelLocallyInvokedMethodsWhenConnectionIsClosed = true,
        };
        Log = new ServerLog(options.Log);
        Log.Attach(Rpc);
        handler.BadBody = (code, message) => Log.Warning($"answered a bad message body with {code}: {message}");
        var notifier = new ClientNotifier(this);
        Context = new ServerContext(Rpc, Log, options.AnalysisService ?? new RuntimeAnalysisService(), options.Settings, notifier);
        Lifecycle = new LifecycleFeature(Context, exit);
        ((LspJsonRpc)Rpc).IsShutDown = () => Lifecycle.ShutdownRequested;
        foreach (var feature in FeatureList.Create(Context, Lifecycle))
        {
            Rpc.AddLocalRpcTarget(feature, new JsonRpcTargetOptions { NotifyClientOfEvents = false, DisposeOnDisconnect = false });
        }

        Rpc.Disconnected += (_, e) =>
        {
            if (e.Reason is DisconnectedReason.ParseError or DisconnectedReason.StreamError or DisconnectedReason.FatalException)
            {
                Log.Error($"connection closed on bad input: {e.Reason}: {e.Description}");
            }
            else if (e.Reason != DisconnectedReason.LocallyDisposed)
            {
                Log.Info($"connection closed: {e.Reason} {e.Description}");
            }

            exit.TrySetResult(Lifecycle.ShutdownRequested ? 0 : 1);
        };
    }

    public JsonRpc Rpc { get; }

    public ServerLog Log { get; }

    public ServerContext Context { get; }

    public LifecycleFeature Lifecycle { get; }

    /// <summary>Starts serving; completes with the process exit code (0 after shutdown then exit, 1 otherwise).</summary>
    public async Task<int> RunAsync()
    {
        Rpc.StartListening();
        var code = await exit.Task.ConfigureAwait(false);
        Rpc.Dispose();
        return code;
    }

    public void Dispose() => Rpc.Dispose();

    public static void ConfigureSerializer(JsonSerializer serializer)
    {
        serializer.ContractResolver = new DefaultContractResolver
        {
            // Property names camelCase; dictionary keys (URIs, parameter names) as they are.
            NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false, OverrideSpecifiedNames = false },
        };
        serializer.NullValueHandling = NullValueHandling.Ignore;
    }
}
