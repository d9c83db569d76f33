using System.Diagnostics;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using static Grad.LanguageServer.Tests.ConformanceTests;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// The built server over stdio with hostile documents open: a normal document is still served
/// (diagnostics within its debounce plus 1 s, hovers answered), memory stays bounded and goes
/// back after the hostile documents close.
/// Not run in parallel with other tests: it measures time and memory.
/// </summary>
[Collection(nameof(HostileDocumentTests))]
public sealed class HostileDocumentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Within the binder's limits (3,000,000 steps × 5 recorded values ≤ traceValues), yet a trace
    /// point per step: before the editor's trace cap, hundreds of MB per analysis, kept after close.
    /// </summary>
    private const string HugeTrace = """
        cost bowl(w1, w2) = w1^2 + w2^2
        run crawl {
          minimize bowl from w1 = 1, w2 = 1
          optimizer sgd(lr = 0.0000001)
          steps 3000000
          record every 1
        }
        """;

    /// <summary>Each took the server down or held it for minutes with gigabytes before the limits; now one error each, at once.</summary>
    private static readonly string[] OverLimits =
    [
        "cost bowl(w1, w2) = w1^2 + w2^2\nrun crawl {\n  minimize bowl from w1 = 1, w2 = 1\n  optimizer sgd(lr = 0.1)\n  steps 100000000\n  record every 1\n}\n",
        "network deep {\n  input 1\n  repeat 1000000 { dense 1 sigmoid }\n  loss mse\n}\n",
        "network wide {\n  input 1\n  dense 100000000 relu\n  dense 1 sigmoid\n  loss mse\n}\n",
        string.Concat(Enumerable.Repeat("let a = b + 1\nlet b = a + 1\n", 40_000)),
        "data s = spirals(n = 1e8, noise = 0.1, seed = 3)\nnetwork c {\n  input 2\n  dense 4 tanh\n  dense 1 sigmoid\n  loss bce\n}\nrun fit {\n  train c on s\n  optimizer adam(lr = 0.01)\n  steps 10\n}\n",
    ];

    [Fact]
    public async Task Hostile_documents_leave_a_normal_one_served_and_memory_bounded_then_released()
    {
        await using var server = ServerProcess.Start();
        await InitializeAsync(server, 1, new JObject { ["analysis"] = new JObject { ["debounceMs"] = 0, ["budgetSeconds"] = 3 } });
        // Warm up (the first analysis of a process compiles the runtime's code) on a copy of the normal document.
        const string warm = "file:///tmp/grad-hostile/warm.grad";
        await server.SendAsync(Notification("textDocument/didOpen", OpenParams(warm, Repo.SeedText)));
        Assert.NotNull(await server.WaitForMessageAsync(m => IsDiagnostics(m, warm) && m["params"]!["diagnostics"]!.Any(d => (string?)d["code"] == "GRAD0500"), Timeout));
        var baseline = server.ResidentBytes;
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes);
                await Task.Delay(50);
            }
        });

        // Over the limits: one error each (GRAD0340), no analysis.
        for (var i = 0; i < OverLimits.Length; i++)
        {
            var uri = $"file:///tmp/grad-hostile/over{i}.grad";
            await server.SendAsync(Notification("textDocument/didOpen", OpenParams(uri, OverLimits[i])));
            var over = await server.WaitForMessageAsync(m => IsDiagnostics(m, uri) && m["params"]!["diagnostics"]!.Any(), Timeout);
            Assert.Contains(over!["params"]!["diagnostics"]!, d => (string?)d["code"] == "GRAD0340");
        }

        // A data file that is a FIFO with no writer: refused by its type, never waited on.
        var folder = Directory.CreateTempSubdirectory("grad-fifo-");
        try
        {
            var fifo = Path.Combine(folder.FullName, "pipe.csv");
            Assert.Equal(0, (await Processes.RunAsync("mkfifo", [fifo])).ExitCode);
            var fifoUri = new Uri(Path.Combine(folder.FullName, "fifo.grad")).AbsoluteUri;
            await server.SendAsync(Notification("textDocument/didOpen", OpenParams(fifoUri, Samples.TrainFile.Replace("data point { x: [1.0]  y: [0.5] }", "data point = csv(\"pipe.csv\", target = \"y\")"))));
            var refused = await server.WaitForMessageAsync(m => IsDiagnostics(m, fifoUri) && m["params"]!["diagnostics"]!.Any(d => d["message"]!.ToString().Contains("not a regular file", StringComparison.Ordinal)), Timeout);
            Assert.NotNull(refused);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        // The same document's first diagnostics with no hostile document busy: what this machine takes now
        // (the promise is that a hostile document adds at most 1 s to it, however loaded the machine is).
        const string alone = "file:///tmp/grad-hostile/alone.grad";
        var aloneClock = Stopwatch.StartNew();
        await server.SendAsync(Notification("textDocument/didOpen", OpenParams(alone, Repo.SeedText)));
        Assert.NotNull(await server.WaitForMessageAsync(m => IsDiagnostics(m, alone), Timeout));
        var unhindered = aloneClock.Elapsed;
        Assert.NotNull(await server.WaitForMessageAsync(m => IsDiagnostics(m, alone) && m["params"]!["diagnostics"]!.Any(d => (string?)d["code"] == "GRAD0500"), Timeout));

        // One busy analysis per core at most (the machine has two): the normal document gets the other.
        var hostile = new[] { "file:///tmp/grad-hostile/trace.grad" };
        await server.SendAsync(Notification("textDocument/didOpen", OpenParams(hostile[0], HugeTrace)));
        await Task.Delay(500);
        const string normal = "file:///tmp/grad-hostile/normal.grad";
        var clock = Stopwatch.StartNew();
        await server.SendAsync(Notification("textDocument/didOpen", OpenParams(normal, Repo.SeedText)));
        // Its first diagnostics (the compiler's) within its debounce (0) plus 1 s more than alone; the analysis' findings follow.
        Assert.NotNull(await server.WaitForMessageAsync(m => IsDiagnostics(m, normal), Timeout));
        var waited = clock.Elapsed;
        Assert.True(waited < unhindered + TimeSpan.FromSeconds(1), $"the normal document's diagnostics took {waited.TotalMilliseconds:0} ms beside a hostile one, {unhindered.TotalMilliseconds:0} ms alone");
        Assert.NotNull(await server.WaitForMessageAsync(m => IsDiagnostics(m, normal) && m["params"]!["diagnostics"]!.Any(d => (string?)d["code"] == "GRAD0500"), Timeout));

        await server.SendAsync(Request(2, "textDocument/hover", new JObject { ["textDocument"] = new JObject { ["uri"] = normal }, ["position"] = Position(27, 14) }));
        var hover = await server.WaitForMessageAsync(m => (int?)m["id"] == 2, TimeSpan.FromSeconds(5));
        Assert.Contains("‖δ", hover?["result"]?["contents"]?["value"]?.ToString() ?? "", StringComparison.Ordinal);

        // Every hostile document is analysed (its minimize run stops at the 2 s budget with a thinned trace).
        foreach (var uri in hostile)
        {
            Assert.NotNull(await server.WaitForMessageAsync(m => (string?)m["method"] == "grad/analysisState" && (string?)m["params"]!["uri"] == uri && (string?)m["params"]!["state"] == "ready", Timeout));
        }

        await server.SendAsync(Request(3, "workspace/executeCommand", new JObject { ["command"] = "grad.run", ["arguments"] = new JArray(hostile[0], "crawl") }));
        var run = await server.WaitForMessageAsync(m => (int?)m["id"] == 3, Timeout);
        Assert.True(run?["result"] is JObject, run?.ToString());
        Assert.InRange(((JArray)run!["result"]!["trace"]!).Count, 2, 2_000);

        // Reopened under other names (no result shared), run, closed: memory goes back each time.
        for (var i = 0; i < 3; i++)
        {
            var uri = $"file:///tmp/grad-hostile/again{i}.grad";
            await server.SendAsync(Notification("textDocument/didOpen", OpenParams(uri, HugeTrace.Replace("w1 = 1", $"w1 = {i + 2}"))));
            await server.SendAsync(Request(10 + i, "workspace/executeCommand", new JObject { ["command"] = "grad.run", ["arguments"] = new JArray(uri, "crawl") }));
            Assert.NotNull(await server.WaitForMessageAsync(m => (int?)m["id"] == 10 + i, Timeout));
            await server.SendAsync(Notification("textDocument/didClose", new JObject { ["textDocument"] = new JObject { ["uri"] = uri } }));
        }

        foreach (var uri in hostile)
        {
            await server.SendAsync(Notification("textDocument/didClose", new JObject { ["textDocument"] = new JObject { ["uri"] = uri } }));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (server.ResidentBytes > baseline + (200L << 20) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await sampling.CancelAsync();
        await sampler;
        var after = server.ResidentBytes;
        Assert.True(peak < 1L << 30, $"peak RSS {peak >> 20} MB");
        Assert.True(after <= baseline + (200L << 20), $"RSS {after >> 20} MB after the closes (baseline {baseline >> 20} MB, peak {peak >> 20} MB)");
    }

    private static bool IsDiagnostics(JObject message, string uri) =>
        (string?)message["method"] == "textDocument/publishDiagnostics" && (string?)message["params"]!["uri"] == uri;
}

[CollectionDefinition(nameof(HostileDocumentTests), DisableParallelization = true)]
public sealed class HostileDocumentCollection;
