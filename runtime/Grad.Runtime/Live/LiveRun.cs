using System.Collections.Immutable;
using Grad.Language.Semantics;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Live;

/// <summary>
/// A run as it goes, for an editor that shows it live: the trace points the run driver reports
/// (<see cref="RunProgress"/>), the step and the latest loss or cost, and, for a training run, the run so far as a
/// result (<see cref="SoFar"/>) whose panel charts (<see cref="Panel"/>: its loss curve, ‖δˡ‖ per layer, the
/// layer × step heatmap) are made by the same <see cref="PanelCharts"/> as the finished run's.
/// </summary>
public sealed class LiveRun(BoundRun run)
{
    /// <summary>The panel of a live run draws at most this many trace points (evenly spaced, the first and the last kept).</summary>
    public const int MaxDrawnPoints = 400;

    private readonly List<TrainTracePoint> trainPoints = [];

    public BoundRun Run { get; } = run;

    public int Step { get; private set; }

    public int TotalSteps { get; private set; }

    /// <summary>The loss (training) or cost (minimize) at the last recorded point; null before the first.</summary>
    public double? Value { get; private set; }

    /// <summary>Takes one report of the run driver (called on the run's thread).</summary>
    public void Add(RunProgress progress)
    {
        Step = progress.Step;
        TotalSteps = progress.TotalSteps;
        trainPoints.AddRange(progress.TrainPoints);
        if (progress.TrainPoints.Count > 0)
        {
            Value = progress.TrainPoints[^1].Loss;
        }
        else if (progress.MinimizePoints.Count > 0)
        {
            Value = progress.MinimizePoints[^1].Cost;
        }
    }

    /// <summary>"step 120 of 1000 · loss 0.1234": what a progress notification says (the one number formatter).</summary>
    public string Message =>
        $"step {Step} of {TotalSteps}" + (Value is { } value ? $" · {(Run.Kind == RunKind.Train ? "loss" : "cost")} {Numbers.Format(value, PanelCharts.Digits)}" : "");

    /// <summary>How far the run is, 0 … 100.</summary>
    public int Percentage => TotalSteps <= 0 ? 0 : (int)Math.Clamp(100L * Step / TotalSteps, 0, 100);

    /// <summary>
    /// A training run so far as a result (its trace thinned to <see cref="MaxDrawnPoints"/>, its layers' norms at
    /// the first and the latest point); null for a minimize run or before the first point.
    /// </summary>
    public TrainResult? SoFar()
    {
        if (Run.Kind != RunKind.Train || Run.Network is not { } network || trainPoints.Count == 0)
        {
            return null;
        }

        var (first, last) = (trainPoints[0], trainPoints[^1]);
        var kept = trainPoints.Count <= MaxDrawnPoints
            ? trainPoints
            : [.. Enumerable.Range(0, MaxDrawnPoints).Select(i => trainPoints[(int)((long)i * (trainPoints.Count - 1) / (MaxDrawnPoints - 1))])];
        var trace = TrainTrace.Of(network.Layers.Length, kept);
        var layers = network.Layers.Select((layer, l) => LayerSummary.Between(layer, l, first, last)).ToList();
        return new TrainResult(Run.Name, Run.Optimizer, last.Step, StopReason.Steps, network.Name, Run.Data?.Name ?? "", first.Loss, last.Loss, layers, trace,
            new NetworkWeights(ImmutableArray<LayerWeights>.Empty));
    }

    /// <summary>The panel's data of the run so far (the file name as the panel shows it); null when there is nothing to draw yet.</summary>
    public JObject? Panel(BoundProgram program, string file)
    {
        if (SoFar() is not { } soFar)
        {
            return null;
        }

        var panel = PanelCharts.Build(file, ChartSet.FromRuns(program with { Networks = [Run.Network!] }, [soFar]), [soFar], []);
        panel["live"] = new JObject { ["run"] = Run.Name, ["step"] = Step, ["totalSteps"] = TotalSteps, ["message"] = Message };
        return panel;
    }
}
