using System.Collections.Concurrent;
using System.Text;
using Grad.Language.Text;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Hosting;
using Nerdbank.Streams;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Tests.Infrastructure;

/// <summary>
/// The production host on one end of an in-process duplex stream and a real StreamJsonRpc client
/// on the other. Every wait has a timeout. Notifications from the server are recorded.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<(string Method, JToken Params)> notifications = new();
    private readonly SemaphoreSlim notificationArrived = new(0, int.MaxValue);
    private readonly StringBuilder received = new();
    private int nextUri;

    private TestServer(IAnalysisService analysis, ServerSettings settings)
    {
        var (serverSide, clientSide) = FullDuplexStream.CreatePair();
        Analysis = analysis;
        Log = new StringWriter();
        Host = new LanguageServerHost(serverSide, serverSide, new LanguageServerOptions { AnalysisService = analysis, Log = TextWriter.Synchronized(Log), Settings = settings });
        HostRun = Host.RunAsync();

        // Record the bytes the client reads, to check error codes on the wire.
        var monitored = new MonitoringStream(clientSide);
        monitored.DidReadAny += (_, span) =>
        {
            lock (received)
            {
                received.Append(Encoding.UTF8.GetString(span));
            }
        };
        var formatter = new JsonMessageFormatter();
        LanguageServerHost.ConfigureSerializer(formatter.JsonSerializer);
        Client = new JsonRpc(new HeaderDelimitedMessageHandler(monitored, monitored, formatter));
        Client.AddLocalRpcTarget(new ClientTarget(this), new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
        Client.StartListening();
    }

    public LanguageServerHost Host { get; }

    public Task<int> HostRun { get; }

    public JsonRpc Client { get; }

    public IAnalysisService Analysis { get; }

    public StringWriter Log { get; }

    public int RefreshRequests;

    public string ReceivedText
    {
        get
        {
            lock (received)
            {
                return received.ToString();
            }
        }
    }

    /// <summary>
    /// A started and initialized server with debounce 0 and an analysis budget of 600 s unless the options say
    /// otherwise: a test is about what the analysis finds, and a machine slowed by other work must not turn its
    /// findings into GRAD0510 (the product's 10 s; the tests of the time limit set their own budgets).
    /// </summary>
    public static async Task<TestServer> StartAsync(IAnalysisService? analysis = null, JObject? capabilities = null, JObject? initializationOptions = null, bool initialize = true)
    {
        var server = new TestServer(analysis ?? new FakeAnalysisService(), new ServerSettings(DebounceMs: 0, BudgetSeconds: 600));
        if (initialize)
        {
            await server.InitializeAsync(capabilities, initializationOptions);
        }

        return server;
    }

    public async Task<JObject> InitializeAsync(JObject? capabilities = null, JObject? initializationOptions = null)
    {
        var result = await RequestAsync<JObject>("initialize", new
        {
            processId = (int?)null,
            rootUri = (string?)null,
            capabilities = capabilities ?? new JObject(),
            initializationOptions = initializationOptions ?? new JObject { ["analysis"] = new JObject { ["debounceMs"] = 0 } },
        });
        await NotifyAsync("initialized", new { });
        return result;
    }

    /// <summary>A URI no other test uses.</summary>
    public string NewUri(string name = "test") => $"file:///tests/{name}-{Guid.NewGuid():N}-{Interlocked.Increment(ref nextUri)}.grad";

    public async Task<T> RequestAsync<T>(string method, object? argument, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var request = Client.InvokeWithParameterObjectAsync<T>(method, argument, timeout.Token);
        return await request.WaitAsync(Timeout + TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    public Task NotifyAsync(string method, object? argument) => Client.NotifyWithParameterObjectAsync(method, argument);

    public Task OpenAsync(string uri, string text, int version = 1) =>
        NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "grad", version, text } });

    public Task ChangeAsync(string uri, int version, string text) =>
        NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version }, contentChanges = new[] { new { text } } });

    public Task ChangeRangeAsync(string uri, int version, LineRange range, string text) =>
        NotifyAsync("textDocument/didChange", new
        {
            textDocument = new { uri, version },
            contentChanges = new[] { new { range = ToLsp(range), text } },
        });

    public Task CloseAsync(string uri) => NotifyAsync("textDocument/didClose", new { textDocument = new { uri } });

    public async Task<string?> HoverAsync(string uri, LinePosition position)
    {
        var hover = await RequestAsync<JObject?>("textDocument/hover", new { textDocument = new { uri }, position = ToLsp(position) });
        return hover?["contents"]?["value"]?.ToString();
    }

    public static object ToLsp(LinePosition position) => new { line = position.Line, character = position.Character };

    public static object ToLsp(LineRange range) => new { start = ToLsp(range.Start), end = ToLsp(range.End) };

    public static LineRange FromLsp(JToken range) => new(
        new LinePosition((int)range["start"]!["line"]!, (int)range["start"]!["character"]!),
        new LinePosition((int)range["end"]!["line"]!, (int)range["end"]!["character"]!));

    /// <summary>A quick fix's LSP text edits applied to <paramref name="text"/> (the last edit first, so earlier offsets hold).</summary>
    public static string Apply(string text, JArray edits)
    {
        var source = new Grad.Language.Text.SourceText(text);
        var spans = edits.Select(e => (Range: FromLsp(e["range"]!), NewText: e["newText"]!.ToString()))
            .Select(e => (Start: source.GetOffset(e.Range.Start), End: source.GetOffset(e.Range.End), e.NewText))
            .OrderByDescending(e => e.Start);
        foreach (var (start, end, newText) in spans)
        {
            text = string.Concat(text.AsSpan(0, start), newText, text.AsSpan(end));
        }

        return text;
    }

    /// <summary>The first notification (already received or still to come) that matches.</summary>
    public async Task<JToken> WaitForNotificationAsync(string method, Func<JToken, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        var seen = 0;
        while (true)
        {
            var all = notifications.ToArray();
            for (; seen < all.Length; seen++)
            {
                if (all[seen].Method == method && predicate(all[seen].Params))
                {
                    return all[seen].Params;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no {method} notification matched within the timeout; log:\n{Log}");
            }

            await notificationArrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The diagnostics published for this version of the document.</summary>
    public async Task<JArray> WaitForDiagnosticsAsync(string uri, int? version, Func<JArray, bool>? predicate = null) =>
        (JArray)(await WaitForNotificationAsync("textDocument/publishDiagnostics",
            p => p["uri"]?.ToString() == uri && (version is null || (int?)p["version"] == version) && (predicate is null || predicate((JArray)p["diagnostics"]!))))["diagnostics"]!;

    public Task<JToken> WaitForAnalysisAsync(string uri, int version, string state = "ready") =>
        WaitForNotificationAsync("grad/analysisState", p => p["uri"]?.ToString() == uri && (int?)p["version"] == version && p["state"]?.ToString() == state);

    public IReadOnlyList<(string Method, JToken Params)> Notifications => notifications.ToArray();

    public async ValueTask DisposeAsync()
    {
        if (!Client.IsDisposed && !HostRun.IsCompleted)
        {
            try
            {
                await RequestAsync<JToken?>("shutdown", null);
                await NotifyAsync("exit", null);
                await HostRun.WaitAsync(Timeout);
            }
            catch (Exception exception) when (exception is ConnectionLostException or ObjectDisposedException or TimeoutException or RemoteInvocationException)
            {
            }
        }

        Client.Dispose();
        Host.Dispose();
    }

    /// <summary>What the server may call on the client.</summary>
    private sealed class ClientTarget
    {
        private readonly TestServer owner;

        public ClientTarget(TestServer owner)
        {
            this.owner = owner;
        }

        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(JToken arguments) => Record("textDocument/publishDiagnostics", arguments);

        [JsonRpcMethod("grad/analysisState", UseSingleObjectParameterDeserialization = true)]
        public void AnalysisState(JToken arguments) => Record("grad/analysisState", arguments);

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void LogMessage(JToken arguments) => Record("window/logMessage", arguments);

        [JsonRpcMethod("$/logTrace", UseSingleObjectParameterDeserialization = true)]
        public void LogTrace(JToken arguments) => Record("$/logTrace", arguments);

        [JsonRpcMethod("workspace/codeLens/refresh")]
        public object? CodeLensRefresh()
        {
            Interlocked.Increment(ref owner.RefreshRequests);
            Record("workspace/codeLens/refresh", JValue.CreateNull());
            return null;
        }

        [JsonRpcMethod("workspace/inlayHint/refresh")]
        public object? InlayHintRefresh()
        {
            Record("workspace/inlayHint/refresh", JValue.CreateNull());
            return null;
        }

        [JsonRpcMethod("window/workDoneProgress/create", UseSingleObjectParameterDeserialization = true)]
        public object? CreateWorkDoneProgress(JToken arguments)
        {
            Record("window/workDoneProgress/create", arguments);
            return null;
        }

        [JsonRpcMethod("$/progress", UseSingleObjectParameterDeserialization = true)]
        public void Progress(JToken arguments) => Record("$/progress", arguments);

        [JsonRpcMethod("grad/runProgress", UseSingleObjectParameterDeserialization = true)]
        public void RunProgress(JToken arguments) => Record("grad/runProgress", arguments);

        [JsonRpcMethod("client/registerCapability", UseSingleObjectParameterDeserialization = true)]
        public object? RegisterCapability(JToken arguments)
        {
            Record("client/registerCapability", arguments);
            return null;
        }

        private void Record(string method, JToken arguments)
        {
            owner.notifications.Enqueue((method, arguments));
            owner.notificationArrived.Release();
        }
    }
}
