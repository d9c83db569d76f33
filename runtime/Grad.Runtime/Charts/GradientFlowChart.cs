using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>Which per-layer norm a gradient-flow line shows.</summary>
public enum FlowQuantity { DeltaNorm, WeightGradNorm }

/// <summary>One line of a gradient-flow chart: a norm per layer at one moment (the initial weights, or after a run).</summary>
public sealed record FlowSeries(FlowQuantity Quantity, string Moment, double[] Values)
{
    public string Name => $"{(Quantity == FlowQuantity.DeltaNorm ? "‖δ^l‖" : "‖∂C/∂W^l‖")} {Moment}";
}

/// <summary>
/// ‖δ^l‖ and ‖∂C/∂W^l‖ per layer of one network (log scale): at the initial weights and after
/// each run that trains it. A vanishing gradient is a line that falls by decades towards layer 1.
/// </summary>
public sealed record GradientFlowChart(string NetworkName, int[] Layers, string[] LayerNames, IReadOnlyList<FlowSeries> Series)
{
    /// <summary>The moment of the series at the initial weights.</summary>
    public const string Initial = "initial";

    public string FileStem => $"{NetworkName}-flow";

    public string Title => $"network {NetworkName}: gradient flow per layer";

    /// <summary>
    /// From the training runs of one network (at least one): the initial norms of the first run
    /// (its first batch) and the final norms of every run (on the batch of its last step).
    /// </summary>
    public static GradientFlowChart FromTraining(IReadOnlyList<TrainResult> runs)
    {
        if (runs.Count == 0)
        {
            throw new ArgumentException("a gradient-flow chart from training needs a run");
        }

        var layers = runs[0].Layers;
        var series = new List<FlowSeries>
        {
            new(FlowQuantity.DeltaNorm, Initial, [.. layers.Select(l => l.DeltaNorm.Initial)]),
            new(FlowQuantity.WeightGradNorm, Initial, [.. layers.Select(l => l.WeightGradNorm.Initial)]),
        };
        foreach (var run in runs)
        {
            series.Add(new FlowSeries(FlowQuantity.DeltaNorm, $"after {run.Name}", [.. run.Layers.Select(l => l.DeltaNorm.Final)]));
            series.Add(new FlowSeries(FlowQuantity.WeightGradNorm, $"after {run.Name}", [.. run.Layers.Select(l => l.WeightGradNorm.Final)]));
        }

        return new GradientFlowChart(runs[0].NetworkName, [.. layers.Select(l => l.Index)], [.. layers.Select(l => LayerName(l.Index, l.Label))], series);
    }

    /// <summary>From the analysis at the initial weights (<c>grad inspect</c>, or a network no run trains).</summary>
    public static GradientFlowChart FromAnalysis(NetworkAnalysis analysis) =>
        new(
            analysis.NetworkName,
            [.. analysis.Layers.Select(l => l.Index)],
            [.. analysis.Layers.Select(l => LayerName(l.Index, l.Label))],
            [
                new FlowSeries(FlowQuantity.DeltaNorm, Initial, [.. analysis.Layers.Select(l => l.DeltaNorm)]),
                new FlowSeries(FlowQuantity.WeightGradNorm, Initial, [.. analysis.Layers.Select(l => l.WeightGradNorm)]),
            ]);

    private static string LayerName(int index, string? label) => label is null ? $"{index}" : $"{index} {label}";
}
