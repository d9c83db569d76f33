using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.WhatIf;

/// <summary>
/// The what-if panel's overlay as the panel's JSON (<see cref="PanelCharts"/>'s line charts, every value with
/// its text): the run's loss (or cost) curve with the what-if's over it, and for a training run ‖δˡ‖ per layer
/// at the initial weights and after training, both runs on one log scale. The extension draws it as it is.
/// </summary>
public static class WhatIfCharts
{
    public static JObject Build(CompletedRunResult current, CompletedRunResult whatIf, WhatIfOverrides overrides)
    {
        var whatIfName = $"what-if ({overrides.Describe()})";
        var charts = new JArray { Curves(current, whatIf, whatIfName) };
        if (current is TrainResult currentTrain && whatIf is TrainResult whatIfTrain)
        {
            charts.Add(Deltas(currentTrain, whatIfTrain));
        }

        return new JObject
        {
            ["run"] = current.Name,
            ["label"] = overrides.Describe(),
            ["current"] = Summary(current),
            ["whatIf"] = Summary(whatIf),
            ["charts"] = charts,
        };
    }

    /// <summary>The panel's one-line summary, and when the what-if ran out of time, that it did (its curve ends there).</summary>
    private static string Summary(CompletedRunResult run) =>
        PanelCharts.Summary(run) + (run.StopReason == StopReason.Budget ? " (stopped at the time budget)" : "");

    private static JObject Curves(CompletedRunResult current, CompletedRunResult whatIf, string whatIfName)
    {
        var (quantity, currentCurve, whatIfCurve) = (current, whatIf) switch
        {
            (TrainResult a, TrainResult b) => ("loss", Curve(a), Curve(b)),
            (MinimizeResult a, MinimizeResult b) => ("cost", Curve(a), Curve(b)),
            _ => throw new ArgumentException("a run and its what-if are of one kind"),
        };
        var series = new List<(string, double[], double[])>
        {
            ($"run {current.Name}", currentCurve.Steps, currentCurve.Values),
            (whatIfName, whatIfCurve.Steps, whatIfCurve.Values),
        };
        return PanelCharts.AlignedLines("whatif-curve", $"{quantity} against step: run {current.Name} and the what-if", "step", quantity,
            LineChart.SpansDecades(series.SelectMany(s => s.Item3)), series, null);
    }

    private static JObject Deltas(TrainResult current, TrainResult whatIf)
    {
        static double[] Layers(TrainResult run) => [.. run.Layers.Select(l => (double)l.Index)];
        var series = new List<(string, double[], double[])>
        {
            ($"‖δˡ‖ initial, run {current.Name}", Layers(current), [.. current.Layers.Select(l => l.DeltaNorm.Initial)]),
            ($"‖δˡ‖ after training, run {current.Name}", Layers(current), [.. current.Layers.Select(l => l.DeltaNorm.Final)]),
            ("‖δˡ‖ initial, what-if", Layers(whatIf), [.. whatIf.Layers.Select(l => l.DeltaNorm.Initial)]),
            ("‖δˡ‖ after training, what-if", Layers(whatIf), [.. whatIf.Layers.Select(l => l.DeltaNorm.Final)]),
        };
        var layers = current.Layers.Concat(whatIf.Layers).Select(l => l.Index).Distinct().Order();
        return PanelCharts.AlignedLines("whatif-deltas", "‖δˡ‖ per layer: run and what-if", "layer l", "‖δˡ‖", LogY: true, series,
            new JArray(layers.Select(l => new JObject { ["value"] = l, ["label"] = $"{l}" })));
    }

    private static (double[] Steps, double[] Values) Curve(TrainResult run) =>
        ([.. run.Trace.Select(t => (double)t.Step)], [.. run.Trace.Select(t => t.Loss)]);

    private static (double[] Steps, double[] Values) Curve(MinimizeResult run) =>
        ([.. run.Trace.Select(t => (double)t.Step)], [.. run.Trace.Select(t => t.Cost)]);
}
