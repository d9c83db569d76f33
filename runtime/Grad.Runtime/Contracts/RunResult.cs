using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;

namespace Grad.Runtime.Contracts;

/// <summary>
/// Why a run stopped. LANGUAGE.md's three are steps, until and diverged; cancelled (Ctrl-C, a
/// newer document version) and budget (the analysis API's step or time budget) are the
/// front ends' own. In JSON the lower-case name (<see cref="ResultSerializer.StopReasonName"/>).
/// </summary>
public enum StopReason { Steps, Until, Diverged, Cancelled, Budget }

/// <summary>The outcome of one run, as <c>grad run</c> prints it and the language server shows it.</summary>
public abstract record RunResult(string Name, RunKind Kind, OptimizerSpec Optimizer)
{
    /// <summary>The sweep this run is a member of and the member's values (JSON <c>"sweep"</c> and <c>"config"</c>); null for a run of the file.</summary>
    public SweepMember? Member { get; init; }
}

/// <summary>
/// A run that finished (by steps, until, divergence, cancellation or budget). <see cref="Findings"/>
/// are the analysis' judgement of the run (GRAD0502, 0503, 0505 and what developed during
/// training), set by <see cref="Analysis.Analyzer.JudgeRun"/>.
/// </summary>
public abstract record CompletedRunResult(string Name, RunKind Kind, OptimizerSpec Optimizer, int StepsTaken, StopReason StopReason)
    : RunResult(Name, Kind, Optimizer)
{
    public ImmutableArray<Analysis.Finding> Findings { get; init; } = [];
}

/// <summary>A state of a minimize run: cost, parameters and gradient after <paramref name="Step"/> updates.</summary>
public sealed record MinimizeTracePoint(int Step, double Cost, double[] Parameters, double[] Gradient) : IScheduledTracePoint
{
    public double? Lr { get; init; }

    public double? GradNorm { get; init; }

    public bool? Clipped { get; init; }
}

/// <summary>
/// What a trace point records of a schedule and of clipping (v2): <see cref="Lr"/>, the learning
/// rate of the next update (runs with a schedule); <see cref="GradNorm"/>, the gradient's total
/// L2 norm before clipping, and <see cref="Clipped"/>, whether clipping changes that gradient
/// (runs with <c>clip</c>). Null where the run has no schedule or no clipping.
/// </summary>
public interface IScheduledTracePoint
{
    double? Lr { get; }

    double? GradNorm { get; }

    bool? Clipped { get; }
}

public sealed record MinimizeResult(
    string Name,
    OptimizerSpec Optimizer,
    int StepsTaken,
    StopReason StopReason,
    string CostName,
    ImmutableArray<string> ParameterNames,
    double FinalCost,
    double[] FinalParameters,
    double[] FinalGradient,
    MinimizeTrace Trace) : CompletedRunResult(Name, RunKind.Minimize, Optimizer, StepsTaken, StopReason)
{
    /// <summary>The last update's largest parameter change max |θ_k − θ_(k−1)| (0 before any update); the analysis compares it with the distance to the minimum, whatever the trace kept.</summary>
    public double LastChange { get; init; }
}

/// <summary>
/// A state of a training run after <paramref name="Step"/> updates: the batch-mean loss, each
/// layer's mean per-sample ‖δ^l‖ and ‖∂C/∂W^l‖_F (layer 1 first).
/// </summary>
public sealed record TrainTracePoint(int Step, double Loss, double[] DeltaNorms, double[] WeightGradNorms) : IScheduledTracePoint
{
    public double? Lr { get; init; }

    public double? GradNorm { get; init; }

    public bool? Clipped { get; init; }

    /// <summary>The per-layer health at this point (docs/training.md).</summary>
    public TraceHealth? Health { get; init; }
}

/// <summary>A <c>norm batch</c> layer's running estimates after training (BatchNorm1d's running_mean and running_var).</summary>
public sealed record RunningEstimates(int Index, double[] Mean, double[] Variance);

public sealed record NormPair(double Initial, double Final);

/// <summary>A layer of a training run; <paramref name="Activation"/> is null for a norm layer (<paramref name="Kind"/> "norm layer" or "norm batch").</summary>
public sealed record LayerSummary(int Index, int Units, string? Activation, string? Label, NormPair DeltaNorm, NormPair WeightGradNorm)
{
    public string Kind { get; init; } = "dense";

