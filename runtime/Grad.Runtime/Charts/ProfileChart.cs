using Grad.Language.Semantics;
using Grad.Runtime.Costs;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>A minimize run on a one-parameter cost: the trace's parameter values and costs.</summary>
public sealed record ProfilePath(string RunName, OptimizerSpec Optimizer, int[] Steps, double[] X, double[] Cost);

/// <summary>
/// The contour chart's counterpart for a cost of one parameter: the cost over a window that
/// contains every run on it (the same margin rule), with each run's trace drawn on the curve.
/// </summary>
public sealed record ProfileChart(string CostName, string Parameter, double[] GridX, double[] Values, IReadOnlyList<ProfilePath> Paths)
{
    public const int GridSize = 401;

    public string FileStem => $"{CostName}-profile";

    public string Title => $"cost {CostName}: the cost against {Parameter}, with every run's path";

    public static ProfileChart Build(BoundCost cost, IReadOnlyList<MinimizeResult> runs)
    {
        if (runs.Count == 0 || cost.Parameters.Length != 1)
        {
            throw new ArgumentException("a profile chart needs at least one run on a cost of one parameter");
        }

        var paths = runs.Select(r => new ProfilePath(
            r.Name,
            r.Optimizer,
            [.. r.Trace.Select(t => t.Step)],
            [.. r.Trace.Select(t => t.Parameters[0])],
            [.. r.Trace.Select(t => t.Cost)])).ToList();

        // The contour's window rule on the x axis alone.
        var window = ContourChart.WindowAround(
            [.. paths.Select(p => new ContourPath(p.RunName, p.Optimizer, p.Steps, p.X, new double[p.X.Length]))],
            [.. runs.Select(r => r.StopReason == StopReason.Diverged)]);
        var compiled = CompiledCost.Compile(cost);
        var gridX = Enumerable.Range(0, GridSize).Select(i => i == GridSize - 1 ? window.XMax : window.XMin + ((window.XMax - window.XMin) * i / (GridSize - 1))).ToArray();
        var values = gridX.Select(x => compiled.Evaluate([x])).ToArray();
        return new ProfileChart(cost.Name, cost.Parameters[0], gridX, values, paths);
    }
}
