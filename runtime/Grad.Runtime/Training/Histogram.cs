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
    public static (double[] Edges, long[] Counts, long NonFinite) Of(ReadOnlySpan<double> values, int bins = Bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long nonFinite = 0;
        foreach (var value in values)
        {
            if (!double.IsFinite(value))
            {
                nonFinite++;
                continue;
            }

            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

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
        var counts = new long[bins];
        var norm = bins / (max - min);
        foreach (var value in values)
        {
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

            counts[index]++;
        }

        return (edges, counts, nonFinite);
    }

    public static LayerHistogram For(int step, int layer, HistogramQuantity quantity, ReadOnlySpan<double> values)
    {
        var (edges, counts, nonFinite) = Of(values);
        return new LayerHistogram(step, layer, quantity, edges, counts) { NonFinite = nonFinite };
    }
}
