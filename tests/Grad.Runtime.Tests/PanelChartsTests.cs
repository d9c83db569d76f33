using Grad.Language;
using Grad.Runtime.Analysis;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Live;
using Grad.Runtime.Runs;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary>
/// The Gradient Flow panel's data (<see cref="PanelCharts"/>): the runtime's chart set as the webview draws it,
/// every value with its text. The extension's tests draw the same JSON (vscode-extension/test/fixtures/*-panel.json,
/// rewritten with GRAD_UPDATE_BASELINES=1), so the two sides cannot drift.
/// </summary>
public class PanelChartsTests
{
    private static readonly string Fixtures = Repo.PathOf(Path.Combine("vscode-extension", "test", "fixtures"));

    private static (Compilation Compilation, JObject Panel, IReadOnlyList<CompletedRunResult> Runs) Panel(string example, bool run)
    {
        var path = Repo.PathOf(Path.Combine("examples", example));
        var compilation = Compilation.Create(File.ReadAllText(path), path);
        var program = compilation.Program;
        var results = run ? new RunDriver().RunFile(program).OfType<CompletedRunResult>().ToList() : [];
        var charts = ChartSet.FromRuns(program, results, network => NetworkAnalyzer.AnalyzeInitial(program, network));
        return (compilation, PanelCharts.Build(example, charts, results, []), results);
    }

    [Fact]
    public void Before_any_run_the_panel_shows_every_networks_initial_delta_profile()
    {
        var (compilation, panel, _) = Panel("deep_chain.grad", run: false);
        AssertFixture("initial-panel.json", panel);

        Assert.Equal(0, (int)panel["runCount"]!);
        var section = Assert.Single(panel["sections"]!);
        Assert.Equal("Gradient flow per layer", (string)section["title"]!);
        var charts = section["charts"]!.ToList();
        Assert.Equal(compilation.Program.Networks.Length + 1, charts.Count); // one per network, and all of them compared
        foreach (var network in compilation.Program.Networks)
        {
            var analysis = NetworkAnalyzer.AnalyzeInitial(compilation.Program, network)!;
            var chart = charts.Single(c => (string)c["title"]! == $"network {network.Name}: gradient flow per layer");
            Assert.True((bool)chart["logY"]!);
            Assert.Equal(analysis.Layers.Select(l => l.Index), chart["xs"]!.Select(x => (int)x));
            var delta = chart["series"]!.Single(s => (string)s["label"]! == "‖δ^l‖ initial");
            Assert.Equal(analysis.Layers.Select(l => l.DeltaNorm), delta["values"]!.Select(v => (double)v));
            Assert.Equal(analysis.Layers.Select(l => Numbers.Format(l.DeltaNorm, PanelCharts.Digits)), delta["texts"]!.Select(t => (string)t!));
        }

        Assert.Equal(FlowComparisonChart.Title, (string)charts[^1]["title"]!);
    }

    [Fact]
    public void After_the_runs_each_has_its_summary_table_and_chart_and_the_runs_are_compared()
    {
        var (_, panel, runs) = Panel("seed.grad", run: true);
        AssertFixture("seed-panel.json", panel);

        var sections = panel["sections"]!.ToList();
        Assert.Equal(["Runs compared", "Gradient flow per layer", "run plain", "run early", "run adaptive", "run deep"], sections.Select(s => (string)s["title"]!));
        var compared = sections[0]["charts"]!.ToList();
        Assert.Equal(["line", "path", "line"], compared.Select(c => (string)c["kind"]!));
        Assert.Equal("cost bowl: level sets and paths", (string)compared[1]["title"]!);
        Assert.True(compared[1]["contour"]!["lines"]!.Count() >= 10);

        var deep = (TrainResult)runs.Single(r => r.Name == "deep");
        var deepSection = sections.Single(s => (string?)s["run"] == "deep");
        Assert.Equal("heatmap", (string)deepSection["charts"]![0]!["kind"]!);
        var rows = deepSection["table"]!["rows"]!.ToList();
        Assert.Equal(deep.Layers.Count, rows.Count);
        Assert.Equal(Numbers.Format(deep.Layers[0].DeltaNorm.Initial, 4), (string)rows[0][3]!);
        Assert.Equal("9 out", (string)rows[8][0]!);
        Assert.Equal($"final loss {Numbers.Format(deep.FinalLoss, 4)}", (string)deepSection["table"]!["caption"]!);

        var plain = (MinimizeResult)runs.Single(r => r.Name == "plain");
        var plainSection = sections.Single(s => (string?)s["run"] == "plain");
        Assert.Equal($"{plain.StepsTaken} steps{(plain.StopReason == StopReason.Until ? ", stopped by until" : "")}, cost {Numbers.Format(plain.FinalCost, 4)}, w1 = {Numbers.Format(plain.FinalParameters[0], 4)}, w2 = {Numbers.Format(plain.FinalParameters[1], 4)}",
            (string)plainSection["summary"]!);

        // The cost curves: one series per run on the union of their steps, each value with its text, on a log axis.
        var costs = compared[0];
        Assert.True((bool)costs["logY"]!);
        var xs = costs["xs"]!.Select(x => (double)x).ToList();
        var plainCurve = costs["series"]!.Single(s => ((string)s["label"]!).StartsWith("plain:", StringComparison.Ordinal));
        foreach (var point in plain.Trace)
        {
            var at = xs.IndexOf(point.Step);
            Assert.Equal(point.Cost, (double)plainCurve["values"]![at]!);
            Assert.Equal(Numbers.Format(point.Cost, 4), (string)plainCurve["texts"]![at]!);
        }
    }

