using Grad.Runtime.Charts;
using ScottPlot;

namespace Grad.Cli.Output.Charts;

/// <summary>Draws a <see cref="DeltaHeatmap"/>: step on x, layer on y (layer 1 at the bottom), colour = log10 ‖δ^l‖.</summary>
internal static class HeatmapPlot
{
    public static Plot Draw(DeltaHeatmap chart)
    {
        var plot = ChartStyle.NewPlot();
        var heatmap = plot.Add.Heatmap(chart.Log10Norms);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.FlipVertically = true; // row 0 (layer 1) at the bottom
        var first = chart.Steps.Length > 0 ? chart.Steps[0] : 0;
        var last = chart.Steps.Length > 1 ? chart.Steps[^1] : first + 1;
        heatmap.Rectangle = new CoordinateRect(first, last, chart.Layers[0] - 0.5, chart.Layers[^1] + 0.5);
        heatmap.NaNCellColor = Colors.White;
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "log10 ‖δ^l‖";

        plot.Axes.Left.SetTicks([.. chart.Layers.Select(l => (double)l)], [.. chart.Layers.Select(l => $"{l}")]);
        plot.Axes.SetLimits(first, last, chart.Layers[0] - 0.5, chart.Layers[^1] + 0.5);
        var gaps = chart.Log10Norms.Cast<double>().Any(double.IsNaN);
        plot.Title(gaps ? $"{chart.Title} (white: ‖δ^l‖ = 0)" : chart.Title, size: 14);
        plot.XLabel("step");
        plot.YLabel("layer l");
        return plot;
    }
}
