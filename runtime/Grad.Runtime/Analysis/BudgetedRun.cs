using Grad.Language.Semantics;
using Grad.Runtime.Data;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Analysis;

/// <summary>
/// Runs for the editor: the same <see cref="Runner"/> and result objects as <c>grad run</c>,
/// stopped by a cancellation token (a newer document version) or a step/time budget, in which
/// case the result's stop reason is <see cref="StopReason.Cancelled"/> or <see cref="StopReason.Budget"/>.
/// </summary>
public static class BudgetedRun
{
    public static RunResult Execute(BoundRun run, CancellationToken cancellation, int? maxSteps = null, TimeSpan? timeBudget = null, Func<BoundData, DataLoadResult>? loadData = null, int? maxTracePoints = null) =>
        Runner.Execute(run, new RunOptions
        {
            Cancellation = cancellation,
            MaxSteps = maxSteps,
            TimeBudget = timeBudget,
            LoadData = loadData,
            MaxTracePoints = maxTracePoints,
        });
}
