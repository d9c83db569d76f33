using Grad.Runtime.Charts;
using ScottPlot;

namespace Grad.Cli.Output.Charts;

/// <summary>Draws a <see cref="LineChart"/>; on a log scale the values are drawn as log10 with decade labels.</summary>
internal static class LinePlot
{
    /// <summary>A log axis shows at most this many decades below the largest value (about the precision of a double).</summary>
    public const int MaxDecades = 16;

    /// <summary>Series i has colour i: the runs on a cost are in the same order as the contour chart's paths, so a run keeps its colour.</summary>
    public static Plot Draw(LineChart chart)
    {
        var plot = ChartStyle.NewPlot();
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var series = chart.Series[s];
            var y = chart.LogY ? ChartStyle.Log10(series.Y) : series.Y;
            var pieces = ChartStyle.AddLine(plot, series.X, y, ChartStyle.Series(s), chart.LogY ? ChartStyle.LogLegend(series.Name, series.Y, "points") : series.Name);
            foreach (var piece in pieces)
            {
                piece.MarkerSize = series.X.Length <= 60 || piece.Data.GetScatterPoints().Count == 1 ? 5 : 0;
                piece.LineWidth = ChartStyle.LineWidth(s);
            }
        }

        var title = chart.Title;
        if (chart.LogY)
        {
            ChartStyle.LogAxis(plot.Axes.Left);
            var logs = chart.Series.SelectMany(s => ChartStyle.Log10(s.Y)).Where(double.IsFinite).ToList();
            if (logs.Count > 0 && logs.Max() - logs.Min() > MaxDecades)
            {
                // Adagrad drives the bowl's cost to 1e-486: shown in full, every other line would be flat.
                var top = Math.Ceiling(logs.Max());
                plot.Axes.SetLimitsY(top - MaxDecades, top + 0.5);
                title += $" (axis cut at 1e{top - MaxDecades:0})";
            }
        }

        plot.Title(title, size: 14);
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.LogY ? $"{chart.YLabel} (log scale)" : chart.YLabel);
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
