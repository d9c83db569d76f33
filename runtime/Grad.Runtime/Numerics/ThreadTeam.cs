using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Grad.Runtime.Numerics;

/// <summary>
/// Runs the parts of one piece of work at once: part 0 on the calling thread, the others on
/// dedicated worker threads that live as long as the process. A worker that has finished its part
/// spins for <see cref="SpinTime"/> (2 ms) waiting for the next one (a training step hands over
/// work a few times per layer, with a little work on one thread between, and waking a sleeping
/// thread costs tens of microseconds), then sleeps, so an idle team costs nothing. A part its
/// worker has not started when the caller's own part is done (the worker is asleep, or another
/// process has its core) is run by the caller instead. While a caller keeps the team
/// <see cref="Active"/> (a training run on several threads, between and inside its steps), they spin
/// far longer (<see cref="ActiveSpinTime"/>): the serial pieces between two hand-overs (the loss, the runner's bookkeeping, a
/// recorded point) can outlast the spin, and a sleeping worker costs the caller a wake-up through
/// the runtime's monitor at the next part. Parts are numbered and each is run whole
/// by one thread: which thread computes a part does not change how it is computed, so callers
/// that give every output element to one part get the same bits for any number of parts. While the team serves one caller, any other call (another
/// run in the same process, or a part that asks for parts of its own) runs its parts on its own
/// thread, one after another: the same bits again, and never a deadlock.
/// </summary>
public static class ThreadTeam
{
    /// <summary>How long a worker spins for the next part, and the caller for the workers' parts, before sleeping.</summary>
    internal static readonly long SpinTime = Stopwatch.Frequency / 500;

    /// <summary>
    /// How long they spin while the team is <see cref="Active"/> (200 ms, the default block time of
    /// Intel's OpenMP runtime under PyTorch): far longer than any serial piece between two hand-overs
    /// of a run, yet a run that stops handing work over (a network whose steps are too small to share,
    /// with an occasional shared recorded point) does not keep a core busy for nothing.
    /// </summary>
    internal static readonly long ActiveSpinTime = Stopwatch.Frequency / 5;

    private static readonly object Growing = new();
    private static Worker[] workers = [];
    private static int busy;

    /// <summary>How many callers keep the team <see cref="Active"/>: while any does, the spin lasts <see cref="ActiveSpinTime"/>.</summary>
    private static int active;

    /// <summary>
    /// Until the returned scope is disposed, the workers (and a caller waiting for a part) spin for
    /// up to <see cref="ActiveSpinTime"/> before they sleep, not <see cref="SpinTime"/>; then they
    /// sleep after <see cref="SpinTime"/> again. For a caller that hands work over again and again with
    /// serial pieces between (a training run's steps). A spinning thread still yields its core now and
    /// then to any other thread that is ready to run.
    /// </summary>
    public static Activity Active()
    {
        Interlocked.Increment(ref active);
        return new Activity(kept: true);
    }

    /// <summary>Whether any caller keeps the team <see cref="Active"/>.</summary>
    internal static bool IsActive => Volatile.Read(ref active) != 0;

    /// <summary>How many of the team's workers are awake (spinning or running a part, not waiting on their gate), for tests.</summary>
    internal static int AwakeWorkers => Volatile.Read(ref workers).Count(worker => !worker.IsAsleep);

    /// <summary>A caller's hold on the team's activity (<see cref="Active"/>); the default holds nothing.</summary>
    public readonly struct Activity(bool kept) : IDisposable
    {
        public void Dispose()
        {
            if (kept)
            {
                Interlocked.Decrement(ref active);
            }
        }
    }

