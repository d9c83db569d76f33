namespace Grad.Runtime.Charts;

/// <summary>One network's ‖δ^l‖ per layer at its initial weights.</summary>
public sealed record NetworkDeltas(string NetworkName, int[] Layers, double[] DeltaNorms);

/// <summary>
/// ‖δ^l‖ per layer at the initial weights of every network of the file, on one log scale: the
/// sigmoid chain falling by decades beside the relu/He chain that stays level.
/// Made only when the file has two networks or more.
/// </summary>
public sealed record FlowComparisonChart(IReadOnlyList<NetworkDeltas> Networks)
{
    /// <summary>Not NAME-KIND like the other charts, so it cannot collide with them (names have no hyphen).</summary>
    public const string FileStem = "flow-comparison";

    public const string Title = "‖δ^l‖ per layer at the initial weights, every network";

    public static FlowComparisonChart? FromFlows(IReadOnlyList<GradientFlowChart> flows) =>
        flows.Count < 2
            ? null
            : new FlowComparisonChart([.. flows.Select(f => new NetworkDeltas(
                f.NetworkName,
                f.Layers,
                f.Series.First(s => s.Quantity == FlowQuantity.DeltaNorm && s.Moment == GradientFlowChart.Initial).Values))]);
}
