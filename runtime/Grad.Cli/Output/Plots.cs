using Grad.Runtime.Analysis;
using Grad.Runtime.Runs;
using ScottPlot;

namespace Grad.Cli.Output;

/// <summary>
/// <c>--plot DIR</c>: PNG charts of each run's trace (and, for inspect, each network's δ per
/// layer). Values that span decades are drawn as log10, so the vanishing gradient shows as
/// evenly spaced lines.
/// </summary>
internal static class Plots
{
    private const int Width = 800;
    private const int Height = 500;

    /// <summary>Writes the run's charts and returns their paths.</summary>
    public static IReadOnlyList<string> WriteRun(RunResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        switch (result)
        {
            case MinimizeResult minimize:
            {
                var steps = minimize.Trace.Select(t => (double)t.Step).ToArray();
                written.Add(Save(Line($"run {minimize.Name}: cost", "step", "log10 cost", [("cost", steps, Log10(minimize.Trace.Select(t => t.Cost)))]), directory, $"{minimize.Name}-cost.png"));
                var series = minimize.ParameterNames.Select((name, i) => (name, steps, minimize.Trace.Select(t => t.Parameters[i]).ToArray())).ToList();
                written.Add(Save(Line($"run {minimize.Name}: parameters", "step", "value", series), directory, $"{minimize.Name}-params.png"));
                break;
            }

            case TrainResult train:
            {
                var steps = train.Trace.Select(t => (double)t.Step).ToArray();
                written.Add(Save(Line($"run {train.Name}: loss", "step", "log10 loss", [("loss", steps, Log10(train.Trace.Select(t => t.Loss)))]), directory, $"{train.Name}-loss.png"));
                var deltas = train.Layers.Select((layer, l) => ($"layer {layer.Index}{(layer.Label is null ? "" : " " + layer.Label)}", steps, Log10(train.Trace.Select(t => t.DeltaNorms[l])))).ToList();
                written.Add(Save(Line($"run {train.Name}: ‖δ^l‖ per layer", "step", "log10 ‖δ‖", deltas), directory, $"{train.Name}-deltas.png"));
                break;
            }
        }

        return written;
    }

    public static string WriteNetwork(NetworkAnalysis analysis, string directory)
    {
        Directory.CreateDirectory(directory);
        var plot = new Plot();
        var values = Log10(analysis.Layers.Select(l => l.DeltaNorm));
        var bars = plot.Add.Bars(analysis.Layers.Select(l => (double)l.Index).ToArray(), values);
        bars.Color = Colors.SteelBlue;
        plot.Title($"network {analysis.NetworkName}: ‖δ^l‖ at the initial weights");
        plot.XLabel("layer");
        plot.YLabel("log10 ‖δ‖");
        return Save(plot, directory, $"{analysis.NetworkName}-deltas.png");
    }

    private static Plot Line(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        var plot = new Plot();
        foreach (var (name, x, y) in series)
        {
            var line = plot.Add.ScatterLine(x, y);
            line.LegendText = name;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 1)
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        return plot;
    }

    /// <summary>log10 of each value; non-positive or non-finite values become NaN (a gap).</summary>
    private static double[] Log10(IEnumerable<double> values) => [.. values.Select(v => v > 0 && double.IsFinite(v) ? Math.Log10(v) : double.NaN)];

    private static string Save(Plot plot, string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        plot.SavePng(path, Width, Height);
        return path;
    }
}
