using Grad.Runtime.Charts;
using ScottPlot;

namespace Grad.Cli.Output.Charts;

/// <summary>Draws a <see cref="ContourChart"/>: thin level lines shaded by level, each run's path in its colour, start ○ and end ■.</summary>
internal static class ContourPlot
{
    public static Plot Draw(ContourChart chart)
    {
        var plot = ChartStyle.NewPlot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var levels = chart.Levels.Levels;
        foreach (var line in chart.Lines)
        {
            // Low levels dark, high levels light: the valley stands out.
            var index = IndexOf(levels, line.Level);
            var color = colormap.GetColor(levels.Count <= 1 ? 0 : 0.8 * index / (levels.Count - 1)).WithAlpha(0.85);
            var scatter = plot.Add.ScatterLine(line.X, line.Y, color);
            scatter.LineWidth = 1;
        }

        for (var r = 0; r < chart.Paths.Count; r++)
        {
            var path = chart.Paths[r];
            var color = ChartStyle.Series(r);
            var pieces = ChartStyle.AddLine(plot, path.X, path.Y, color, $"{path.RunName}: {LineChart.OptimizerText(path.Optimizer)}");
            foreach (var piece in pieces)
            {
                piece.MarkerSize = path.X.Length <= 200 ? 4 : 0;
                piece.LineWidth = ChartStyle.LineWidth(r);
            }

            var finite = Enumerable.Range(0, path.X.Length).Where(i => double.IsFinite(path.X[i]) && double.IsFinite(path.Y[i])).ToList();
            if (finite.Count > 0)
            {
                var start = plot.Add.Marker(path.X[finite[0]], path.Y[finite[0]], MarkerShape.OpenCircle, 14, color);
                start.LineWidth = 2;
                plot.Add.Marker(path.X[finite[^1]], path.Y[finite[^1]], MarkerShape.FilledSquare, 10, color);
            }
        }

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "start", MarkerShape = MarkerShape.OpenCircle, MarkerSize = 12, MarkerColor = Colors.Black, MarkerLineWidth = 2 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "end", MarkerShape = MarkerShape.FilledSquare, MarkerSize = 9, MarkerColor = Colors.Black });
        plot.ShowLegend(Edge.Bottom);

        plot.Axes.SetLimits(chart.Window.XMin, chart.Window.XMax, chart.Window.YMin, chart.Window.YMax);
        var leaving = chart.PathsLeavingWindow.ToList();
        var title = leaving.Count == 0 ? chart.Title : $"{chart.Title}; {string.Join(", ", leaving)} diverged out of the window";
        plot.Title(title, size: chart.Held.Count == 0 && leaving.Count == 0 ? 16 : 12);
        plot.XLabel(chart.XParameter);
        plot.YLabel(chart.YParameter);
        return plot;
    }

    private static int IndexOf(IReadOnlyList<double> levels, double level)
    {
        for (var i = 0; i < levels.Count; i++)
        {
            if (levels[i] == level)
            {
                return i;
            }
        }

        return 0;
    }
}
