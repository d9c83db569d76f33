using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Grad.Runtime.Numerics;

/// <summary>
/// Runs the parts of one piece of work at once: part 0 on the calling thread, the others on
/// dedicated worker threads that live as long as the process. A worker that has finished its part
/// spins for <see cref="SpinTime"/> waiting for the next one (a training step hands over work a
/// few times per layer, and waking a sleeping thread costs tens of microseconds), then sleeps, so
/// an idle team costs nothing. Parts are numbered, never stolen: which thread computes a part does
/// not change how it is computed, so callers that give every output element to one part get the
/// same bits for any number of parts. While the team serves one caller, any other call (another
/// run in the same process, or a part that asks for parts of its own) runs its parts on its own
/// thread, one after another: the same bits again, and never a deadlock.
/// </summary>
public static class ThreadTeam
{
    /// <summary>How long a worker spins for the next part, and the caller for the workers' parts, before sleeping.</summary>
    internal static readonly long SpinTime = Stopwatch.Frequency / 5_000;

    private static readonly object Growing = new();
    private static Worker[] workers = [];
    private static int busy;

    /// <summary>
    /// <paramref name="body"/>(0) … <paramref name="body"/>(<paramref name="parts"/> − 1), at
    /// once when the team is free, else in order on this thread; returns when all are done. An
    /// exception of any part is rethrown here after every part has finished.
    /// </summary>
    public static void Run(int parts, Action<int> body)
    {
        if (parts <= 1 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (var part = 0; part < parts; part++)
            {
                body(part);
            }

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
                failure ??= team[part - 1].Join();
            }

            failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>At least <paramref name="count"/> workers, started the first time they are needed.</summary>
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

    /// <summary>Spins until <paramref name="done"/> is true or <see cref="SpinTime"/> has passed; true when it is done.</summary>
    private static bool SpinUntil<TState>(TState state, Func<TState, bool> done)
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTime;
        while (!done(state))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            Thread.SpinWait(20);
        }

        return true;
    }

    /// <summary>
    /// One worker thread and its mailbox: the caller posts a part (generation <see cref="posted"/>),
    /// the worker runs it and sets <see cref="completed"/> to that generation. Both sides spin on
    /// the counters first and then wait on <see cref="gate"/>; every change is followed by a pulse
    /// under the gate, so a sleeper never misses one.
    /// </summary>
    private sealed class Worker
    {
        private readonly object gate = new();
        private Action<int>? body;
        private int part;
        private int posted;
        private int completed;
        private ExceptionDispatchInfo? failure;

        public Worker(int number)
        {
            new Thread(Serve) { IsBackground = true, Name = $"Grad worker {number}" }.Start();
        }

        public void Post(Action<int> work, int index)
        {
            body = work;
            part = index;
            failure = null;
            Volatile.Write(ref posted, posted + 1);
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>Waits for the posted part; returns its exception, if it threw.</summary>
        public ExceptionDispatchInfo? Join()
        {
            if (!SpinUntil(this, worker => Volatile.Read(ref worker.completed) == worker.posted))
            {
                lock (gate)
                {
                    while (Volatile.Read(ref completed) != posted)
                    {
                        Monitor.Wait(gate);
                    }
                }
            }

            body = null;
            return failure;
        }

        private void Serve()
        {
            var seen = 0;
            while (true)
            {
                if (!SpinUntil((this, seen), state => Volatile.Read(ref state.Item1.posted) != state.seen))
                {
                    lock (gate)
                    {
                        while (Volatile.Read(ref posted) == seen)
                        {
                            Monitor.Wait(gate);
                        }
                    }
                }

                seen = Volatile.Read(ref posted);
                try
                {
                    body!(part);
                }
                catch (Exception exception)
                {
                    failure = ExceptionDispatchInfo.Capture(exception);
                }

                Volatile.Write(ref completed, seen);
                lock (gate)
                {
                    Monitor.PulseAll(gate);
                }
            }
        }
    }
}
