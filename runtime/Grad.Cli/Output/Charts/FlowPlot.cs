using Grad.Runtime.Charts;
using ScottPlot;

namespace Grad.Cli.Output.Charts;

/// <summary>
/// Draws a <see cref="GradientFlowChart"/>: layer on x, log10 norm on y; ‖δ^l‖ thick with filled circles,
/// ‖∂C/∂W^l‖ thin with open triangles; one colour per moment (initial, after each run).
/// </summary>
internal static class FlowPlot
{
    public static Plot Draw(GradientFlowChart chart)
    {
        var plot = ChartStyle.NewPlot();
        var x = chart.Layers.Select(l => (double)l).ToArray();
        var moments = chart.Series.Select(s => s.Moment).Distinct().ToList();
        foreach (var series in chart.Series)
        {
            var color = ChartStyle.Series(moments.IndexOf(series.Moment));
            var isDelta = series.Quantity == FlowQuantity.DeltaNorm;
            foreach (var piece in ChartStyle.AddLine(plot, x, ChartStyle.Log10(series.Values), color, ChartStyle.LogLegend(series.Name, series.Values, "layers"), width: isDelta ? 2.5f : 1))
            {
                piece.MarkerShape = isDelta ? MarkerShape.FilledCircle : MarkerShape.OpenTriangleUp;
                piece.MarkerSize = 8;
            }
        }

        ChartStyle.LogAxis(plot.Axes.Left);
        plot.Axes.Bottom.SetTicks(x, chart.LayerNames);
        plot.Title(chart.Title, size: 14);
        plot.XLabel("layer l (1 = next to the input)");
        plot.YLabel("norm (log scale)");
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    /// <summary>Draws a <see cref="FlowComparisonChart"/>: one line of ‖δ^l‖ per network, log scale.</summary>
    public static Plot Draw(FlowComparisonChart chart)
    {
        var plot = ChartStyle.NewPlot();
        for (var n = 0; n < chart.Networks.Count; n++)
        {
            var network = chart.Networks[n];
            var x = network.Layers.Select(l => (double)l).ToArray();
            foreach (var piece in ChartStyle.AddLine(plot, x, ChartStyle.Log10(network.DeltaNorms), ChartStyle.Series(n), ChartStyle.LogLegend(network.NetworkName, network.DeltaNorms, "layers"), width: 2.5f))
            {
                piece.MarkerShape = MarkerShape.FilledCircle;
                piece.MarkerSize = 8;
            }
        }

        ChartStyle.LogAxis(plot.Axes.Left);
        var layers = chart.Networks.SelectMany(n => n.Layers).Distinct().Order().Select(l => (double)l).ToArray();
        plot.Axes.Bottom.SetTicks(layers, [.. layers.Select(l => $"{l}")]);
        plot.Title(FlowComparisonChart.Title, size: 14);
        plot.XLabel("layer l (1 = next to the input)");
        plot.YLabel("‖δ^l‖ (log scale)");
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
