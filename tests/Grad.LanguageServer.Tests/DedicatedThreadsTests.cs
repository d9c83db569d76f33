using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;

namespace Grad.LanguageServer.Tests;

/// <summary>The server's own threads: never the thread pool, never waiting for another task, reused while idle.</summary>
public class DedicatedThreadsTests
{
    [Fact]
    public async Task Work_runs_off_the_thread_pool_and_a_blocked_task_does_not_hold_up_the_next()
    {
        var threads = new DedicatedThreads(TimeSpan.FromSeconds(30));
        using var gate = new ManualResetEventSlim();
        var blocked = Run(threads, () => gate.Wait(TestServer.Timeout) ? Thread.CurrentThread.IsThreadPoolThread : throw new TimeoutException());

        var next = await Run(threads, () => Thread.CurrentThread.IsThreadPoolThread).WaitAsync(TestServer.Timeout);

        Assert.False(next);
        Assert.False(blocked.IsCompleted);
        gate.Set();
        Assert.False(await blocked.WaitAsync(TestServer.Timeout));
        Assert.Equal(2, threads.Started);
    }

    [Fact]
    public async Task An_idle_thread_takes_the_next_task_and_ends_after_waiting_too_long()
    {
        var threads = new DedicatedThreads(TimeSpan.FromMilliseconds(200));
        var first = await Run(threads, () => Environment.CurrentManagedThreadId).WaitAsync(TestServer.Timeout);
        await Wait.UntilAsync(() => threads.Waiting == 1);

        var second = await Run(threads, () => Environment.CurrentManagedThreadId).WaitAsync(TestServer.Timeout);

        Assert.Equal(first, second);
        Assert.Equal(1, threads.Started);
        await Task.Delay(TimeSpan.FromSeconds(1));
        _ = await Run(threads, () => Environment.CurrentManagedThreadId).WaitAsync(TestServer.Timeout);
        Assert.Equal(2, threads.Started);
    }

    [Fact]
    public async Task Inside_the_work_the_current_scheduler_is_the_default_one() =>
        Assert.Same(TaskScheduler.Default, await AnalysisLimits.OnOwnThread(() => TaskScheduler.Current).WaitAsync(TestServer.Timeout));

    private static Task<T> Run<T>(DedicatedThreads threads, Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.HideScheduler, threads);
}
