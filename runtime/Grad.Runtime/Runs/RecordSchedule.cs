using Grad.Language.Semantics;

namespace Grad.Runtime.Runs;

/// <summary>
/// Which steps go into a trace: step 0, every K-th step, and the last step. K is <c>record every</c>
/// when given; otherwise <see cref="BoundRun.DefaultRecordEvery"/> (the binder sizes the trace with the same rule).
/// </summary>
internal readonly record struct RecordSchedule(int Every)
{
    public static RecordSchedule For(int totalSteps, int? recordEvery) =>
        new(recordEvery is > 0 ? recordEvery.Value : (int)BoundRun.DefaultRecordEvery(totalSteps));

    public bool ShouldRecord(int step) => step % Every == 0;
}