    /// <summary>
    /// <paramref name="body"/>(0) … <paramref name="body"/>(<paramref name="parts"/> − 1), at
    /// once when the team is free, else in order on this thread; returns when all are done. An
    /// exception of any part is rethrown here after every part has finished.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int parts, Action<int> body)
    {
        if (parts <= 1 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            RunInOrder(parts, body);
            return;
        }

        try
        {
            var team = Workers(parts - 1);
            for (var part = 1; part < parts; part++)
            {
                team[part - 1].Post(body, part);
            }

            ExceptionDispatchInfo? failure = null;
            try
            {
                body(0);
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }

            for (var part = 1; part < parts; part++)
            {
                var partFailure = team[part - 1].Join();
                failure ??= partFailure;
            }

            failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Every part on this thread, in order; the first exception is rethrown after the last part, as when the parts run at once.</summary>
    private static void RunInOrder(int parts, Action<int> body)
    {
        ExceptionDispatchInfo? failure = null;
        for (var part = 0; part < parts; part++)
        {
            try
            {
                body(part);
            }
            catch (Exception exception)
            {
                failure ??= ExceptionDispatchInfo.Capture(exception);
            }
        }

        failure?.Throw();
    }

    /// <summary>Independent items whose costs add up to less than this run on one thread.</summary>
    internal const long ParallelItemsCost = 1 << 15;

    /// <summary>
    /// <paramref name="body"/>(0) … <paramref name="body"/>(<paramref name="count"/> − 1) for
    /// independent items, such as one layer's norm each, on up to <paramref name="threads"/>
    /// threads: the items are dealt out by <paramref name="cost"/>, largest first, each to the
    /// part with the least so far. An item is never split, so a reduction inside one keeps its
    /// summation order and its bits for any thread count.
    /// </summary>
    public static void ForEach(int count, int threads, Func<int, long> cost, Action<int> body)
    {
        if (threads <= 1)
        {
            // Nothing to deal out: no cost array (a recorded point of a deep chain runs this twice).
            for (var item = 0; item < count; item++)
            {
                body(item);
            }

            return;
        }

        var costs = new long[count];
        var total = 0L;
        for (var item = 0; item < count; item++)
        {
            costs[item] = cost(item);
            total += costs[item];
        }

        var parts = Math.Min(threads, count);
        if (parts <= 1 || total < ParallelItemsCost)
        {
            for (var item = 0; item < count; item++)
            {
                body(item);
            }

            return;
        }

        // Largest first (equal costs in item order), each to the part with the least so far.
        var owner = new int[count];
        var load = new long[parts];
        var byCost = new int[count];
        for (var item = 0; item < count; item++)
        {
            var place = item;
            for (; place > 0 && costs[byCost[place - 1]] < costs[item]; place--)
            {
                byCost[place] = byCost[place - 1];
            }

            byCost[place] = item;
        }

        foreach (var item in byCost)
        {
            var least = 0;
            for (var part = 1; part < parts; part++)
            {
                least = load[part] < load[least] ? part : least;
            }

            owner[item] = least;
            load[least] += costs[item];
        }

        Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
        {
            for (var item = 0; item < count; item++)
            {
                if (owner[item] == part)
                {
                    body(item);
                }
            }
        });
    }

    /// <summary>At least <paramref name="count"/> workers, started the first time they are needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Worker[] Workers(int count)
    {
        var current = Volatile.Read(ref workers);
        if (current.Length >= count)
        {
            return current;
        }

        lock (Growing)
        {
            if (workers.Length < count)
            {
                var grown = new Worker[count];
                workers.CopyTo(grown, 0);
                for (var i = workers.Length; i < count; i++)
                {
                    grown[i] = new Worker(i + 1);
                }

                Volatile.Write(ref workers, grown);
            }

            return workers;
        }
    }

    /// <summary>
    /// Spins while <paramref name="field"/> holds <paramref name="value"/>, for at most
    /// <see cref="SpinTime"/> (<see cref="ActiveSpinTime"/> while the team is <see cref="Active"/>); true when it changed. It yields
    /// now and then, so a spinning thread gives its core to any other thread that is ready to run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool SpinWhile(ref int field, int value)
    {
        var started = Stopwatch.GetTimestamp();
        for (var round = 1; Volatile.Read(ref field) == value; round++)
        {
            var spun = Stopwatch.GetTimestamp() - started;
            if (spun > SpinTime && (spun > ActiveSpinTime || !IsActive))
            {
                return false;
            }

            if (round % 64 == 0)
            {
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(20);
            }
        }

        return true;
    }

    /// <summary>
    /// One worker thread and its mailbox: the caller posts a part (generation <see cref="posted"/>),
    /// whoever first moves <see cref="claimed"/> to that generation (the worker, or the caller once
    /// its own part is done) runs it and sets <see cref="completed"/> to it. Both sides spin on
    /// the counters first; one that goes to sleep says so in <see cref="sleeping"/> (the caller) or
    /// <see cref="workerSleeping"/> and waits on <see cref="gate"/>, and the other side, after
    /// writing its counter, pulses the gate only then. A full fence between each side's write and
    /// its read of the other's flag means at least one of them sees the other, so no wake-up is lost.
    /// </summary>
    private sealed class Worker
    {
        private readonly object gate = new();
        private Action<int>? body;
        private int part;
        private int posted;
        private int completed;
        private int claimed;
        private int sleeping;
        private int workerSleeping;
        private ExceptionDispatchInfo? failure;

        /// <summary>Whether the worker waits on its gate for the next part.</summary>
        public bool IsAsleep => Volatile.Read(ref workerSleeping) != 0;

        public Worker(int number)
        {
            new Thread(Serve) { IsBackground = true, Name = $"Grad worker {number}" }.Start();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Post(Action<int> work, int index)
        {
            body = work;
            part = index;
            failure = null;
            Volatile.Write(ref posted, posted + 1);
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref workerSleeping) != 0)
            {
                lock (gate)
                {
                    Monitor.PulseAll(gate);
                }
            }
        }

        /// <summary>
        /// The posted part, done: run here when the worker has not taken it yet (it was asleep or
        /// had no core: on a busy machine the caller never waits for a part nobody runs), else
        /// waited for. Returns its exception, if it threw.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ExceptionDispatchInfo? Join()
        {
            var target = posted;
            if (Interlocked.CompareExchange(ref claimed, target, target - 1) == target - 1)
            {
                ExceptionDispatchInfo? own = null;
                try
                {
                    body!(part);
                }
                catch (Exception exception)
                {
                    own = ExceptionDispatchInfo.Capture(exception);
                }

                Volatile.Write(ref completed, target);
                body = null;
                return own;
            }

            // Parts complete in the order they are posted: until this one is done, completed is the one before.
            if (!SpinWhile(ref completed, target - 1))
            {
                lock (gate)
                {
                    Volatile.Write(ref sleeping, 1);
                    Interlocked.MemoryBarrier();
                    while (Volatile.Read(ref completed) != target)
                    {
                        Monitor.Wait(gate);
                    }

                    Volatile.Write(ref sleeping, 0);
                }
            }

            body = null;
            return failure;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Serve()
        {
            var seen = 0;
            while (true)
            {
                if (!SpinWhile(ref posted, seen))
                {
                    lock (gate)
                    {
                        Volatile.Write(ref workerSleeping, 1);
                        Interlocked.MemoryBarrier();
                        while (Volatile.Read(ref posted) == seen)
                        {
                            Monitor.Wait(gate);
                        }

                        Volatile.Write(ref workerSleeping, 0);
                    }
                }

                seen = Volatile.Read(ref posted);
                if (Interlocked.CompareExchange(ref claimed, seen, seen - 1) != seen - 1)
                {
                    // The caller ran this part itself.
                    continue;
                }

                try
                {
                    body!(part);
                }
                catch (Exception exception)
                {
                    failure = ExceptionDispatchInfo.Capture(exception);
                }

                Volatile.Write(ref completed, seen);
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref sleeping) != 0)
                {
                    lock (gate)
                    {
                        Monitor.PulseAll(gate);
                    }
                }
            }
        }
    }
}
