using Grad.Language;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary>The health charts of a training run (<see cref="HealthCharts"/>): the trace's numbers, drawn by <c>--plot</c> and sent to the panel.</summary>
public sealed class HealthChartsTests
{
    private static (ChartSet Charts, TrainResult Run, JObject Panel) Seed()
    {
        var path = Repo.PathOf(Path.Combine("examples", "seed.grad"));
        var program = Compilation.Create(File.ReadAllText(path), path).Program;
        var results = new RunDriver().RunFile(program).OfType<CompletedRunResult>().ToList();
        var charts = ChartSet.FromRuns(program, results);
        return (charts, results.OfType<TrainResult>().Single(), PanelCharts.Build("seed.grad", charts, results, []));
    }

    [Fact]
    public void EachTrainingRunHasUnitsUpdatesSharpnessAndHistogramChartsFromItsTrace()
    {
        var (charts, run, _) = Seed();
        var health = Assert.Single(charts.Health);
        var stems = health.Charts.Select(c => c.FileStem).ToList();
        Assert.Equal(["deep-units", "deep-updates", "deep-sharpness"], stems.Take(3));
        // seed's chain has 9 sigmoid layers: histograms of 8 of them (1, 2, 3, 4, 6, 7, 8, 9), δ then W.
        Assert.Equal([1, 2, 3, 4, 6, 7, 8, 9], stems.Where(s => s.StartsWith("deep-delta-", StringComparison.Ordinal)).Select(s => int.Parse(s["deep-delta-".Length..])));
        Assert.Equal(8, stems.Count(s => s.StartsWith("deep-weights-", StringComparison.Ordinal)));

        var sharpness = health.Charts.Single(c => c.FileStem == "deep-sharpness");
        var measured = run.Trace.Where(p => p.Health!.Sharpness is not null).ToList();
        Assert.Equal(measured.Select(p => p.Health!.Sharpness!.Value), sharpness.Series[0].Y);
        Assert.Equal(measured.Select(p => 2 / 0.1), sharpness.Series[1].Y);

        var updates = health.Charts.Single(c => c.FileStem == "deep-updates");
        Assert.True(updates.LogY);
        Assert.Equal(9, updates.Series.Count);
        Assert.Equal(run.Trace[5].Health!.UpdateRatios![0], updates.Series[0].Y[4]);

        var histogram = health.Charts.Single(c => c.FileStem == "deep-weights-9");
        Assert.Equal(5, histogram.Series.Count);
        Assert.All(histogram.Series, s => Assert.Equal(run.FinalNetwork.Layers[8].Weights.Length, s.Y.Sum()));
    }

    [Fact]
    public void TheStabilityLimitsLegendNamesTheRuleOfTheRunsOptimizer()
    {
        // examples/landscape.grad trains with sgd(lr = 0.2, momentum = 0.9): the limit is 2(1 + 0.9)/0.2 = 19, not 2/lr.
        var path = Repo.PathOf(Path.Combine("examples", "landscape.grad"));
        var program = Compilation.Create(File.ReadAllText(path), path).Program;
        var results = new RunDriver().RunFile(program).OfType<CompletedRunResult>().ToList();
        var sharpness = ChartSet.FromRuns(program, results).Health.Single().Charts.Single(c => c.FileStem.EndsWith("-sharpness", StringComparison.Ordinal));

        Assert.Equal("stability limit (2(1 + momentum)/((1 − dampening)·lr) − weight_decay)", sharpness.Series[1].Name);
        Assert.All(sharpness.Series[1].Y, limit => Assert.Equal(19, limit, 12));
    }

    [Fact]
    public void ThePanelShowsTheHealthChartsInTheRunsSection()
    {
        var (charts, _, panel) = Seed();
        var section = panel["sections"]!.Single(s => (string?)s["run"] == "deep");
        var titles = section["charts"]!.Select(c => (string)c["title"]!).ToList();
        foreach (var chart in charts.Health[0].Charts)
        {
            Assert.Contains(chart.Title, titles);
        }

        var sharpness = section["charts"]!.Single(c => (string)c["title"]! == charts.Health[0].Charts[2].Title);
        Assert.Equal("line", (string)sharpness["kind"]!);
        Assert.Equal(2, sharpness["series"]!.Count());
    }
}
