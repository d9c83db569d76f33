using Grad.Language.Semantics;
using Grad.Runtime.Contracts;

namespace Grad.Runtime.Runs;

/// <summary>
/// Limits and hooks for a run: the step and time budgets (which stop it early with
/// <see cref="StopReason.Budget"/>), the trace cap, threads and progress. Front ends give them to a
/// <see cref="RunDriver"/>, which supplies the cancellation, progress and data of each call.
/// </summary>
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

    /// <summary>Told how the run goes (<see cref="RunProgress"/>), on the run's thread: at its start, about every <see cref="ProgressInterval"/>, and when it stops.</summary>
    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>
    /// Whether the reports to <see cref="Progress"/> carry the points the run recorded since the
    /// last one (<see cref="RunProgress.TrainPoints"/>, <see cref="RunProgress.MinimizePoints"/>: live
    /// charts); false for a listener that only shows how far the run has come (the CLI's progress
    /// bar), which spares a copy of every recorded point.
    /// </summary>
    public bool ProgressPoints { get; init; } = true;

    /// <summary>How often <see cref="Progress"/> is told while a run goes (a minimize run looks at the clock every 32 steps, a training run about every 0.25 ms); zero: at every look, and a training run then looks at every step.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Threads for large matrix products (1 by default); any count gives the same bits.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>A training run also computes its loss landscape (docs/training.md); null: none.</summary>
    public Training.LandscapeRequest? Landscape { get; init; }

    /// <summary>Loads (or returns cached) data; defaults to <see cref="Data.DataLoader.Load"/>.</summary>
    public Func<BoundData, Data.DataLoadResult>? LoadData { get; init; }
}
