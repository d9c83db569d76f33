using System.Collections.Immutable;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Data;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// The analysis on Grad.Runtime's analysis API: the same calls as <c>grad inspect</c> and
/// <c>grad run</c>, so the editor and the CLI show the same numbers.
/// </summary>
public sealed class RuntimeAnalysisService : IAnalysisService
{
    public NetworkReport AnalyzeNetwork(BoundProgram program, BoundNetwork network, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Keep what the analysis loaded, so that a load error is reported without reading the file again.
        DataLoadResult? loaded = null;
        var analysis = NetworkAnalyzer.AnalyzeInitial(program, network, data => loaded = DataLoader.Load(data));
        if (analysis is null)
        {
            // The training data could not be loaded, or does not fit the network.
            var data = NetworkAnalyzer.FirstTrainingRun(program, network)?.Data;
            var error = loaded?.Error;
            return new NetworkReport(network.Name, [], "no data")
            {
                Problem = data is not null && error is not null ? DataLoader.ToDiagnostic(data, error) : null,
            };
        }

        var layers = analysis.Layers.Select(l => new LayerReport(
            l.Index,
            l.Units,
            l.InputUnits,
            l.Activation,
            l.Label,
            l.DeltaNorm,
            l.WeightGradNorm,
            new ChainRule(
                l.Chain.NextWeight,
                l.Chain.ActivationDerivative,
                l.Chain.NextDelta,
                l.Chain.Delta,
                l.Chain.OutputGradient,
                l.Chain.NextWeightNorm,
                l.Chain.MeanAbsActivationDerivative))).ToImmutableArray();
        var description = analysis.DataName is null
            ? "one seeded standard-normal sample (no run trains this network)"
            : $"the first batch of `{analysis.DataName}` ({analysis.SampleCount} sample{(analysis.SampleCount == 1 ? "" : "s")}, as run `{analysis.RunName}` starts)";
        return new NetworkReport(network.Name, layers, description);
    }

    public CostReport AnalyzeCost(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var analysis = CostAnalyzer.Analyze(cost, point.AsSpan());
        var n = analysis.Gradient.Length;
        var hessian = Enumerable.Range(0, n)
            .Select(i => Enumerable.Range(0, n).Select(j => analysis.Hessian[i, j]).ToImmutableArray())
            .ToImmutableArray();
        return new CostReport(cost.Name, cost.Parameters, point, analysis.Value, [.. analysis.Gradient], hessian, [.. analysis.Eigenvalues], [.. analysis.Derivatives]);
    }

    public RunReport Run(BoundProgram program, BoundRun run, RunBudget budget, CancellationToken cancellationToken)
    {
        var result = BudgetedRun.Execute(run, cancellationToken, budget.MaxSteps is { } steps ? (int)Math.Min(steps, int.MaxValue) : null, budget.Time, maxTracePoints: AnalysisLimits.TracePoints);
        var json = ResultSerializer.ToJson(result);
        switch (result)
        {
            case CompletedRunResult { StopReason: StopReason.Cancelled }:
                throw new OperationCanceledException(cancellationToken);
            case MinimizeResult minimize:
                return new RunReport(run.Name, RunKind.Minimize, minimize.StopReason, minimize.StepsTaken,
                    minimize.FinalCost, null,
                    minimize.ParameterNames.Zip(minimize.FinalParameters, KeyValuePair.Create).ToImmutableArray(),
                    minimize.ParameterNames.Zip(minimize.FinalGradient, KeyValuePair.Create).ToImmutableArray(),
                    [], json, minimize.StopReason == StopReason.Budget) { Minimize = minimize };
            case TrainResult train:
                return new RunReport(run.Name, RunKind.Train, train.StopReason, train.StepsTaken,
                    null, train.FinalLoss, [], [],
                    train.Layers.Select(l => new TrainedLayerReport(l.Index, l.DeltaNorm.Initial, l.DeltaNorm.Final, l.WeightGradNorm.Initial, l.WeightGradNorm.Final)).ToImmutableArray(),
                    json, train.StopReason == StopReason.Budget);
            case FailedRunResult failed:
                return new RunReport(run.Name, run.Kind, null, 0, null, null, [], [], [], json) { Problem = failed.Diagnostic };
            default:
                throw new InvalidOperationException($"unexpected run result {result.GetType().Name}");
        }
    }
}
