using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Tests.Infrastructure;
using Nerdbank.Streams;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.ServerBenchmarks;

/// <summary>
/// Prints p50/p95 latency of hover and of diagnostics after the last change, on examples/seed.grad
/// and a generated 5,000-line file, against the production host with the real runtime. Debounce
/// is 0 here: with the editor's debounce the diagnostics arrive that much later by design. Edits
/// are measured once the file's first analysis is ready (its time is printed on its own): an edit
/// made while it still runs waits for the compiler's diagnostics only, by design. Each measure is
/// printed as wall time and as the process' CPU time (server and in-process client: what the load of
/// other processes on the machine inflates least), with the load average before and after.
/// Usage: dotnet run -c Release --project bench/Grad.ServerBenchmarks [-- iterations]
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var root = FindRoot();
        var seed = await File.ReadAllTextAsync(Path.Combine(root, "examples", "seed.grad"));
        Console.WriteLine($"Grad language server latency ({Environment.ProcessorCount} cores, {iterations} iterations, debounce 0; load average {LoadAverage()})");
        await MeasureAsync("seed.grad", seed, iterations);
        await MeasureAsync("generated 5,000 lines", LargeFile.Generate(5000), Math.Max(20, iterations / 4));
        return 0;
    }

    private static async Task MeasureAsync(string name, string text, int iterations)
    {
        await using var client = await BenchClient.StartAsync();
        var uri = $"file:///bench/{Guid.NewGuid():N}.grad";
        var opened = Stopwatch.GetTimestamp();
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "grad", version = 1, text } });
        await client.WaitForDiagnosticsAsync(uri, 1);
        var firstDiagnostics = Stopwatch.GetElapsedTime(opened).TotalMilliseconds;
        await client.WaitForReadyAsync(uri, 1);
        var firstAnalysis = Stopwatch.GetElapsedTime(opened).TotalMilliseconds;

        var lines = text.Split('\n');
        var layerLine = Array.FindLastIndex(lines, l => l.Contains("as out", StringComparison.Ordinal));
        var commentLine = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("//", StringComparison.Ordinal));
        var unitsLine = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("dense", StringComparison.Ordinal));
        var unitsColumn = lines[unitsLine].IndexOf("dense", StringComparison.Ordinal) + "dense ".Length;

        // Warm up (JIT, caches).
        for (var i = 0; i < 20; i++)
        {
            await client.HoverAsync(uri, layerLine, 4);
        }

        var loadBefore = LoadAverage();
        var hover = new List<double>();
        var cpuHover = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var cpu = Environment.CpuUsage.TotalTime;
            var started = Stopwatch.GetTimestamp();
            var result = await client.HoverAsync(uri, layerLine, 4 + (i % 5));
            hover.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            cpuHover.Add((Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds);
            if (result is null)
            {
                throw new InvalidOperationException("no hover");
            }
        }

        // Diagnostics after the last change: a comment edit (analysis cached by content) and an
        // edit of a layer's width (that network is analysed again).
        var version = 1;
        var afterComment = new List<double>();
        var afterLayer = new List<double>();
        var cpuComment = new List<double>();
        var cpuLayer = new List<double>();
        for (var i = 0; i < iterations / 2; i++)
        {
            version++;
            var cpu = Environment.CpuUsage.TotalTime;
            var started = Stopwatch.GetTimestamp();
            await client.NotifyAsync("textDocument/didChange", new
            {
                textDocument = new { uri, version },
                contentChanges = new[] { new { range = Range(commentLine, 2, commentLine, 2), text = "x" } },
            });
            await client.WaitForDiagnosticsAsync(uri, version);
            afterComment.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            cpuComment.Add((Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds);

            version++;
            cpu = Environment.CpuUsage.TotalTime;
            started = Stopwatch.GetTimestamp();
            await client.NotifyAsync("textDocument/didChange", new
            {
                textDocument = new { uri, version },
                contentChanges = new[] { new { range = Range(unitsLine, unitsColumn, unitsLine, unitsColumn + 1), text = (1 + (i % 3)).ToString(CultureInfo.InvariantCulture) } },
            });
            await client.WaitForDiagnosticsAsync(uri, version);
            afterLayer.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            cpuLayer.Add((Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds);
        }

        var compile = new List<double>();
        for (var i = 0; i < Math.Min(iterations, 30); i++)
        {
            var started = Stopwatch.GetTimestamp();
            _ = Grad.Language.Compilation.Create(text + "\n// " + i, null).Diagnostics;
            compile.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Console.WriteLine($"{name} ({lines.Length} lines; load average {loadBefore} before, {LoadAverage()} after)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"open: first diagnostics, analysis ready",-38} {firstDiagnostics,8:0.00} ms, {firstAnalysis,8:0.00} ms"));
        Print("  Compilation.Create alone (parse+bind)", compile);
        Print("  hover on a layer", hover);
        Print("  CPU time of a hover", cpuHover);
        Print("  diagnostics after a comment edit", afterComment);
        Print("  CPU time of a comment edit", cpuComment);
        Print("  diagnostics after a layer edit", afterLayer);
        Print("  CPU time of a layer edit", cpuLayer);
    }

    private static object Range(int startLine, int startCharacter, int endLine, int endCharacter) => new
    {
        start = new { line = startLine, character = startCharacter },
        end = new { line = endLine, character = endCharacter },
    };

    private static void Print(string what, List<double> samples)
    {
        samples.Sort();
        double At(double q) => samples[Math.Min(samples.Count - 1, (int)(q * samples.Count))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-38} p50 {At(0.5),8:0.00} ms   p95 {At(0.95),8:0.00} ms   max {samples[^1],8:0.00} ms   (n={samples.Count})"));
    }

    /// <summary>The 1, 5 and 15 minute load averages (the other processes sharing the cores), where the system tells them.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("run from inside the repository");
    }

    /// <summary>A StreamJsonRpc client on the production host over an in-process duplex stream.</summary>
    private sealed class BenchClient : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<(string Uri, int Version), TaskCompletionSource> diagnostics = new();
        private readonly ConcurrentDictionary<(string Uri, int Version), TaskCompletionSource> ready = new();
        private readonly LanguageServerHost host;
        private readonly Task<int> run;
        private readonly JsonRpc rpc;

        private BenchClient()
        {
            var (serverSide, clientSide) = FullDuplexStream.CreatePair();
            host = new LanguageServerHost(serverSide, serverSide, new LanguageServerOptions { Log = TextWriter.Null, Settings = new ServerSettings(DebounceMs: 0) });
            run = host.RunAsync();
            var formatter = new JsonMessageFormatter();
            LanguageServerHost.ConfigureSerializer(formatter.JsonSerializer);
            rpc = new JsonRpc(new HeaderDelimitedMessageHandler(clientSide, clientSide, formatter));
            rpc.AddLocalRpcMethod("textDocument/publishDiagnostics", new Action<JToken>(p =>
                Waiter(diagnostics, (string)p["uri"]!, (int?)p["version"] ?? -1).TrySetResult()));
            rpc.AddLocalRpcMethod("grad/analysisState", new Action<JToken>(p =>
            {
                if ((string?)p["state"] == "ready")
                {
                    Waiter(ready, (string)p["uri"]!, (int?)p["version"] ?? -1).TrySetResult();
                }
            }));
            rpc.AddLocalRpcMethod("window/logMessage", new Action<JToken>(_ => { }));
            rpc.StartListening();
        }

        public static async Task<BenchClient> StartAsync()
        {
            var client = new BenchClient();
            await client.rpc.InvokeWithParameterObjectAsync<JToken>("initialize", new { processId = (int?)null, capabilities = new { }, initializationOptions = new { analysis = new { debounceMs = 0 } } });
            await client.NotifyAsync("initialized", new { });
            return client;
        }

        public Task NotifyAsync(string method, object argument) => rpc.NotifyWithParameterObjectAsync(method, argument);

        public Task<JToken?> HoverAsync(string uri, int line, int character) =>
            rpc.InvokeWithParameterObjectAsync<JToken?>("textDocument/hover", new { textDocument = new { uri }, position = new { line, character } });

        public Task WaitForDiagnosticsAsync(string uri, int version) => Waiter(diagnostics, uri, version).Task.WaitAsync(TimeSpan.FromSeconds(60));

        /// <summary>The analysis of that version is done (its findings published).</summary>
        public Task WaitForReadyAsync(string uri, int version) => Waiter(ready, uri, version).Task.WaitAsync(TimeSpan.FromSeconds(120));

        public async ValueTask DisposeAsync()
        {
            await rpc.InvokeWithParameterObjectAsync<JToken?>("shutdown", null);
            await rpc.NotifyWithParameterObjectAsync("exit", null);
            await run.WaitAsync(TimeSpan.FromSeconds(10));
            rpc.Dispose();
            host.Dispose();
        }

        private static TaskCompletionSource Waiter(ConcurrentDictionary<(string Uri, int Version), TaskCompletionSource> waiters, string uri, int version) =>
            waiters.GetOrAdd((uri, version), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
