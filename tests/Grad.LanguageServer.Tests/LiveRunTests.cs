using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// Live runs with the real runtime: a run started with <c>grad.run</c> reports <c>$/progress</c> begin, report and
/// end on a token it created, sends the panel of the run so far (<c>grad/runProgress</c>) whose last one has the
/// run's own numbers, stops when the progress is cancelled (its answer says so), and leaves hovers answered meanwhile.
/// </summary>
public sealed class LiveRunTests
{
    private static string Text(long steps) => $$"""
        network net {
          input 2
          repeat 3 { dense 8 tanh }
          dense 1 sigmoid
          loss bce
        }
        data points = moons(n = 64, noise = 0.1, seed = 5)
        run fit {
          train net on points
          optimizer sgd(lr = 0.1)
          steps {{steps}}
          batch 16
        }
        """;

    private static readonly JObject Capabilities = JObject.Parse("""{"window":{"workDoneProgress":true}}""");

    private static JObject Options(double budgetSeconds) => new() { ["analysis"] = new JObject { ["debounceMs"] = 0, ["budgetSeconds"] = budgetSeconds } };

    private static Task<JObject> RunAsync(TestServer server, string uri) =>
        server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new JArray(uri, "fit") });

    private static List<JToken> Progress(TestServer server, string kind) =>
        [.. server.Notifications.Where(n => n.Method == "$/progress" && n.Params["value"]?["kind"]?.ToString() == kind).Select(n => n.Params)];

    [Fact]
    public async Task A_run_reports_begin_report_and_end_and_its_last_panel_has_the_runs_numbers()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), Capabilities, Options(30));
        var uri = server.NewUri("live");
        await server.OpenAsync(uri, Text(300));
        var result = await RunAsync(server, uri);
        Assert.Equal("steps", result["stopReason"]!.ToString());

        var created = await server.WaitForNotificationAsync("window/workDoneProgress/create", _ => true);
        var token = created["token"]!.ToString();
        var end = await server.WaitForNotificationAsync("$/progress", p => p["value"]?["kind"]?.ToString() == "end");
        Assert.Equal(token, end["token"]!.ToString());
        Assert.StartsWith("300 steps, loss ", end["value"]!["message"]!.ToString(), StringComparison.Ordinal);
        var begin = Assert.Single(Progress(server, "begin"));
        Assert.Equal(token, begin["token"]!.ToString());
        Assert.True((bool)begin["value"]!["cancellable"]!);
        Assert.Equal("Grad: running fit", begin["value"]!["title"]!.ToString());
        var methods = server.Notifications.Select(n => n.Method == "$/progress" ? $"progress-{n.Params["value"]!["kind"]}" : n.Method).ToList();
        Assert.True(methods.IndexOf("progress-begin") < methods.LastIndexOf("progress-end"));
        foreach (var report in Progress(server, "report"))
        {
            Assert.Matches(@"^step \d+ of 300 · loss [0-9.e-]+$", report["value"]!["message"]!.ToString());
        }

        // The last panel of the run so far is the run: its loss curve is the run's trace, number for number.
        var last = await server.WaitForNotificationAsync("grad/runProgress", p => (bool)p["final"]!);
        Assert.Equal("fit", last["run"]!.ToString());
        Assert.Equal(300, (int)last["step"]!);
        var loss = last["panel"]!["sections"]!.SelectMany(s => s["charts"]!).First(c => c["id"]!.ToString() == "compared-0");
        var kept = ((JArray)result["trace"]!).ToList();
        Assert.Equal(301, kept.Count);
        Assert.Equal(kept.Select(t => (double)t["step"]!), loss["xs"]!.Select(x => (double)x));
        Assert.Equal(kept.Select(t => (double?)t["loss"]), loss["series"]![0]!["values"]!.Select(v => (double?)v));
        Assert.Contains(last["panel"]!["sections"]!, s => s["charts"]!.Any(c => c["kind"]!.ToString() == "heatmap"));
    }

    [Fact]
    public async Task Cancelling_the_progress_stops_the_run_and_its_answer_says_so_while_hovers_stay_answered()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), Capabilities, Options(60));
        var uri = server.NewUri("live-cancel");
        await server.OpenAsync(uri, Text(5_000_000));
        var run = RunAsync(server, uri);
        var report = await server.WaitForNotificationAsync("$/progress", p => p["value"]?["kind"]?.ToString() == "report");
        var panel = await server.WaitForNotificationAsync("grad/runProgress", p => p["panel"]?.Type == JTokenType.Object);
        Assert.Contains("step ", panel["message"]!.ToString(), StringComparison.Ordinal);

        // The run goes on its own thread: a hover is answered meanwhile.
        Assert.Contains("layer", await server.HoverAsync(uri, new(2, 16)) ?? "", StringComparison.Ordinal);
        Assert.False(run.IsCompleted);

        await server.NotifyAsync("window/workDoneProgress/cancel", new { token = report["token"] });
        var result = await run;
        Assert.Equal("cancelled", result["stopReason"]!.ToString());
        Assert.InRange((int)result["stepsTaken"]!, 1, 4_999_999);
        var end = await server.WaitForNotificationAsync("$/progress", p => p["value"]?["kind"]?.ToString() == "end");
        Assert.StartsWith("cancelled: ", end["value"]!["message"]!.ToString(), StringComparison.Ordinal);

        // The code lens says what the last run did.
        var lenses = await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Contains("interrupted", lenses.Single()["command"]!["title"]!.ToString(), StringComparison.Ordinal);
    }
}
