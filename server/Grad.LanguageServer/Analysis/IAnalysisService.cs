using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// What the server asks of the runtime's one analysis engine (<see cref="Analyzer"/>). The real
/// implementation (<see cref="RuntimeAnalysisService"/>) calls it, so the editor shows exactly the
/// findings and numbers of <c>grad check</c> and <c>grad run</c>; tests substitute their own to
/// control timing and failures. The server judges nothing itself: it translates.
/// </summary>
public interface IAnalysisService
{
    /// <summary>A network at its initial weights: its numbers (the same as <c>grad inspect</c>) and findings with their verified fixes.</summary>
    NetworkJudgement JudgeNetwork(Compilation compilation, BoundNetwork network, CancellationToken cancellationToken);

    /// <summary>A run's static findings (GRAD0508), before it runs.</summary>
    ImmutableArray<Finding> JudgeRunBeforeRunning(Compilation compilation, BoundRun run, CancellationToken cancellationToken);

    /// <summary>A cost at a point: value, gradient, Hessian, eigenvalues and the symbolic gradient.</summary>
    CostAnalysis AnalyzeCost(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken);

    /// <summary>Runs one run within the budget and judges it; cancellation stops it (throws <see cref="OperationCanceledException"/>).</summary>
    RunReport Run(Compilation compilation, BoundRun run, RunBudget budget, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a what-if copy of a run (the what-if panel) within the budget, unjudged: only its numbers are shown.
    /// A cancelled run throws <see cref="OperationCanceledException"/>.
    /// </summary>
    RunResult RunWhatIf(BoundRun run, RunBudget budget, CancellationToken cancellationToken)
    {
        var result = budget.Driver().Run(run, cancellationToken, budget.Progress);
        return result is CompletedRunResult { StopReason: StopReason.Cancelled } ? throw new OperationCanceledException(cancellationToken) : result;
    }
}

/// <summary>A run's limits in the editor, and who is told how it goes (a live run's <c>$/progress</c>; see <see cref="RunProgress"/>).</summary>
public sealed record RunBudget(TimeSpan Time, long? MaxSteps = null)
{
    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>
    /// A training run also computes its loss landscape (a run started from the editor, <c>grad.landscape.resolution</c>):
    /// after the run, within the landscape's own budget of forward passes, cancelled with the run.
    /// </summary>
    public Runtime.Training.LandscapeRequest? Landscape { get; init; }

    /// <summary>The run driver for this budget: its time and steps, the editor's cap on trace points, and the landscape asked for.</summary>
    public RunDriver Driver() => new(new RunOptions
    {
        MaxSteps = MaxSteps is { } steps ? (int)Math.Min(steps, int.MaxValue) : null,
        TimeBudget = Time,
        MaxTracePoints = AnalysisLimits.TracePoints,
        Landscape = Landscape,
    });

    /// <summary>
    /// A run stopped by its token answers its result so far (stop reason <c>cancelled</c>, unjudged) instead of
    /// throwing: a live run cancelled from its progress notification says it was cancelled and what it did.
    /// </summary>
    public bool KeepCancelled { get; init; }
}

/// <summary>Per-layer norms of a training run: before the first update and after the last.</summary>
public sealed record TrainedLayerReport(int Index, double DeltaNormInitial, double DeltaNormFinal, double WeightGradNormInitial, double WeightGradNormFinal);

/// <summary>
/// The result of one run as the server keeps it (<see cref="StopReason"/> null when it could not start). <see cref="Json"/> is the run's object in
/// <c>grad run --json</c> (LANGUAGE.md), which <c>grad.run</c> returns as it is; <see cref="Findings"/>
/// are the runtime's judgement of the run.
/// </summary>
public sealed record RunReport(
    string Name,
    RunKind Kind,
    StopReason? StopReason,
    int StepsTaken,
    double? FinalCost,
    double? FinalLoss,
    ImmutableArray<KeyValuePair<string, double>> FinalParams,
    ImmutableArray<KeyValuePair<string, double>> FinalGradient,
    ImmutableArray<TrainedLayerReport> Layers,
    JObject Json,
    bool StoppedByBudget = false)
{
    /// <summary>Why the run could not start (its data), as a diagnostic to publish.</summary>
    public Diagnostic? Problem { get; init; }

    /// <summary>The runtime's result of the run (its trace in full), for the panel's charts; null when it could not start.</summary>
    public CompletedRunResult? Result { get; init; }


    /// <summary>The runtime's findings about this run (GRAD0502, 0503, 0505, during training).</summary>
    public ImmutableArray<Finding> Findings { get; init; } = [];

    /// <summary>Where the run's declaration started when it ran (findings are moved with it).</summary>
    public int DeclarationStart { get; init; }

    public bool Diverged => StopReason == Runtime.Contracts.StopReason.Diverged;

    /// <summary>A one-line summary for code lenses and hovers.</summary>
    public string Summary
    {
        get
        {
            var value = Kind == RunKind.Minimize
                ? FinalCost is { } cost ? $"cost {Numbers.Format(cost)}" : ""
                : FinalLoss is { } loss ? $"loss {Numbers.Format(loss)}" : "";
            // "1000 steps, cost 0.5", not "1000 steps, steps, …": the reason only when it is not the step count.
            var reason = StoppedByBudget ? "stopped by the time budget" : StopReason switch
            {
                Runtime.Contracts.StopReason.Steps => null,
                Runtime.Contracts.StopReason.Until => "stopped by until",
                Runtime.Contracts.StopReason.Diverged => "diverged",
                Runtime.Contracts.StopReason.Cancelled => "interrupted",
                { } other => ResultSerializer.StopReasonName(other),
                null => "failed",
            };
            return string.Join(", ", new[] { $"{StepsTaken} steps", reason, value.Length > 0 ? value : null }.OfType<string>());
        }
    }
}
