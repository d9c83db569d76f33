using Grad.Language.Semantics;
using Grad.Runtime.Contracts;

namespace Grad.Runtime.Charts;

/// <summary>
/// A sweep's charts (v2): its members' loss (or cost) curves on one chart, <c>SWEEP-sweep-loss</c>,
/// and for training, each member's ‖δˡ‖/‖δᴸ‖ per layer after training side by side,
/// <c>SWEEP-sweep-delta</c>, so a learning rate or an init that starves the first layers shows.
/// </summary>
public static class SweepCharts
{
    public static IEnumerable<LineChart> For(BoundProgram program, IReadOnlyList<RunResult> results)
    {
        foreach (var sweep in program.Sweeps)
        {
            var members = results.Where(r => r.Member?.Sweep == sweep.Name).ToList();
            var train = members.OfType<TrainResult>().ToList();
            var minimize = members.OfType<MinimizeResult>().ToList();
            if (train.Count > 0)
            {
                var curves = train.Select(r => new ChartSeries(Label(r), [.. r.Trace.Select(t => (double)t.Step)], [.. r.Trace.Select(t => t.Loss)], r.Name)).ToList();
                yield return new LineChart($"{sweep.Name}-sweep-loss", $"sweep {sweep.Name}: loss against step", "step", "loss", LineChart.SpansDecades(curves.SelectMany(s => s.Y)), curves);

                var ratios = train.Select(r => new ChartSeries(Label(r),
                    [.. r.Layers.Select(l => (double)l.Index)],
                    [.. r.Layers.Select(l => l.DeltaNorm.Final / r.Layers[^1].DeltaNorm.Final)], r.Name)).ToList();
                yield return new LineChart($"{sweep.Name}-sweep-delta", $"sweep {sweep.Name}: ‖δˡ‖/‖δᴸ‖ per layer after training", "layer l", "‖δˡ‖/‖δᴸ‖", LogY: true, ratios);
            }
            else if (minimize.Count > 0)
            {
                var curves = minimize.Select(r => new ChartSeries(Label(r), [.. r.Trace.Select(t => (double)t.Step)], [.. r.Trace.Select(t => t.Cost)], r.Name)).ToList();
                yield return new LineChart($"{sweep.Name}-sweep-cost", $"sweep {sweep.Name}: cost against step", "step", "cost", LineChart.SpansDecades(curves.SelectMany(s => s.Y)), curves);
            }
        }
    }

    /// <summary>A member by its values: <c>lr=0.1, init=he_normal</c>.</summary>
    private static string Label(RunResult result) =>
        string.Join(", ", result.Member!.Config.Select(c => $"{c.Key}={(c.Value is double d ? ChartText.Number(d) : c.Value)}"));
}
