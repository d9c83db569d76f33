using System.Diagnostics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Grad.LanguageServer.Tests;

public sealed class RobustnessTests
{
    private readonly ITestOutputHelper output;

    public RobustnessTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public async Task A_thousand_rapid_changes_then_hover_answers_and_leaves_no_backlog()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri("rapid");
        var text = Repo.SeedText + "// ";
        await server.OpenAsync(uri, text);
        var lines = text.Split('\n');
        var lastLine = lines.Length - 1;
        var scheduler = server.Host.Context.Scheduler;

        // Typing in a comment at the end of the file, one character per version.
        for (var version = 2; version <= 1001; version++)
        {
            var column = lines[lastLine].Length + version - 2;
            await server.ChangeRangeAsync(uri, version, new(new(lastLine, column), new(lastLine, column)), "x");
            Assert.True(scheduler.RunningAnalyses <= 1, "more than one analysis of one document ran at once");
        }

        var outLine = Array.FindIndex(lines, l => l.Contains("as out", StringComparison.Ordinal));
        var stopwatch = Stopwatch.StartNew();
        var hover = await server.HoverAsync(uri, new(outLine, 4));
        stopwatch.Stop();
        Assert.NotNull(hover);
        Assert.Contains("layer 9 of 9", hover, StringComparison.Ordinal);
        Assert.Equal(new string('x', 1000), server.Host.Context.Documents.TryGet(uri)!.Text[^1000..]);

        // The last version is analysed, and then nothing is left running or waiting.
        await server.WaitForAnalysisAsync(uri, 1001);
        await Wait.UntilAsync(() => scheduler.BusyDocuments == 0 && scheduler.RunningAnalyses == 0, "no analysis running");
        Assert.Equal(1, scheduler.PeakRunningAnalyses);
        output.WriteLine($"hover after 1000 changes: {stopwatch.Elapsed.TotalMilliseconds:0.0} ms; analyses completed: {scheduler.CompletedAnalyses} of 1001 versions");
        Assert.True(scheduler.CompletedAnalyses <= 1001);
    }

    [Fact]
    public async Task A_five_thousand_line_file_is_served()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri("large");
        var text = LargeFile.Generate(5000);
        var lines = text.Split('\n');
        Assert.True(lines.Length >= 5000);
        await server.OpenAsync(uri, text);

        var stopwatch = Stopwatch.StartNew();
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1);
        output.WriteLine($"5,000 lines: first diagnostics after {stopwatch.Elapsed.TotalMilliseconds:0} ms ({diagnostics.Count})");
        Assert.DoesNotContain(diagnostics, d => (int)d["severity"]! == 1);

        var last = Array.FindLastIndex(lines, l => l.Contains("as out", StringComparison.Ordinal));
        var hover = await server.HoverAsync(uri, new(last, 4));
        Assert.NotNull(hover);
        Assert.Contains("layer 2 of 2", hover, StringComparison.Ordinal);

        var symbols = await server.RequestAsync<JArray>("textDocument/documentSymbol", new { textDocument = new { uri } });
        Assert.True(symbols.Count > 1500);
        var tokens = await server.RequestAsync<JObject>("textDocument/semanticTokens/full", new { textDocument = new { uri } });
        Assert.True(((JArray)tokens["data"]!).Count > 5000 * 5 / 2);
        var folding = await server.RequestAsync<JArray>("textDocument/foldingRange", new { textDocument = new { uri } });
        Assert.NotEmpty(folding);
        var formatting = await server.RequestAsync<JArray>("textDocument/formatting", new { textDocument = new { uri }, options = new { tabSize = 2, insertSpaces = true } });
        Assert.True(formatting.Count <= 1);

        // An edit at the end is analysed again (cached by content: only what changed is recomputed).
        await server.ChangeRangeAsync(uri, 2, new(new(last, 4), new(last, 9)), "dense");
        await server.WaitForAnalysisAsync(uri, 2);
    }
}
