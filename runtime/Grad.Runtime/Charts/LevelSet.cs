namespace Grad.Runtime.Charts;

/// <summary>
/// Contour levels spaced evenly on a log scale above <see cref="Base"/>: level i is
/// Base + Low·r^i. For a cost that is positive over the window Base is 0, so the levels are
/// plain log-spaced values; otherwise Base is the smallest value, so the levels still crowd
/// towards the minimum where the interesting detail (a narrow valley) is.
/// </summary>
public sealed record LevelSet(double Base, IReadOnlyList<double> Levels)
{
    /// <summary>Levels per decade of (value − Base).</summary>
    public const int PerDecade = 4;

    /// <summary>The levels span at most this many decades below the largest value.</summary>
    public const double MaxDecades = 6;

    public const int MinCount = 10;
    public const int MaxCount = 30;

    public static LevelSet Empty { get; } = new(0, []);

    /// <summary>
    /// Levels covering the finite values: the last is the largest value, the first the smallest
    /// (or, when that is at or below Base, the smallest value above it, but at most
    /// <see cref="MaxDecades"/> decades below the top).
    /// </summary>
    public static LevelSet LogSpaced(IEnumerable<double> values)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        var finite = new List<double>();
        foreach (var value in values)
        {
            if (double.IsFinite(value))
            {
                finite.Add(value);
                lo = Math.Min(lo, value);
                hi = Math.Max(hi, value);
            }
        }

        if (finite.Count == 0 || !(hi > lo))
        {
            return Empty;
        }

        var @base = lo > 0 ? 0 : lo;
        var top = hi - @base;
        var smallestAbove = finite.Where(v => v - @base > 0).Min() - @base;
        var low = Math.Max(smallestAbove, top * Math.Pow(10, -MaxDecades));
        if (!(low < top))
        {
            return new LevelSet(@base, [hi]);
        }

        var decades = Math.Log10(top / low);
        var count = Math.Clamp((int)Math.Ceiling(decades * PerDecade) + 1, MinCount, MaxCount);
        var levels = new double[count];
        for (var i = 0; i < count; i++)
        {
            // Exact at both ends: the first level is Base + low, the last is the largest value.
            levels[i] = i == count - 1 ? hi : @base + low * Math.Pow(top / low, (double)i / (count - 1));
        }

        return new LevelSet(@base, levels);
    }
}
