using System.Diagnostics;
using System.Globalization;
using Grad.Runtime.Numerics;

namespace Grad.Benchmarks;

/// <summary>
/// W3's five large products at 1 and 2 threads, call by call (the best single call of many, so that a shared
/// machine's quiet moments count): the whole on one thread, each band alone on one thread, and both bands at once
/// on the <see cref="ThreadTeam"/> (each band packing A for itself, as Backprop's parts do, or with <c>shared</c> one
/// <see cref="Gemm.SharedPacking"/> between them), with each band's own time (best of the calls whose bands started within 20 µs of each other) and when it started and ended in the call. A band that
/// is slower at once than alone does more work (contention, packing twice); a gap between the bands' ends is time
/// one thread waits for the other. With <c>cold</c>, each core writes 8 MB of its own before every call at once, so that
/// the call finds its operands in L3 and its L2 full of modified lines, as a band does in a training step (there the
/// other passes run between two calls of one product), instead of the same operands still in L2 from the call before.
/// </summary>
internal static class GemmBands
{
    /// <summary>Each product as Backprop calls it: name, m, n, k, A's strides, B's strides.</summary>
    internal static readonly (string Name, int M, int N, int K, int ARow, int ACol, int BRow, int BCol)[] W3Products =
    [
        ("forward1", 128, 512, 784, 784, 1, 1, 784), ("forward2", 128, 512, 512, 512, 1, 1, 512),
        ("weights2", 512, 512, 128, 1, 512, 512, 1), ("upstream2", 128, 512, 512, 512, 1, 512, 1), ("weights1", 512, 784, 128, 1, 512, 784, 1),
    ];

    public static void Print(int calls, bool sharing, bool cold)
    {
        // Each core's 8 MB (its L2 is 2 MB), written a line at a time before each call at once when cold.
        var elsewhere = cold ? new[] { new double[1 << 20], new double[1 << 20] } : null;
        var shared = sharing ? new Gemm.SharedPacking() : null;
        var tick = 1e6 / Stopwatch.Frequency;
        var (sumOne, sumTwo) = (0.0, 0.0);
        foreach (var (name, m, n, k, aRow, aCol, bRow, bCol) in W3Products)
        {
            var a = Filled(m * k, 0.5);
            var b = Filled(k * n, 0.25);
            var c = new double[m * n];
            var whole = double.MaxValue;
            var alone = new[] { double.MaxValue, double.MaxValue };
            var pair = double.MaxValue;
            var (start, end) = (new long[2], new long[2]);
            var together = new[] { double.MaxValue, double.MaxValue };
            var lateStart = new List<double>();
            var overlapping = 0;
            var endGap = new List<double>();
            for (var call = 0; call < calls; call++)
            {
                whole = Math.Min(whole, Time(() => Gemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, threads: 1)));
                for (var part = 0; part < 2; part++)
                {
                    var index = part;
                    alone[part] = Math.Min(alone[part], Time(() => Gemm.MultiplyPart(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, 1, false, index, 2)));
                }

                // Three calls back to back, the last two counted: as in a training step, the worker is spinning for its
                // next part (not asleep) when the call begins.
                for (var repeat = 0; repeat < 3; repeat++)
                {
                    if (elsewhere is not null)
                    {
                        ThreadTeam.Run(2, part =>
                        {
                            var lines = elsewhere[part];
                            for (var i = 0; i < lines.Length; i += 8)
                            {
                                lines[i] += 1;
                            }
                        });
                    }

                    var began = Stopwatch.GetTimestamp();
                    shared?.Begin(m, n, k);
                    ThreadTeam.Run(2, part =>
                    {
                        start[part] = Stopwatch.GetTimestamp();
                        Gemm.MultiplyPart(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, 1, false, part, 2, shared);
                        end[part] = Stopwatch.GetTimestamp();
                    });
                    var ended = Stopwatch.GetTimestamp();
                    if (repeat == 0)
                    {
                        continue;
                    }

                    pair = Math.Min(pair, (ended - began) * tick);
                    if (Math.Abs(start[1] - start[0]) * tick > 20)
                    {
                        // Not at once: the worker had not started when the caller took its part over (another process had its core).
                        continue;
                    }

                    overlapping++;
                    for (var part = 0; part < 2; part++)
                    {
                        together[part] = Math.Min(together[part], (end[part] - start[part]) * tick);
                    }

                    lateStart.Add((start[1] - start[0]) * tick);
                    endGap.Add((end[1] - end[0]) * tick);
                }
            }

            sumOne += whole;
            sumTwo += pair;
            if (overlapping == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-10} 1 thread {whole,7:F1} µs | 2 threads {pair,7:F1} µs | bands alone {alone[0],6:F1} + {alone[1],6:F1} | never at once (another process had a core)"));
                continue;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-10} 1 thread {whole,7:F1} µs | 2 threads {pair,7:F1} µs ratio {whole / pair:F2} | bands alone {alone[0],6:F1} + {alone[1],6:F1} = {alone[0] + alone[1],7:F1} | at once {together[0],6:F1}, {together[1],6:F1} (+{together[0] / alone[0] - 1,4:P0}, +{together[1] / alone[1] - 1,4:P0}) | {overlapping} calls at once: band 1 starts {Median(lateStart),5:F1} µs late, ends {Median(endGap),6:F1} µs after band 0 (medians)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all five 1 thread {sumOne:F1} µs, 2 threads {sumTwo:F1} µs, ratio {sumOne / sumTwo:F2}"));
    }

    private static double Time(Action action)
    {
        var began = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(began).TotalMicroseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }

    private static double[] Filled(int length, double value)
    {
        var values = new double[length];
        Array.Fill(values, value);
        return values;
    }
}
