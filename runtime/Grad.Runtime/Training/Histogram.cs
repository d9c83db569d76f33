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
        var (min0, min1, min2, min3) = (double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        var (max0, max1, max2, max3) = (double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity);
        long nonFinite = 0;
        var whole = values.Length - values.Length % lanes;
        for (var i = 0; i < whole; i += lanes)
        {
            var (value0, value1, value2, value3) = (values[i], values[i + 1], values[i + 2], values[i + 3]);
            if (double.IsFinite(value0) & double.IsFinite(value1) & double.IsFinite(value2) & double.IsFinite(value3))
            {
                (min0, max0) = (Math.Min(min0, value0), Math.Max(max0, value0));
                (min1, max1) = (Math.Min(min1, value1), Math.Max(max1, value1));
                (min2, max2) = (Math.Min(min2, value2), Math.Max(max2, value2));
                (min3, max3) = (Math.Min(min3, value3), Math.Max(max3, value3));
                continue;
            }

            // Four with a NaN or an infinity among them: one at a time (rare).
            OneAtATime(values.Slice(i, lanes), ref min0, ref max0, ref nonFinite);
        }

        OneAtATime(values[whole..], ref min0, ref max0, ref nonFinite);

        var min = Math.Min(Math.Min(min0, min1), Math.Min(min2, min3));
        var max = Math.Max(Math.Max(max0, max1), Math.Max(max2, max3));
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
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (!double.IsFinite(value))
            {
                continue;
            }

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

            laneCounts[(i % lanes) * bins + index]++;
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