    [Fact]
    public void Zeros_on_a_log_axis_are_gaps_and_said_so()
    {
        var flow = new GradientFlowChart("n", [1, 2, 3], ["1", "2", "3 out"], [new FlowSeries(FlowQuantity.DeltaNorm, "initial", [0, 1e-3, 1])]);
        var panel = PanelCharts.Build("f.grad", new ChartSet([], [], [], [flow], null, []), [], []);
        var chart = panel["sections"]![0]!["charts"]![0]!;
        Assert.Equal(JTokenType.Null, chart["series"]![0]!["values"]![0]!.Type);
        Assert.Equal("0", (string)chart["series"]![0]!["texts"]![0]!);
        Assert.Equal("Zeros are not drawn on the log scale.", (string)chart["note"]!);
        Assert.Equal(["1", "2", "3 out"], chart["xTicks"]!.Select(t => (string)t["label"]!));
    }

    /// <summary>
    /// A live run's panels so far (<see cref="LiveRun"/>, what <c>grad/runProgress</c> sends) at steps 30, 90, 150 and 210 of
    /// examples/landscape.grad: one shape (the same charts) whose loss curve and heatmap grow. The webview test posts them
    /// to the page in turn (vscode-extension/test/fixtures/live-panels.json) and sees the charts grow in place.
    /// </summary>
    [Fact]
    public void A_live_runs_panels_keep_their_shape_while_the_loss_curve_and_heatmap_grow()
    {
        var path = Repo.PathOf(Path.Combine("examples", "landscape.grad"));
        var compilation = Compilation.Create(File.ReadAllText(path), path);
        var run = compilation.Program.Runs.Single();
        var live = new LiveRun(run);
        int[] steps = [30, 90, 150, 210];
        var updates = new JArray();
        var listener = new Listener(progress =>
        {
            live.Add(progress);
            if (updates.Count < steps.Length && progress.Step >= steps[updates.Count])
            {
                updates.Add(new JObject { ["step"] = live.Step, ["message"] = live.Message, ["panel"] = live.Panel(compilation.Program, "landscape.grad") });
            }
        });
        // A report at every step (no interval): the same panels on every machine.
        new RunDriver(new RunOptions { ProgressInterval = TimeSpan.Zero }).Run(run, default, listener);
        AssertFixture("live-panels.json", new JObject { ["updates"] = updates });

        Assert.Equal(steps, updates.Select(u => (int)u["step"]!));
        var ids = updates.Select(u => string.Join(" ", u["panel"]!["sections"]!.SelectMany(s => s["charts"]!).Select(c => $"{c["kind"]}:{c["id"]}"))).ToList();
        Assert.Single(ids.Distinct());
        Assert.Contains("heatmap:heatmap-0", ids[0], StringComparison.Ordinal);
        JToken Chart(JToken update, string id) => update["panel"]!["sections"]!.SelectMany(s => s["charts"]!).Single(c => (string)c["id"]! == id);
        var lengths = updates.Select(u => Chart(u, "compared-0")["xs"]!.Count()).ToList();
        Assert.Equal(lengths.Order(), lengths);
        Assert.True(lengths[^1] > lengths[0], string.Join(", ", lengths));
        Assert.Equal(updates.Select(u => (double)(int)u["step"]!), updates.Select(u => (double)Chart(u, "compared-0")["xs"]!.Last()));
        var heatmapSteps = updates.Select(u => Chart(u, "heatmap-0")["steps"]!.Count()).ToList();
        Assert.True(heatmapSteps[^1] > heatmapSteps[0], string.Join(", ", heatmapSteps));
    }

    private sealed class Listener(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    private static void AssertFixture(string name, JObject panel)
    {
        var path = Path.Combine(Fixtures, name);
        var text = panel.ToString(Formatting.None) + "\n";
        if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, text);
            return;
        }

        Assert.True(File.Exists(path), $"missing {path}: run the tests with GRAD_UPDATE_BASELINES=1 and review the diff");
        Assert.Equal(File.ReadAllText(path), text);
    }
}
