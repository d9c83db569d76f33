using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>
/// log10 ‖δ^l‖ per layer (rows, layer 1 first) and traced step (columns) of one training run:
/// vanishing shows as rows decades darker than the output layer's, all through training.
/// A cell whose norm is 0 or not finite is NaN (drawn as a gap).
/// </summary>
public sealed record DeltaHeatmap(string RunName, string NetworkName, int[] Layers, int[] Steps, double[,] Log10Norms)
{
    public string FileStem => $"{RunName}-heatmap";

    public string Title => $"run {RunName}: log10 ‖δ^l‖ per layer of {NetworkName} over training";

    public static DeltaHeatmap FromRun(TrainResult run)
    {
        var cells = new double[run.Layers.Count, run.Trace.Count];
        for (var l = 0; l < run.Layers.Count; l++)
        {
            for (var k = 0; k < run.Trace.Count; k++)
            {
                var norm = run.Trace[k].DeltaNorms[l];
                cells[l, k] = norm > 0 && double.IsFinite(norm) ? Math.Log10(norm) : double.NaN;
            }
        }

        return new DeltaHeatmap(run.Name, run.NetworkName, [.. run.Layers.Select(l => l.Index)], [.. run.Trace.Select(t => t.Step)], cells);
    }
}