    /// <summary>A network's layer (at position <paramref name="l"/>) with its ‖δ‖ and ‖∂C/∂W‖ at two trace points.</summary>
    public static LayerSummary Between(BoundLayer layer, int l, TrainTracePoint first, TrainTracePoint last) => new(
        layer.Index,
        layer.Units,
        layer.IsNorm ? null : layer.Activation.Name,
        layer.Label,
        new NormPair(first.DeltaNorms[l], last.DeltaNorms[l]),
        new NormPair(first.WeightGradNorms[l], last.WeightGradNorms[l]))
    {
        Kind = layer.KindName,
    };
}

public sealed record TrainResult(
    string Name,
    OptimizerSpec Optimizer,
    int StepsTaken,
    StopReason StopReason,
    string NetworkName,
    string DataName,
    double InitialLoss,
    double FinalLoss,
    IReadOnlyList<LayerSummary> Layers,
    TrainTrace Trace,
    NetworkWeights FinalNetwork) : CompletedRunResult(Name, RunKind.Train, Optimizer, StepsTaken, StopReason)
{
    /// <summary>Every parameter after the last update, in the runtime's flat layout (W^1, b^1, W^2, …).</summary>
    public double[] FinalParameters => FinalNetwork.Flatten();

    /// <summary>The batch-mean loss over the whole data set at the final parameters (PyTorch: the loss of one pass over all samples).</summary>
    public double DataLoss { get; init; } = double.NaN;

    /// <summary>Updates per epoch: ⌈samples / batch⌉.</summary>
    public int StepsPerEpoch { get; init; }

    /// <summary>For bce and cross_entropy: the fraction of correct predictions over the whole data set at the final parameters; null for mse.</summary>
    public double? Accuracy { get; init; }

    /// <summary>The running estimates of each <c>norm batch</c> layer, by layer; empty without one.</summary>
    public IReadOnlyList<RunningEstimates> RunningEstimates { get; init; } = [];

    /// <summary>Histograms of δ^l and W^l at a few steps (docs/training.md), in step order, then layer, δ before W.</summary>
    public IReadOnlyList<LayerHistogram> Histograms { get; init; } = [];

    /// <summary>Why the trace has no sharpness (a network too large or not of dense layers only); null when it has.</summary>
    public string? SharpnessSkipped { get; init; }

    /// <summary>The loss landscape, when the run was asked for one (<see cref="Runs.RunOptions.Landscape"/>, docs/training.md).</summary>
    public LossLandscape? Landscape { get; init; }

    /// <summary>Why a landscape that was asked for is missing (cancelled, or a PCA plane without a path that moves).</summary>
    public string? LandscapeSkipped { get; init; }
}

/// <summary>
/// A run that could not start: its data could not be loaded (GRAD0400, at the data declaration)
/// or, for a CSV file, does not fit the network (GRAD0322, at the run's data reference).
/// <see cref="Diagnostic"/> is null for a result read back from JSON (which keeps only the message).
/// </summary>
public sealed record FailedRunResult(string Name, RunKind Kind, OptimizerSpec Optimizer, string Error)
    : RunResult(Name, Kind, Optimizer)
{
    public FailedRunResult(string name, RunKind kind, OptimizerSpec optimizer, Diagnostic diagnostic)
        : this(name, kind, optimizer, diagnostic.Message)
    {
        Diagnostic = diagnostic;
    }

    public Diagnostic? Diagnostic { get; init; }
}

/// <summary>
/// How far a run has come, for progress bars and live charts (<see cref="Runs.RunDriver"/>): the
/// updates taken (<paramref name="Step"/>) of those planned, and the trace points recorded since
/// the run's previous report, in step order. A run reports once at its start (step 0, with the
/// starting point), then about every <see cref="Runs.RunOptions.ProgressInterval"/> while it goes,
/// and once when it stops (<see cref="Final"/>, with the last points). Put together, the points of
/// a run's reports are every point it recorded, including those that a trace cap
/// (<see cref="Runs.RunOptions.MaxTracePoints"/>) thins out of the result later.
/// </summary>
public sealed record RunProgress(string RunName, int Step, int TotalSteps)
{
    /// <summary>A minimize run's newly recorded points (empty for a training run).</summary>
    public IReadOnlyList<MinimizeTracePoint> MinimizePoints { get; init; } = [];

    /// <summary>A training run's newly recorded points (empty for a minimize run).</summary>
    public IReadOnlyList<TrainTracePoint> TrainPoints { get; init; } = [];

    /// <summary>The run has stopped: this is its last report, at its last step.</summary>
    public bool Final { get; init; }
}
