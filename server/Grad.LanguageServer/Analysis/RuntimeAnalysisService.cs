using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// The analysis on Grad.Runtime's one engine (<see cref="Analyzer"/>): the same calls as
/// <c>grad check</c> and <c>grad run</c>, so the editor and the CLI show the same findings.
/// </summary>
public sealed class RuntimeAnalysisService : IAnalysisService
{
    public NetworkJudgement JudgeNetwork(Compilation compilation, BoundNetwork network, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new Analyzer(new AnalysisOptions { Cancellation = cancellationToken }).JudgeNetwork(compilation, network);
    }

    public ImmutableArray<Finding> JudgeRunBeforeRunning(Compilation compilation, BoundRun run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new Analyzer(new AnalysisOptions { Cancellation = cancellationToken }).JudgeRunBeforeRunning(compilation, run);
    }

    public CostAnalysis AnalyzeCost(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return CostAnalyzer.Analyze(cost, point.AsSpan());
    }

    public RunReport Run(Compilation compilation, BoundRun run, RunBudget budget, CancellationToken cancellationToken)
    {
        var driver = new RunDriver(new RunOptions
        {
            MaxSteps = budget.MaxSteps is { } steps ? (int)Math.Min(steps, int.MaxValue) : null,
            TimeBudget = budget.Time,
            MaxTracePoints = AnalysisLimits.TracePoints,
        });
        var executed = driver.Run(run, cancellationToken, budget.Progress);
        var cancelled = executed is CompletedRunResult { StopReason: StopReason.Cancelled };
        if (cancelled && !budget.KeepCancelled)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        // A sweep member (v2) is not judged: its findings would be about the base run's lines; its table and hover show its numbers.
        // Nor is a cancelled run: it did not end, and its token is spent.
        var result = run.Member is not null || cancelled
            ? executed
            : new Analyzer(new AnalysisOptions { Cancellation = cancellationToken, LoadData = driver.Data.Load }).JudgeRun(compilation, run, executed);
        var json = ResultSerializer.ToJson(result);
        var findings = result is CompletedRunResult completed ? completed.Findings : [];
        switch (result)
        {
            case MinimizeResult minimize:
                return new RunReport(run.Name, RunKind.Minimize, minimize.StopReason, minimize.StepsTaken,
                    minimize.FinalCost, null,
                    minimize.ParameterNames.Zip(minimize.FinalParameters, KeyValuePair.Create).ToImmutableArray(),
                    minimize.ParameterNames.Zip(minimize.FinalGradient, KeyValuePair.Create).ToImmutableArray(),
                    [], json, minimize.StopReason == StopReason.Budget) { Result = minimize, Findings = findings, DeclarationStart = run.Syntax.Span.Start };
            case TrainResult train:
                return new RunReport(run.Name, RunKind.Train, train.StopReason, train.StepsTaken,
                    null, train.FinalLoss, [], [],
                    train.Layers.Select(l => new TrainedLayerReport(l.Index, l.DeltaNorm.Initial, l.DeltaNorm.Final, l.WeightGradNorm.Initial, l.WeightGradNorm.Final)).ToImmutableArray(),
                    json, train.StopReason == StopReason.Budget) { Result = train, Findings = findings, DeclarationStart = run.Syntax.Span.Start };
            case FailedRunResult failed:
                return new RunReport(run.Name, run.Kind, null, 0, null, null, [], [], [], json) { Problem = failed.Diagnostic };
            default:
                throw new InvalidOperationException($"unexpected run result {result.GetType().Name}");
        }
    }
}
