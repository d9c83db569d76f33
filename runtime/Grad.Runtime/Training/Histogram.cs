using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Grad.Runtime.Contracts;

namespace Grad.Runtime.Training;

/// <summary>Histograms as <c>numpy.histogram(values, bins)</c> makes them (docs/training.md).</summary>
public static class Histogram
{
    /// <summary>Bins of every histogram the trace records.</summary>
    public const int Bins = 32;

    /// <summary>
    /// Equal-width bins over [min, max] of the finite values (min ± 0.5 when all are equal, [0, 1]
    /// when there is none), edges as <c>numpy.linspace</c>; a value goes to bin ⌊(v − min)·bins/(max − min)⌋,
    /// corrected against the edges and with the last bin closed, as numpy does.
    /// </summary>
    /// <remarks>
    /// Four values at a time, each into its own lane's minimum, maximum and counts, summed at the
    /// end: the same numbers as one value at a time (the minimum and maximum of a set of finite
    /// numbers do not depend on the order, −0 below +0 either way; counts are whole numbers), but
    /// no chain through one running minimum or one counter (W3's weight histograms: 669k values,
    /// most of them into the middle bins, one after another).
    /// </remarks>
    public static (double[] Edges, long[] Counts, long NonFinite) Of(ReadOnlySpan<double> values, int bins = Bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        const int lanes = 4;
        var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
        long nonFinite = 0;
        var whole = values.Length - values.Length % lanes;
        if (Vector256.IsHardwareAccelerated)
        {
            var (minima, maxima) = (Vector256.Create(double.PositiveInfinity), Vector256.Create(double.NegativeInfinity));
            for (var i = MinMaxFours(values, 0, ref minima, ref maxima); i < whole; i = MinMaxFours(values, i + lanes, ref minima, ref maxima))
            {
                // Four with a NaN or an infinity among them: one at a time (rare).
                OneAtATime(values.Slice(i, lanes), ref min, ref max, ref nonFinite);
            }

            for (var lane = 0; lane < lanes; lane++)
            {
                (min, max) = (Math.Min(min, minima.GetElement(lane)), Math.Max(max, maxima.GetElement(lane)));
            }
        }
        else
        {
            whole = 0;
        }

        OneAtATime(values[whole..], ref min, ref max, ref nonFinite);

        if (min > max)
        {
            (min, max) = (0, 1);
        }
        else if (min == max)
        {
            (min, max) = (min - 0.5, max + 0.5);
        }

        var edges = new double[bins + 1];
        var step = (max - min) / bins;
        for (var i = 0; i < bins; i++)
        {
            edges[i] = min + i * step;
        }

        edges[bins] = max;
        var laneCounts = new long[lanes * bins];
        var norm = bins / (max - min);
        var counted = 0;
        if (Vector256.IsHardwareAccelerated && double.IsFinite(max - min) && double.IsFinite(norm))
        {
            for (counted = CountFours(values, 0, bins, min, step, norm, laneCounts); counted < whole; counted = CountFours(values, counted + lanes, bins, min, step, norm, laneCounts))
            {
                // Four with a NaN or an infinity among them: one at a time.
                for (var lane = 0; lane < lanes; lane++)
                {
                    CountOne(values[counted + lane], edges, min, norm, laneCounts.AsSpan(lane * bins, bins));
                }
            }
        }

        for (var i = counted; i < values.Length; i++)
        {
            CountOne(values[i], edges, min, norm, laneCounts.AsSpan((i % lanes) * bins, bins));
        }

        var counts = new long[bins];
        for (var lane = 0; lane < lanes; lane++)
        {
            for (var bin = 0; bin < bins; bin++)
            {
                counts[bin] += laneCounts[lane * bins + bin];
            }
        }

        return (edges, counts, nonFinite);
    }

    /// <summary>A finite value into its bin's count (<paramref name="counts"/>, one lane's); nothing for any other value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountOne(double value, double[] edges, double min, double norm, Span<long> counts)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        var bins = counts.Length;
        var index = (int)((value - min) * norm);
        index = Math.Clamp(index, 0, bins - 1);
        if (value < edges[index])
        {
            index--;
        }
        else if (index != bins - 1 && value >= edges[index + 1])
        {
            index++;
        }

