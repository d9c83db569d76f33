using Grad.Language.Semantics;
using Grad.Runtime.Contracts;

namespace Grad.Runtime.Runs;

/// <summary>
/// Runs a sweep's members (v2) in parallel on the local cores. Each member runs alone: on one
/// thread of its own, loading its own data, with matrix products on one thread, so its result is
/// bit-identical to running it by itself whatever the number of jobs. Results come back in member
/// order, each as soon as it and every member before it have finished.
/// </summary>
public static class SweepRunner
{
    /// <param name="members">The runs to execute (a sweep's <see cref="BoundSweep.Members"/>, or several sweeps' in order).</param>
    /// <param name="jobs">How many members run at once (at least 1).</param>
    /// <param name="options">Cancellation and budgets for every member; its <see cref="RunOptions.LoadData"/> and <see cref="RunOptions.Threads"/> are not used.</param>
    /// <param name="finished">Called on the calling thread in member order with each result (which carries the member's <see cref="RunResult.Member"/>);
    /// an exception a member threw is passed instead, so that one failing member does not hide the others.</param>
    public static void Execute(IReadOnlyList<BoundRun> members, int jobs, RunOptions options, Action<BoundRun, RunResult?, Exception?> finished)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var memberOptions = options with { Threads = 1, LoadData = null, Progress = null };
        var outcomes = members.Select(_ => new TaskCompletionSource<RunResult?>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var next = -1;
        void Work()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < members.Count)
            {
                if (options.Cancellation.IsCancellationRequested)
                {
                    outcomes[index].SetResult(null);
                    continue;
                }

                try
                {
                    var run = members[index];
                    outcomes[index].SetResult(Runner.Execute(run, memberOptions) with { Member = run.Member });
                }
                catch (Exception e)
                {
                    outcomes[index].SetException(e);
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(jobs, members.Count))
            .Select(i => new Thread(Work) { IsBackground = true, Name = $"sweep member {i + 1}" })
            .ToList();
        workers.ForEach(w => w.Start());
        try
        {
            for (var i = 0; i < members.Count; i++)
            {
                RunResult? result = null;
                Exception? failure = null;
                try
                {
                    result = outcomes[i].Task.GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failure = e;
                }
                catch (OperationCanceledException)
                {
                    // a member stopped by cancellation counts as not run
                }

                if (result is not null || failure is not null)
                {
                    finished(members[i], result, failure);
                }
            }
        }
        finally
        {
            workers.ForEach(w => w.Join());
        }
    }
}
