using Grad.Runtime.Charts;
using ScottPlot;

namespace Grad.Cli.Output.Charts;

/// <summary>Draws a <see cref="LineChart"/>; on a log scale the values are drawn as log10 with decade labels.</summary>
internal static class LinePlot
{
    /// <summary>A log axis shows at most this many decades below the largest value (about the precision of a double).</summary>
    public const int MaxDecades = 16;

    /// <summary>
    /// Series i has colour i: the runs on a cost are in the same order as the contour chart's paths, so a run keeps its colour.
    /// A smoothed line takes its run's colour and is drawn over the raw line, which is then faint.
    /// </summary>
    public static Plot Draw(LineChart chart)
    {
        var plot = ChartStyle.NewPlot();
        var colours = new Dictionary<string, int>(StringComparer.Ordinal);
        var smoothedGroups = chart.Series.Where(s => s.Smoothed && s.Group is not null).Select(s => s.Group!).ToHashSet(StringComparer.Ordinal);
        var next = 0;
        foreach (var series in chart.Series)
        {
            var colour = series.Group is null ? next++ : colours.TryGetValue(series.Group, out var known) ? known : colours[series.Group] = next++;
            var faint = !series.Smoothed && series.Group is not null && smoothedGroups.Contains(series.Group);
            var y = chart.LogY ? ChartStyle.Log10(series.Y) : series.Y;
            var color = faint ? ChartStyle.Series(colour).WithAlpha(0.3) : ChartStyle.Series(colour);
            var pieces = ChartStyle.AddLine(plot, series.X, y, color, chart.LogY ? ChartStyle.LogLegend(series.Name, series.Y, "points") : series.Name);
            foreach (var piece in pieces)
            {
                piece.MarkerSize = !series.Smoothed && !faint && (series.X.Length <= 60 || piece.Data.GetScatterPoints().Count == 1) ? 5 : 0;
                piece.LineWidth = series.Smoothed ? ChartStyle.LineWidth(colour) + 1 : faint ? 1 : ChartStyle.LineWidth(colour);
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