        counts[index]++;
    }

    /// <summary>
    /// The minima and maxima of four lanes carried on over the whole fours of finite values from
    /// <paramref name="start"/>; returns where it stopped: the first four with a NaN or an infinity,
    /// or the end of the whole fours. Two pairs of vectors, so no chain runs through every four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MinMaxFours(ReadOnlySpan<double> values, int start, ref Vector256<double> minima, ref Vector256<double> maxima)
    {
        const int lanes = 4;
        var whole = values.Length - values.Length % lanes;
        ref var first = ref MemoryMarshal.GetReference(values);
        var (minima0, maxima0, minima1, maxima1) = (minima, maxima, minima, maxima);
        var i = start;
        for (; i < whole; i += lanes)
        {
            var value = Vector256.LoadUnsafe(ref first, (nuint)i);
            // v − v is 0 for a finite v, NaN for a NaN or an infinity.
            if (!Vector256.EqualsAll(value - value, Vector256<double>.Zero))
            {
                break;
            }

            (minima0, maxima0, minima1, maxima1) = (minima1, maxima1, Vector256.Min(minima0, value), Vector256.Max(maxima0, value));
        }

        (minima, maxima) = (Vector256.Min(minima0, minima1), Vector256.Max(maxima0, maxima1));
        return i;
    }

    /// <summary>
    /// <see cref="CountOne"/> over the whole fours of finite values from <paramref name="start"/>,
    /// value i into lane i mod 4; returns where it stopped (as <see cref="MinMaxFours"/>). The bin, its
    /// correction and the edges it is corrected against are computed in vectors with
    /// <see cref="CountOne"/>'s roundings: (v − min)·norm, truncated and clamped, against min + i·step
    /// (the edges as they are made, a multiplication then an addition; the last edge, max, is never
    /// compared). Only for a finite max − min and norm: then every finite value's (v − min)·norm is
    /// finite and between 0 and about bins, where a vector's truncation and the scalar's agree.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountFours(ReadOnlySpan<double> values, int start, int bins, double min, double step, double norm, long[] laneCounts)
    {
        const int lanes = 4;
        var (minimum, scale, width) = (Vector256.Create(min), Vector256.Create(norm), Vector256.Create(step));
        var last = Vector256.Create((long)bins - 1);
        ref var first = ref MemoryMarshal.GetReference(values);
        ref var counts = ref MemoryMarshal.GetArrayDataReference(laneCounts);
        var whole = values.Length - values.Length % lanes;
        var i = start;
        for (; i < whole; i += lanes)
        {
            var value = Vector256.LoadUnsafe(ref first, (nuint)i);
            if (!Vector256.EqualsAll(value - value, Vector256<double>.Zero))
            {
                break;
            }

            var index = Vector256.Min(Vector256.Max(Vector256.ConvertToInt64((value - minimum) * scale), Vector256<long>.Zero), last);
            var low = minimum + Vector256.ConvertToDouble(index) * width;
            var high = minimum + Vector256.ConvertToDouble(index + Vector256<long>.One) * width;
            // A comparison's true is −1: below the bin's low edge, one bin down; at or above its high edge (not the last bin's), one up.
            var bin = index + Vector256.LessThan(value, low).AsInt64() - (Vector256.GreaterThanOrEqual(value, high).AsInt64() & ~Vector256.Equals(index, last));
            Unsafe.Add(ref counts, (int)bin.GetElement(0))++;
            Unsafe.Add(ref counts, bins + (int)bin.GetElement(1))++;
            Unsafe.Add(ref counts, 2 * bins + (int)bin.GetElement(2))++;
            Unsafe.Add(ref counts, 3 * bins + (int)bin.GetElement(3))++;
        }

        return i;
    }

    /// <summary>Each finite value into one lane's minimum and maximum, each other value counted as not finite.</summary>
    private static void OneAtATime(ReadOnlySpan<double> values, ref double min, ref double max, ref long nonFinite)
    {
        foreach (var value in values)
        {
            if (double.IsFinite(value))
            {
                (min, max) = (Math.Min(min, value), Math.Max(max, value));
            }
            else
            {
                nonFinite++;
            }
        }
    }

    public static LayerHistogram For(int step, int layer, HistogramQuantity quantity, ReadOnlySpan<double> values)
    {
        var (edges, counts, nonFinite) = Of(values);
        return new LayerHistogram(step, layer, quantity, edges, counts) { NonFinite = nonFinite };
    }
}
