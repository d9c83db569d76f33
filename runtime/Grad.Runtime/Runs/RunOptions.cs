using Grad.Language.Semantics;
using Grad.Runtime.Contracts;

namespace Grad.Runtime.Runs;

/// <summary>Limits and hooks for one run. A budget stops the run early with <see cref="StopReason.Budget"/>.</summary>
public sealed record RunOptions
{
    public static RunOptions Default { get; } = new();

    public CancellationToken Cancellation { get; init; }

    /// <summary>At most this many updates (the analysis API's step budget), whatever the file says.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>
    /// At most this many trace points whatever <c>record every</c> says (the editor's bound): the
    /// trace is thinned to evenly spaced steps, keeping step 0 and the last step. Null: no cap.
    /// </summary>
    public int? MaxTracePoints { get; init; }

    /// <summary>Stop once the run has taken this long.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Called about every 50 ms while a run is going.</summary>
    public Action<RunProgress>? Progress { get; init; }

    /// <summary>Threads for large matrix products (1 by default); any count gives the same bits.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Loads (or returns cached) data; defaults to <see cref="Data.DataLoader.Load"/>.</summary>
    public Func<BoundData, Data.DataLoadResult>? LoadData { get; init; }
}
