using Grad.Runtime.Charts;
using ScottPlot;

namespace Grad.Cli.Output.Charts;

/// <summary>Draws a <see cref="ProfileChart"/>: the cost curve in grey, each run's trace on it in its colour, start ○ and end ■.</summary>
internal static class ProfilePlot
{
    public static Plot Draw(ProfileChart chart)
    {
        var plot = ChartStyle.NewPlot();
        ChartStyle.AddLine(plot, chart.GridX, chart.Values, Colors.Gray, $"cost {chart.CostName}", width: 1.5f);
        for (var r = 0; r < chart.Paths.Count; r++)
        {
            var path = chart.Paths[r];
            var color = ChartStyle.Series(r);
            foreach (var piece in ChartStyle.AddLine(plot, path.X, path.Cost, color, $"{path.RunName}: {LineChart.OptimizerText(path.Optimizer)}", ChartStyle.LineWidth(r)))
            {
                piece.MarkerSize = path.X.Length <= 200 ? 5 : 0;
            }

            var finite = Enumerable.Range(0, path.X.Length).Where(i => double.IsFinite(path.X[i]) && double.IsFinite(path.Cost[i])).ToList();
            if (finite.Count > 0)
            {
                var start = plot.Add.Marker(path.X[finite[0]], path.Cost[finite[0]], MarkerShape.OpenCircle, 14, color);
                start.LineWidth = 2;
                plot.Add.Marker(path.X[finite[^1]], path.Cost[finite[^1]], MarkerShape.FilledSquare, 10, color);
            }
        }

        // The curve over the window sets the y range; a diverged run's path leaves it.
        var curve = chart.Values.Where(double.IsFinite).ToList();
        if (curve.Count > 0)
        {
            var (low, high) = (curve.Min(), curve.Max());
            var pad = high > low ? 0.05 * (high - low) : 0.5;
            plot.Axes.SetLimits(chart.GridX[0], chart.GridX[^1], low - pad, high + pad);
        }
        plot.Title(chart.Title, size: 14);
        plot.XLabel(chart.Parameter);
        plot.YLabel("cost");
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
