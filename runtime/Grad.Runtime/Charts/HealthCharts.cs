using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>
/// A training run's health over training as line charts (docs/training.md, docs/pictures.md):
/// <c>RUN-units</c> (dead and saturated fractions per layer), <c>RUN-updates</c> (‖ΔW^l‖/‖W^l‖ per
/// layer, log scale), <c>RUN-sharpness</c> (λmax against the stability limit) and one
/// <c>RUN-delta-L</c> / <c>RUN-weights-L</c> per histogrammed layer (counts at bin centres, one line per step).
/// A chart with nothing to show (no relu/sigmoid/tanh layer, no sharpness) is left out.
/// </summary>
public sealed record HealthCharts(string RunName, IReadOnlyList<LineChart> Charts)
{
    public static HealthCharts FromRun(TrainResult run)
    {
        var charts = new List<LineChart>();
        var points = run.Trace.Where(p => p.Health is not null).ToList();
        if (points.Count == 0)
        {
            return new HealthCharts(run.Name, charts);
        }

        double[] Steps(IEnumerable<TrainTracePoint> chosen) => [.. chosen.Select(p => (double)p.Step)];
        var steps = Steps(points);
        var units = new List<ChartSeries>();
        foreach (var (layer, l) in run.Layers.Select((layer, l) => (layer, l)))
        {
            var dead = points.Select(p => p.Health!.DeadFractions[l]).ToArray();
            var saturated = points.Select(p => p.Health!.SaturatedFractions[l]).ToArray();
            if (layer.Activation is "relu" || dead.Any(v => v > 0))
            {
                units.Add(new ChartSeries($"layer {Name(layer)}: dead", steps, dead));
            }

            if (layer.Activation is "sigmoid" or "tanh" || saturated.Any(v => v > 0))
            {
                units.Add(new ChartSeries($"layer {Name(layer)}: saturated", steps, saturated));
            }
        }

        if (units.Count > 0)
        {
            charts.Add(new LineChart($"{run.Name}-units", $"run {run.Name}: fraction of dead (relu) and saturated (sigmoid, tanh) units per layer", "step", "fraction of the layer's units", LogY: false, units));
        }

        var updated = points.Where(p => p.Health!.UpdateRatios is not null).ToList();
        if (updated.Count > 0)
        {
            var updateSteps = Steps(updated);
            var ratios = run.Layers.Select((layer, l) => new ChartSeries($"layer {Name(layer)}", updateSteps, [.. updated.Select(p => p.Health!.UpdateRatios![l])])).ToList();
            charts.Add(new LineChart($"{run.Name}-updates", $"run {run.Name}: update/weight ratio ‖ΔWˡ‖/‖Wˡ‖ per layer", "step", "‖ΔWˡ‖/‖Wˡ‖", LogY: true, ratios));
        }

        var sharp = points.Where(p => p.Health!.Sharpness is not null).ToList();
        if (sharp.Count > 0)
        {
            var series = new List<ChartSeries> { new("sharpness λmax", Steps(sharp), [.. sharp.Select(p => p.Health!.Sharpness!.Value)]) };
            var limited = sharp.Where(p => p.Health!.SharpnessLimit is not null).ToList();
            if (limited.Count > 0)
            {
                series.Add(new ChartSeries($"stability limit ({StabilityLimit.CurvatureLimitRule(run.Optimizer)})", Steps(limited), [.. limited.Select(p => p.Health!.SharpnessLimit!.Value)]));
            }

            charts.Add(new LineChart($"{run.Name}-sharpness", $"run {run.Name}: sharpness λmax of the loss against the stability limit", "step", "curvature",
                LineChart.SpansDecades(series.SelectMany(s => s.Y)), series));
        }

        foreach (var group in run.Histograms.GroupBy(h => (h.Quantity, h.Layer)).OrderBy(g => g.Key.Quantity).ThenBy(g => g.Key.Layer))
        {
            var (quantity, layer) = group.Key;
            var what = quantity == HistogramQuantity.Delta ? "δ" : "W";
            var name = ResultSerializer.HistogramName(quantity);
            var series = group.Select(h => new ChartSeries($"step {h.Step}", Centres(h.Edges), [.. h.Counts.Select(c => (double)c)])).ToList();
            var label = run.Layers.FirstOrDefault(x => x.Index == layer) is { } summary ? Name(summary) : $"{layer}";
            charts.Add(new LineChart($"{run.Name}-{name}-{layer}", $"run {run.Name}: histogram of {what} of layer {label} ({Training.Histogram.Bins} bins)", $"{what}{Numbers.Superscript(layer)}", "count", LogY: false, series));
        }

        return new HealthCharts(run.Name, charts);
    }

    private static string Name(LayerSummary layer) => layer.Label is null ? $"{layer.Index}" : $"{layer.Index} {layer.Label}";

    private static double[] Centres(double[] edges) => [.. Enumerable.Range(0, edges.Length - 1).Select(i => (edges[i] + edges[i + 1]) / 2)];
}
