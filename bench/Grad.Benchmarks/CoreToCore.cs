using System.Diagnostics;

namespace Grad.Benchmarks;

/// <summary>
/// How long a cache line written by one core takes to reach the other: two threads hand a counter back and forth
/// through one line, each waiting for the other's write before it writes. What W3's two-thread step pays for every
/// line one core wrote and the other reads (a band's input, a shared accumulator): on a machine whose cores share an
/// L3 cache it is tens of nanoseconds, across chiplets or sockets a few hundred. The development VM's two cores read
/// 0.20–0.29 µs for most of 2026-12-01 and 47 ns for a few minutes of it (docs/runtime.md): the host moves a VM's
/// vCPUs, so bench/compare.sh reads it before each of W3's rounds.
/// </summary>
internal static class CoreToCore
{
    /// <summary>The best of <paramref name="rounds"/> rounds of <paramref name="trips"/> round trips: nanoseconds one way.</summary>
    public static double OneWayNanoseconds(int trips = 100_000, int rounds = 5)
    {
        // The counter alone on its line: 64 bytes of longs either side of it.
        var line = new long[24];
        const int Counter = 12;
        var best = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            Volatile.Write(ref line[Counter], 0);
            var other = new Thread(() =>
            {
                for (long i = 0; i < trips; i++)
                {
                    while (Volatile.Read(ref line[Counter]) != 2 * i + 1)
                    {
                    }

                    Volatile.Write(ref line[Counter], 2 * i + 2);
                }
            }) { IsBackground = true };
            other.Start();
            var watch = Stopwatch.StartNew();
            for (long i = 0; i < trips; i++)
            {
                Volatile.Write(ref line[Counter], 2 * i + 1);
                while (Volatile.Read(ref line[Counter]) != 2 * i + 2)
                {
                }
            }

            watch.Stop();
            other.Join();
            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / (2.0 * trips));
        }

        return best;
    }
}
