using System.Collections.Concurrent;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// Threads of the server's own for work that may block or run long (a data file that never ends,
/// a large analysis): never the thread pool, so such work cannot starve the requests, and a task
/// never waits for another: an idle thread takes it, or a new thread starts. A thread that finished
/// its task waits a while for the next one rather than ending, because starting a thread costs
/// about 0.1 ms, a tenth of a hover's budget.
/// </summary>
internal sealed class DedicatedThreads : TaskScheduler
{
    private readonly ConcurrentStack<Worker> idle = new();
    private readonly TimeSpan keepIdle;

    /// <param name="keepIdle">How long a thread waits for its next task before it ends.</param>
    internal DedicatedThreads(TimeSpan keepIdle)
    {
        this.keepIdle = keepIdle;
    }

    public static DedicatedThreads Instance { get; } = new(TimeSpan.FromSeconds(30));

    /// <summary>Threads started so far.</summary>
    public int Started => Volatile.Read(ref started);

    /// <summary>Threads waiting for a task (some may have just ended).</summary>
    public int Waiting => idle.Count;

    private int started;

    protected override void QueueTask(Task task)
    {
        while (idle.TryPop(out var worker))
        {
            if (worker.TryAssign(task))
            {
                return;
            }
        }

        Interlocked.Increment(ref started);
        new Worker(this).Start(task);
    }

    /// <summary>Never on the caller's thread: the caller may be a request's.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => [];

    private sealed class Worker(DedicatedThreads owner)
    {
        private const int Busy = 0, Idle = 1, Retired = 2;
        private readonly SemaphoreSlim assigned = new(0);
        private Task? next;
        private int state = Busy;

        public void Start(Task first)
        {
            next = first;
            new Thread(Run) { IsBackground = true, Name = "Grad dedicated" }.Start();
        }

        /// <summary>False when the thread has just ended for being idle too long.</summary>
        public bool TryAssign(Task task)
        {
            if (Interlocked.CompareExchange(ref state, Busy, Idle) != Idle)
            {
                return false;
            }

            next = task;
            assigned.Release();
            return true;
        }

        private void Run()
        {
            while (true)
            {
                var task = Interlocked.Exchange(ref next, null)!;
                owner.TryExecuteTask(task);
                Volatile.Write(ref state, Idle);
                owner.idle.Push(this);
                while (!assigned.Wait(owner.keepIdle))
                {
                    if (Interlocked.CompareExchange(ref state, Retired, Idle) == Idle)
                    {
                        assigned.Dispose();
                        return;
                    }

                    // Taken at the moment it timed out: the task is on its way.
                }
            }
        }
    }
}
