using System.Collections.Immutable;
using Grad.Language.Semantics;

namespace Grad.LanguageServer.Analysis;

/// <summary>The analysis on Grad.Runtime: the same numbers as <c>grad inspect</c> and <c>grad run</c>.</summary>
public sealed class RuntimeAnalysisService : IAnalysisService
{
    public NetworkReport AnalyzeNetwork(BoundProgram program, BoundNetwork network, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the runtime's network analysis is not available in this build yet");

    public CostReport AnalyzeCost(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the runtime's cost analysis is not available in this build yet");

    public RunReport Run(BoundProgram program, BoundRun run, RunBudget budget, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the runtime's runs are not available in this build yet");
}
