using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>One line of a chart; <see cref="Group"/> ties lines that share a colour (the same run).</summary>
public sealed record ChartSeries(string Name, double[] X, double[] Y, string? Group = null);

/// <summary>
/// Lines against the step. <see cref="LogY"/>: draw log10 of the values (non-positive values are
/// left out as gaps), chosen where the values span decades.
/// </summary>
public sealed record LineChart(string FileStem, string Title, string XLabel, string YLabel, bool LogY, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>Positive values spanning at least this ratio (two decades) are drawn on a log scale.</summary>
    public const double LogSpan = 100;

    /// <summary>Log scale when no value is negative and the positive values span at least two decades.</summary>
    public static bool SpansDecades(IEnumerable<double> values)
    {
        double min = double.PositiveInfinity, max = 0;
        foreach (var value in values.Where(double.IsFinite))
        {
            if (value < 0)
            {
                return false;
            }

            if (value > 0)
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
        }

        return max > 0 && max / min >= LogSpan;
    }

    /// <summary>Cost against step for every minimize run on one cost: <c>COST-cost</c>.</summary>
    public static LineChart CostCurves(string costName, IReadOnlyList<MinimizeResult> runs)
    {
        var series = runs.Select(r => new ChartSeries($"{r.Name}: {OptimizerText(r.Optimizer)}", Steps(r.Trace.Select(t => t.Step)), [.. r.Trace.Select(t => t.Cost)], r.Name)).ToList();
        var log = SpansDecades(series.SelectMany(s => s.Y));
        return new LineChart($"{costName}-cost", $"cost {costName} against step", "step", "cost", log, series);
    }

    /// <summary>|∂f/∂p| per parameter against step for one minimize run (log scale): <c>RUN-gradient</c>.</summary>
    public static LineChart GradientComponents(MinimizeResult run)
    {
        var steps = Steps(run.Trace.Select(t => t.Step));
        var series = run.ParameterNames
            .Select((name, i) => new ChartSeries($"|∂{run.CostName}/∂{name}|", steps, [.. run.Trace.Select(t => Math.Abs(t.Gradient[i]))]))
            .ToList();
        return new LineChart($"{run.Name}-gradient", $"run {run.Name}: gradient components of {run.CostName} ({OptimizerText(run.Optimizer)})", "step", "|∂f/∂p|", LogY: true, series);
    }

    /// <summary>Loss against step for every training run on one data set: <c>DATA-loss</c>.</summary>
    public static LineChart LossCurves(string dataName, IReadOnlyList<TrainResult> runs)
    {
        var series = runs.Select(r => new ChartSeries($"{r.Name} ({r.NetworkName})", Steps(r.Trace.Select(t => t.Step)), [.. r.Trace.Select(t => t.Loss)], r.Name)).ToList();
        var log = SpansDecades(series.SelectMany(s => s.Y));
        return new LineChart($"{dataName}-loss", $"loss on {dataName} against step", "step", "loss", log, series);
    }

    /// <summary><c>sgd(lr = 0.5)</c>: the optimizer as the file gave it.</summary>
    public static string OptimizerText(OptimizerSpec spec) =>
        $"{spec.Name}({string.Join(", ", spec.Arguments.Select(a => $"{a.Key} = {a.Value switch { double d => ChartText.Number(d), bool b => b ? "true" : "false", var other => other.ToString() }}"))})";

    private static double[] Steps(IEnumerable<int> steps) => [.. steps.Select(s => (double)s)];
}
