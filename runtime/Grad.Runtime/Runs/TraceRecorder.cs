using Grad.Runtime.Contracts;

namespace Grad.Runtime.Runs;

/// <summary>
/// Which steps of a run go into its trace: those <see cref="RecordSchedule"/> picks, optionally
/// capped at a fixed number of points whatever <c>record every</c> says (the editor's memory does
/// not grow with the steps): when the trace is full, every other point is dropped and the stride
/// doubles, so the trace keeps step 0, evenly spaced steps, and the last step.
/// </summary>
internal sealed class TraceSampler
{
    private readonly int? maxPoints;
    private long every;

    public TraceSampler(RecordSchedule schedule, int? maxPoints)
    {
        every = schedule.Every;
        this.maxPoints = maxPoints is { } max ? Math.Max(2, max) : null;
    }

    public bool ShouldRecord(int step) => step % every == 0;

    /// <summary>Called before a point of this step is added: thins a full trace.</summary>
    public void MakeRoom(IThinnableTrace trace, int step)
    {
        if (maxPoints is not { } max || trace.Count < max)
        {
            return;
        }

        every *= 2;
        var stride = every;
        trace.KeepOnly(s => s % stride == 0);
        if (trace.Count >= max)
        {
            // Only the last point of a run arrives off the stride, and only when every kept point
            // is on it: drop the latest to make room.
            var count = trace.Count;
            var index = 0;
            trace.KeepOnly(_ => ++index < count);
        }
    }
}
