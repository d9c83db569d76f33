using System.Collections.Immutable;
using System.Reflection;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Sync;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Lifecycle;

/// <summary>initialize (capabilities), initialized, shutdown, exit, <c>$/setTrace</c> and settings.</summary>
public sealed class LifecycleFeature
{
    private readonly ServerContext context;
    private readonly TaskCompletionSource<int> exit;

    public LifecycleFeature(ServerContext context, TaskCompletionSource<int> exit)
    {
        this.context = context;
        this.exit = exit;
    }

    public bool ShutdownRequested { get; private set; }

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public object Initialize(InitializeParams request)
    {
        context.ClientCapabilities = request.Capabilities ?? [];
        context.Settings = context.Settings.With(request.InitializationOptions);
        context.WorkspaceFolders = WorkspaceFolderPaths(request);
        if (request.Trace is { } trace)
        {
            context.Log.Trace = trace;
        }

        context.Log.Info($"initialize: debounce {context.Settings.DebounceMs} ms, autoRun {context.Settings.AutoRun}, budget {context.Settings.BudgetSeconds} s");
        return new
        {
            capabilities = ServerCapabilities.Create(),
            serverInfo = new
            {
                name = "grad-language-server",
                version = typeof(LifecycleFeature).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.1.0",
            },
        };
    }

    /// <summary>The local paths of the workspace folders, or of the root when the client sends no folders.</summary>
    private static ImmutableArray<string> WorkspaceFolderPaths(InitializeParams request)
    {
        var uris = request.WorkspaceFolders?.OfType<JObject>().Select(f => f["uri"]?.Type == JTokenType.String ? (string?)f["uri"] : null)
            ?? (request.RootUri is { } root ? [root] : []);
        return [.. uris.Select(u => u is null ? null : DocumentUris.ToFilePath(u)).OfType<string>()];
    }

    [JsonRpcMethod("initialized", UseSingleObjectParameterDeserialization = true)]
    public void Initialized(JToken? request)
    {
        _ = request;
        _ = DataFileWatchFeature.RegisterAsync(context);
    }

    [JsonRpcMethod("shutdown")]
    public object? Shutdown()
    {
        ShutdownRequested = true;
        foreach (var document in context.Documents.All)
        {
            context.Scheduler.Close(document.Uri);
        }

        return null;
    }

    [JsonRpcMethod("exit")]
    public void Exit() => exit.TrySetResult(ShutdownRequested ? 0 : 1);

    [JsonRpcMethod("$/setTrace", UseSingleObjectParameterDeserialization = true)]
    public void SetTrace(SetTraceParams request) => context.Log.Trace = request.Value;

    [JsonRpcMethod("workspace/didChangeConfiguration", UseSingleObjectParameterDeserialization = true)]
    public void DidChangeConfiguration(DidChangeConfigurationParams request)
    {
        context.Settings = context.Settings.With(request.Settings);
        foreach (var document in context.Documents.All)
        {
            context.Scheduler.Schedule(document);
        }
    }
}
