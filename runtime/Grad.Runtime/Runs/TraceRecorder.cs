namespace Grad.Runtime.Runs;

/// <summary>
/// A run's trace as <see cref="RecordSchedule"/> picks its steps, optionally capped at a fixed
/// number of points whatever <c>record every</c> says (the editor's memory does not grow with
/// the steps): when the cap is reached, every other point is dropped and the stride doubles,
/// so the trace keeps step 0, evenly spaced steps, and the last step.
/// </summary>
internal sealed class TraceRecorder<T>
    where T : class
{
    private readonly List<T> points = [];
    private readonly Func<T, int> stepOf;
    private readonly int? maxPoints;
    private long every;

    public TraceRecorder(RecordSchedule schedule, int? maxPoints, Func<T, int> stepOf)
    {
        every = schedule.Every;
        this.maxPoints = maxPoints is { } max ? Math.Max(2, max) : null;
        this.stepOf = stepOf;
    }

    public List<T> Points => points;

    public bool ShouldRecord(int step) => step % every == 0;

    public void Add(T point)
    {
        if (maxPoints is { } max && points.Count >= max)
        {
            every *= 2;
            points.RemoveAll(p => stepOf(p) % every != 0);
            if (!ShouldRecord(stepOf(point)) && points.Count >= max)
            {
                // Only the last point of a run arrives off the stride: make room for it.
                points.RemoveAt(points.Count - 1);
            }
        }

        points.Add(point);
    }
}
