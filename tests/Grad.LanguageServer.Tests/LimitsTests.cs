using System.Diagnostics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>The server's bounds: one time budget per analysis, no thread-pool thread held, caches dropped on close, capped text.</summary>
public sealed class LimitsTests
{
    private static readonly string HostileFile = Samples.TrainFile.Replace("network chain", "network fifo").Replace("train chain", "train fifo");

    private static JObject Options(double budgetSeconds) =>
        new() { ["analysis"] = new JObject { ["debounceMs"] = 0, ["budgetSeconds"] = budgetSeconds } };

    [Fact]
    public async Task An_analysis_deaf_to_cancellation_ends_in_GRAD0510_at_its_budget_while_forty_others_leave_a_normal_document_served()
    {
        var analysis = new FakeAnalysisService { BlockingNetwork = "fifo" };
        try
        {
            // A budget of 3 s: long enough that the normal document below, served at once, is served before the first
            // hostile analysis reaches it, however loaded the machine (CI runs three test assemblies at once on 2 cores).
            await using var server = await TestServer.StartAsync(analysis, initializationOptions: Options(budgetSeconds: 3));
            var hostile = Enumerable.Range(0, 40).Select(i => server.NewUri($"fifo{i}")).ToArray();
            foreach (var uri in hostile)
            {
                await server.OpenAsync(uri, HostileFile);
            }

            // A normal document: diagnostics and a hover while the forty are still running, not after them.
            var normal = server.NewUri("normal");
            var clock = Stopwatch.StartNew();
            await server.OpenAsync(normal, Samples.TrainFile);
            await server.WaitForAnalysisAsync(normal, 1, "ready");
            await server.WaitForDiagnosticsAsync(normal, 1);
            Assert.False(server.Notifications.Any(n => n.Params["diagnostics"] is JArray d && d.Any(x => x["code"]!.ToString() == "GRAD0510")),
                $"the normal document was served after a hostile one reached its budget ({clock.Elapsed.TotalMilliseconds:0} ms)");
            Assert.Contains("‖δ", await server.HoverAsync(normal, new(2, 14)), StringComparison.Ordinal);

            // Each hostile document: the compiler's diagnostics, then GRAD0510 at the 3 s budget (+1 s overrun).
            var limit = await server.WaitForDiagnosticsAsync(hostile[0], 1, d => d.Count > 0);
            var warning = Assert.Single(limit);
            Assert.Equal("GRAD0510", warning["code"]!.ToString());
            Assert.Contains("time limit of 3 s", warning["message"]!.ToString(), StringComparison.Ordinal);
            Assert.Contains("grad.analysis.budgetSeconds", warning["message"]!.ToString(), StringComparison.Ordinal);
            await server.WaitForAnalysisAsync(hostile[^1], 1, "ready");
            Assert.DoesNotContain(server.Notifications, n => n.Params["diagnostics"] is JArray d && d.Any(x => x["code"]!.ToString() == "GRAD0504"));
            Assert.False(analysis.AnalysedOnThreadPool, "an analysis ran on a thread-pool thread");
        }
        finally
        {
            analysis.ReleaseBlocked.Set();
        }
    }

    [Fact]
    public async Task Running_out_of_memory_is_GRAD0510_and_not_a_bug()
    {
        var analysis = new FakeAnalysisService { NetworkFailure = new OutOfMemoryException() };
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        var warning = Assert.Single(await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count > 0));
        Assert.Equal("GRAD0510", warning["code"]!.ToString());
        Assert.Contains("more memory", warning["message"]!.ToString(), StringComparison.Ordinal);
        await server.WaitForAnalysisAsync(uri, 1, "ready");
    }

    [Fact]
    public async Task Closing_a_document_drops_its_cached_results()
    {
        await using var server = await TestServer.StartAsync();
        var kept = server.NewUri("kept");
        var closed = server.NewUri("closed");
        await server.OpenAsync(kept, Samples.TrainFile);
        await server.OpenAsync(closed, Samples.TrainFile.Replace("repeat 3", "repeat 4"));
        await server.WaitForAnalysisAsync(kept, 1);
        await server.WaitForAnalysisAsync(closed, 1);
        var analyzer = server.Host.Context.Analyzer;
        // Per document: its network's judgement and its run's judgement before running (GRAD0508).
        Assert.Equal(4, analyzer.CachedResults);

        await server.CloseAsync(closed);
        await Wait.UntilAsync(() => analyzer.CachedResults == 2, $"{analyzer.CachedResults} cached results");
        await server.CloseAsync(kept);
        await Wait.UntilAsync(() => analyzer.CachedResults == 0, $"{analyzer.CachedResults} cached results");
        await Wait.UntilAsync(() => server.Host.Context.Memory.Collections >= 1, "no collection after the closes");
    }

    [Fact]
    public async Task A_huge_hover_is_cut_with_a_note()
    {
        var analysis = new FakeAnalysisService { SymbolicDerivative = new string('w', 1_000_000) };
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, "cost bowl(w) = w^2\n");
        var hover = await server.HoverAsync(uri, new(0, 6));
        Assert.NotNull(hover);
        Assert.InRange(hover.Length, AnalysisLimits.HoverCharacters, AnalysisLimits.HoverCharacters + 200);
        Assert.Contains("… (hover cut at 20,000 of ", hover, StringComparison.Ordinal);
    }
}
