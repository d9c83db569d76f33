using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Data;

namespace Grad.Runtime.Runs;

/// <summary>
/// The one run driver of <c>grad run</c>, <c>grad inspect</c> and the language server: it runs one
/// run or a whole file (its runs in order, then its sweeps' members in parallel) under one set of
/// <see cref="RunOptions"/> (budgets, threads, trace cap, progress interval), with one
/// <see cref="DataCache"/> for every run and analysis it serves, a cancellation token per call, and
/// progress reports (<see cref="RunProgress"/>, through an <see cref="IProgress{T}"/>) while runs go.
/// The numbers are <see cref="Runner"/>'s: the driver decides only which runs run, with what, in which order.
/// </summary>
public sealed class RunDriver
{
    /// <param name="options">Budgets, threads, trace cap and progress interval for every run; its
    /// <see cref="RunOptions.Cancellation"/>, <see cref="RunOptions.Progress"/> and <see cref="RunOptions.LoadData"/> are replaced by each call's.</param>
    /// <param name="jobs">How many sweep members run at once (each alone on its thread, so any count gives the same bits).</param>
    /// <param name="data">The data cache to share (by default a new one, which loads with <see cref="DataLoader.Load"/>).</param>
    public RunDriver(RunOptions? options = null, int jobs = 1, DataCache? data = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        Options = options ?? RunOptions.Default;
        Jobs = jobs;
        Data = data ?? new DataCache();
    }

    public RunOptions Options { get; }

    public int Jobs { get; }

    /// <summary>The data every run of this driver reads; give its <see cref="DataCache.Load"/> to the analysis so that it reads the same.</summary>
    public DataCache Data { get; }

    /// <summary>One run, reporting its progress to <paramref name="progress"/> on this thread.</summary>
    public RunResult Run(BoundRun run, CancellationToken cancellation = default, IProgress<RunProgress>? progress = null)
    {
        var result = Runner.Execute(run, Options with { Cancellation = cancellation, Progress = progress, LoadData = Data.Load });
        return run.Member is { } member ? result with { Member = member } : result;
    }

    /// <summary>
    /// Every run of a file in order, then every member of its sweeps (<see cref="Jobs"/> at a time,
    /// without progress reports). Each result passes through <paramref name="finished"/> on the calling
    /// thread, in that order, as soon as it and those before it are there; what it returns (the result
    /// judged, say) is what the list holds. A run that throws goes to <paramref name="failed"/> instead,
    /// so that one bug does not hide the other runs (without it, the exception propagates). Once
    /// <paramref name="cancellation"/> is set no run starts; the current one stops as <see cref="StopReason.Cancelled"/>.
    /// </summary>
    public List<RunResult> RunFile(
        BoundProgram program,
        CancellationToken cancellation = default,
        IProgress<RunProgress>? progress = null,
        Func<BoundRun, RunResult, RunResult>? finished = null,
        Action<BoundRun, Exception>? failed = null)
    {
        var results = new List<RunResult>();
        void Finished(BoundRun run, RunResult result) => results.Add(finished is null ? result : finished(run, result));
        foreach (var run in program.Runs)
        {
            if (cancellation.IsCancellationRequested)
            {
                return results;
            }

            RunResult result;
            try
            {
                result = Run(run, cancellation, progress);
            }
            catch (Exception e) when (failed is not null && e is not OperationCanceledException)
            {
                failed(run, e);
                continue;
            }

            Finished(run, result);
        }

        if (!cancellation.IsCancellationRequested)
        {
            RunMembers([.. program.Sweeps.SelectMany(s => s.Members)], cancellation, Finished, failed);
        }

        return results;
    }

    /// <summary>
    /// Runs sweep members <see cref="Jobs"/> at a time. Each member runs alone: on a thread of its
    /// own, with matrix products on one thread, so its result is bit-identical to running it by itself
    /// whatever the number of jobs. Results come back on the calling thread in member order, each as
    /// soon as it and every member before it have finished.
    /// </summary>
    private void RunMembers(IReadOnlyList<BoundRun> members, CancellationToken cancellation, Action<BoundRun, RunResult> finished, Action<BoundRun, Exception>? failed)
    {
        if (members.Count == 0)
        {
            return;
        }

        var memberOptions = Options with { Threads = 1, Cancellation = cancellation, Progress = null, LoadData = Data.Load };
        var outcomes = members.Select(_ => new TaskCompletionSource<RunResult?>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var next = -1;
        void Work()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < members.Count)
            {
                if (cancellation.IsCancellationRequested)
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

        var workers = Enumerable.Range(0, Math.Min(Jobs, members.Count))
            .Select(i => new Thread(Work) { IsBackground = true, Name = $"sweep member {i + 1}" })
            .ToList();
        workers.ForEach(w => w.Start());
        try
        {
            for (var i = 0; i < members.Count; i++)
            {
                RunResult? result;
                try
                {
                    result = outcomes[i].Task.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    continue; // a member stopped by cancellation counts as not run
                }
                catch (Exception e) when (failed is not null)
                {
                    failed(members[i], e);
                    continue;
                }

                if (result is not null)
                {
                    finished(members[i], result);
                }
            }
        }
        finally
        {
            workers.ForEach(w => w.Join());
        }
    }
}
