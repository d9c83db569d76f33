using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>
/// One line of a chart; <see cref="Group"/> ties lines that share a colour (the same run).
/// <see cref="Smoothed"/>: a moving average drawn over its group's raw line, which is then drawn faint.
/// </summary>
public sealed record ChartSeries(string Name, double[] X, double[] Y, string? Group = null)
{
    public bool Smoothed { get; init; }
}

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

    /// <summary>
    /// Loss against step for every training run on one data set: <c>DATA-loss</c>. A run on
    /// mini-batches (more than one update per epoch) measures each point on another batch, so its
    /// curve is noisy: it gets a second line, <see cref="Smooth"/>ed, drawn over the raw one.
    /// </summary>
    public static LineChart LossCurves(string dataName, IReadOnlyList<TrainResult> runs)
    {
        var series = new List<ChartSeries>();
        foreach (var run in runs)
        {
            var steps = Steps(run.Trace.Select(t => t.Step));
            double[] losses = [.. run.Trace.Select(t => t.Loss)];
            series.Add(new ChartSeries($"{run.Name} ({run.NetworkName})", steps, losses, run.Name));
            if (run.StepsPerEpoch > 1 && losses.Length >= 3)
            {
                series.Add(new ChartSeries($"{run.Name} (smoothed)", steps, Smooth(losses), run.Name) { Smoothed = true });
            }
        }

        var log = SpansDecades(series.SelectMany(s => s.Y));
        return new LineChart($"{dataName}-loss", $"loss on {dataName} against step", "step", "loss", log, series);
    }

    /// <summary>The weight of the previous average in <see cref="Smooth"/>: each point counts 1 − 0.9, an average over about ten points.</summary>
    public const double SmoothingWeight = 0.9;

    /// <summary>
    /// TensorBoard's smoothing of a scalar curve: the exponential moving average
    /// m_k = w·m_(k−1) + (1 − w)·y_k from m = 0, debiased by 1 − w^k (k = the finite points so far),
    /// so the first point is itself and the start is not pulled towards 0. A non-finite point
    /// is kept as it is and does not enter the average.
    /// </summary>
    public static double[] Smooth(IReadOnlyList<double> values, double weight = SmoothingWeight)
    {
        var smoothed = new double[values.Count];
        var last = 0.0;
        var count = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (!double.IsFinite(value))
            {
                smoothed[i] = value;
                continue;
            }

            last = (last * weight) + ((1 - weight) * value);
            count++;
            smoothed[i] = last / (1 - Math.Pow(weight, count));
        }

        return smoothed;
    }

    /// <summary><c>sgd(lr = 0.5)</c>: the optimizer as the file gave it.</summary>
    public static string OptimizerText(OptimizerSpec spec) =>
        $"{spec.Name}({string.Join(", ", spec.Arguments.Select(a => $"{a.Key} = {a.Value switch { double d => ChartText.Number(d), bool b => b ? "true" : "false", var other => other.ToString() }}"))})";

    private static double[] Steps(IEnumerable<int> steps) => [.. steps.Select(s => (double)s)];
}
