using System.Diagnostics;
using Grad.Language;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Grad.Runtime.Analysis;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Grad.Runtime.Training;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// Loss landscapes of runs started from the editor (<c>grad.landscape.resolution</c>, <c>grad.landscape.directions</c>):
/// the run's answer carries the landscape and the panel (<c>grad/panel</c>) its two charts, exactly the runtime's charts of
/// the same run with the same request (<c>grad run --landscape N --landscape-dirs D</c>); resolution 0 computes none; a
/// run cancelled while its landscape is computed answers at once, saying the landscape was not computed.
/// </summary>
public sealed class LandscapeRunTests
{
    private static readonly string ExamplePath = Path.Combine(Repo.Root, "examples", "landscape.grad");

    private static readonly JObject Capabilities = JObject.Parse("""{"window":{"workDoneProgress":true}}""");

    private static JObject Options(JObject? landscape) => new()
    {
        ["analysis"] = new JObject { ["debounceMs"] = 0, ["budgetSeconds"] = 60 },
        ["landscape"] = landscape,
    };

    private static Task<JObject> RunAsync(TestServer server, string uri, string run) =>
        server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new JArray(uri, run) });

    private static IEnumerable<JToken> Charts(JObject panel, string run) =>
        panel["sections"]!.Single(s => (string?)s["run"] == run)["charts"]!;

    /// <summary>The panel the runtime makes of the run with <paramref name="request"/>, as <c>grad run --landscape</c> runs it.</summary>
    private static (TrainResult Run, JObject Panel) RuntimePanel(string text, string run, LandscapeRequest request)
    {
        var compilation = Compilation.Create(text, ExamplePath);
        var program = compilation.Program;
        var result = (TrainResult)new RunDriver(new RunOptions { Landscape = request, MaxTracePoints = AnalysisLimits.TracePoints }).Run(program.Runs.Single(r => r.Name == run));
        var charts = ChartSet.FromRuns(program, [result], network => NetworkAnalyzer.AnalyzeInitial(program, network));
        return (result, PanelCharts.Build("landscape.grad", charts, [result], []));
    }

    [Theory]
    [InlineData(9, "pca")]
    [InlineData(7, "random")]
    public async Task A_run_from_the_editor_sends_the_landscape_charts_the_runtime_makes_of_that_run(int resolution, string directions)
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), Capabilities,
            Options(new JObject { ["resolution"] = resolution, ["directions"] = directions }));
        var uri = server.NewUri("landscape");
        var text = await File.ReadAllTextAsync(ExamplePath);
        await server.OpenAsync(uri, text);
        var answer = await RunAsync(server, uri, "walk");

        // The CLI's request (no time budget: at 60 s this one would not lower the resolution).
        var (run, expected) = RuntimePanel(text, "walk", new LandscapeRequest(resolution, directions == "pca" ? LandscapeDirections.Pca : LandscapeDirections.Random));
        var landscape = run.Landscape!;
        Assert.Equal(resolution, (int)answer["landscape"]!["resolution"]!);
        Assert.Equal(directions, answer["landscape"]!["plane"]!["directions"]!.ToString());
        Assert.Equal(landscape.LineLosses, answer["landscape"]!["line"]!["losses"]!.Select(v => (double)v));

        var panel = await server.RequestAsync<JObject>("grad/panel", new { uri });
        var charts = Charts(panel, "walk").ToList();
        var line = charts.Single(c => c["id"]!.ToString() == "landscape-line-0");
        var plane = charts.Single(c => c["id"]!.ToString() == "landscape-0");
        // Number for number: the 1-D line's losses at α, the projected path of the recorded weights, the plane's level lines.
        Assert.Equal(landscape.Alphas, line["xs"]!.Select(x => (double)x));
        Assert.Equal(landscape.LineLosses, line["series"]![0]!["values"]!.Select(v => (double)v));
        Assert.Equal("path", plane["kind"]!.ToString());
        Assert.Equal(landscape.PathX, plane["series"]![0]!["xs"]!.Select(x => (double)x));
        Assert.Equal(landscape.PathY, plane["series"]![0]!["ys"]!.Select(y => (double)y));
        Assert.True(plane["contour"]!["lines"]!.Count() >= 5, plane["contour"]!.ToString());
        foreach (var id in new[] { "landscape-0", "landscape-line-0" })
        {
            var runtime = Charts(expected, "walk").Single(c => c["id"]!.ToString() == id);
            Assert.True(JToken.DeepEquals(runtime, charts.Single(c => c["id"]!.ToString() == id)), $"{id} differs from the runtime's chart");
        }
    }

    /// <summary>
    /// The extension's webview render test draws this answer (vscode-extension/test/fixtures/landscape-panel.json): the
    /// server's <c>grad/panel</c> after a code-lens run of examples/landscape.grad with resolution 21 on the path's principal
    /// directions, rewritten with GRAD_UPDATE_BASELINES=1, so the two sides cannot drift.
    /// </summary>
    [Fact]
    public async Task The_webview_tests_landscape_fixture_is_the_servers_panel_after_a_run()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), Capabilities,
            Options(new JObject { ["resolution"] = 21, ["directions"] = "pca" }));
        var uri = new Uri(ExamplePath).AbsoluteUri;
        await server.OpenAsync(uri, await File.ReadAllTextAsync(ExamplePath));
        var answer = await RunAsync(server, uri, "walk");
        Assert.Null(answer["landscape"]!["note"]); // not lowered: the fixture is the same on every machine
        var panel = await server.RequestAsync<JObject>("grad/panel", new { uri });
        Assert.Contains(Charts(panel, "walk"), c => c["id"]!.ToString() == "landscape-0");
        Assert.Contains(Charts(panel, "walk"), c => c["id"]!.ToString() == "landscape-line-0");

        var text = panel.ToString(Newtonsoft.Json.Formatting.None) + "\n";
        var path = Path.Combine(Repo.Root, "vscode-extension", "test", "fixtures", "landscape-panel.json");
        if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
        {
            await File.WriteAllTextAsync(path, text);
            return;
        }

        Assert.True(File.Exists(path), $"missing {path}: run the tests with GRAD_UPDATE_BASELINES=1 and review the diff");
        Assert.Equal(await File.ReadAllTextAsync(path), text);
    }

    [Fact]
    public async Task With_resolution_0_a_run_computes_no_landscape_and_the_setting_follows_configuration_changes()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), Capabilities, Options(null));
        Assert.Equal(new LandscapeRequest(21, LandscapeDirections.Random) { TimeBudget = TimeSpan.FromSeconds(60) }, server.Host.Context.Settings.Landscape);
        await server.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { grad = new { landscape = new { resolution = 0, directions = "pca" } } } });
        await Wait.UntilAsync(() => server.Host.Context.Settings.Landscape is null);

        var uri = server.NewUri("no-landscape");
        await server.OpenAsync(uri, await File.ReadAllTextAsync(ExamplePath));
        var answer = await RunAsync(server, uri, "walk");
        Assert.Equal("steps", answer["stopReason"]!.ToString());
        Assert.Null(answer["landscape"]);
        var panel = await server.RequestAsync<JObject>("grad/panel", new { uri });
        Assert.DoesNotContain(Charts(panel, "walk"), c => c["id"]!.ToString().StartsWith("landscape", StringComparison.Ordinal));

        // On again: the next run has one, on the directions set while it was off.
        await server.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { grad = new { landscape = new { resolution = 5, directions = "pca" } } } });
        await Wait.UntilAsync(() => server.Host.Context.Settings.Landscape is not null);
        Assert.Equal(new LandscapeRequest(5, LandscapeDirections.Pca) { TimeBudget = TimeSpan.FromSeconds(60) }, server.Host.Context.Settings.Landscape);
        answer = await RunAsync(server, uri, "walk");
        Assert.Equal(5, (int)answer["landscape"]!["resolution"]!);
        Assert.Equal("pca", answer["landscape"]!["plane"]!["directions"]!.ToString());
    }

    [Theory]
    [InlineData("""{"resolution": 2}""")]
    [InlineData("""{"resolution": 100}""")]
    [InlineData("""{"resolution": 7.5}""")]
    [InlineData("""{"resolution": "21", "directions": "up"}""")]
    public async Task A_resolution_the_cli_would_refuse_keeps_the_current_setting(string landscape)
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), Capabilities, Options(JObject.Parse(landscape)));
        Assert.Equal(new LandscapeRequest(21, LandscapeDirections.Random) { TimeBudget = TimeSpan.FromSeconds(60) }, server.Host.Context.Settings.Landscape);
    }

    [Fact]
    public void The_extension_declares_the_settings_with_the_servers_defaults_and_range()
    {
        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(Repo.Root, "vscode-extension", "package.json")));
        var properties = manifest["contributes"]!["configuration"]!["properties"]!;
        var resolution = properties["grad.landscape.resolution"]!;
        var defaults = new Hosting.ServerSettings();
        Assert.Equal(defaults.LandscapeResolution, (int)resolution["default"]!);
        Assert.Equal(0, (int)resolution["minimum"]!);
        Assert.Equal(LandscapeRequest.MaxResolution, (int)resolution["maximum"]!);
        var directions = properties["grad.landscape.directions"]!;
        Assert.Equal(["random", "pca"], directions["enum"]!.Select(d => d.ToString()));
        Assert.Equal(defaults.LandscapeDirections == LandscapeDirections.Pca ? "pca" : "random", directions["default"]!.ToString());
    }

    /// <summary>
    /// 4,000 samples × 121 parameters: resolution 99 is lowered to the grid of about 4·10⁹ multiply-adds (the landscape's
    /// budget), seconds of work after a run of 20 steps. Cancelled from its progress notification once the steps are done,
    /// the run answers without the landscape (had the cancel waited for the grid, the answer would have it).
    /// </summary>
    [Fact]
    public async Task A_run_cancelled_while_its_landscape_is_computed_answers_promptly_without_one()
    {
        const string Text = """
            network net {
              input 2
              dense 16 tanh
              dense 4 tanh
              dense 1 sigmoid
              loss bce
            }
            data points = moons(n = 4000, noise = 0.1, seed = 5)
            run fit {
              train net on points
              optimizer sgd(lr = 0.1)
              steps 20
              batch 64
            }
            """;
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), Capabilities, Options(new JObject { ["resolution"] = 99 }));
        var uri = server.NewUri("landscape-cancel");
        await server.OpenAsync(uri, Text);
        var run = RunAsync(server, uri, "fit");
        var begin = await server.WaitForNotificationAsync("$/progress", p => p["value"]?["kind"]?.ToString() == "begin");
        // The run's last report: its steps are done, the landscape is being computed.
        await server.WaitForNotificationAsync("grad/runProgress", p => (bool)p["final"]!);
        Assert.False(run.IsCompleted, "the landscape was done before it could be cancelled");

        var cancelled = Stopwatch.StartNew();
        await server.NotifyAsync("window/workDoneProgress/cancel", new { token = begin["token"] });
        var answer = await run;
        cancelled.Stop();
        Assert.Equal(20, (int)answer["stepsTaken"]!);
        Assert.Null(answer["landscape"]);
        Assert.Equal("landscape not computed: the run was cancelled", answer["landscapeSkipped"]!.ToString());
        // The grid checks the token before each forward pass (under a millisecond here); a generous bound only catches a hang.
        Assert.True(cancelled.Elapsed < TimeSpan.FromSeconds(10), $"answered {cancelled.Elapsed.TotalMilliseconds:F0} ms after the cancel");
        var panel = await server.RequestAsync<JObject>("grad/panel", new { uri });
        Assert.DoesNotContain(Charts(panel, "fit"), c => c["id"]!.ToString().StartsWith("landscape", StringComparison.Ordinal));
    }
}
