using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Training;

/// <summary>
/// What a loss landscape needs of a run (only when one is asked for): θ0, and the parameters at
/// recorded steps, at most <see cref="LandscapeRequest.MaxTrajectoryPoints"/> of them, thinned like
/// the editor's trace (step 0, evenly spaced steps, the last step), so memory does not grow with the steps.
/// </summary>
internal sealed class Trajectory : IThinnableTrace
{
    private readonly TraceRows rows;
    private readonly TraceSampler sampler;

    public Trajectory(ReadOnlySpan<double> start, RecordSchedule schedule)
    {
        Start = start.ToArray();
        rows = new TraceRows(1 + start.Length);
        sampler = new TraceSampler(schedule, LandscapeRequest.MaxTrajectoryPoints);
        rows.Add(0, 0, start, []);
    }

    public double[] Start { get; }

    public int Count => rows.Count;

    public int Step(int index) => rows.Step(index);

    public ReadOnlySpan<double> Parameters(int index) => rows.Row(index)[1..];

    /// <summary>Keeps the parameters after update <paramref name="step"/> when the schedule picks it or it is the run's last.</summary>
    public void Observe(int step, ReadOnlySpan<double> parameters, bool final)
    {
        if (sampler.ShouldRecord(step) || final)
        {
            sampler.MakeRoom(this, step);
            rows.Add(step, 0, parameters, []);
        }
    }

    void IThinnableTrace.KeepOnly(Func<int, bool> keep) => rows.KeepOnly(keep);
}

/// <summary>The runner's side of a landscape: the trajectory's points, the computation, and a cancellation or an unfit plane as the reason it is missing.</summary>
internal static class Landscapes
{
    public static (LossLandscape? Landscape, string? Skipped) For(LandscapeRequest request, Networks.NetworkModel model, Trajectory trajectory, double[] final, long seed,
        Func<double[], double> loss, double workPerPass, CancellationToken cancellation)
    {
        var path = Enumerable.Range(0, trajectory.Count).Select(i => (trajectory.Step(i), trajectory.Parameters(i).ToArray())).ToList();
        try
        {
            return (LossLandscapes.Compute(request, model, trajectory.Start, final, path, seed, loss, workPerPass, cancellation), null);
        }
        catch (OperationCanceledException)
        {
            return (null, "landscape not computed: the run was cancelled");
        }
        catch (ArgumentException e)
        {
            return (null, $"landscape not computed: {e.Message}");
        }
    }
}
