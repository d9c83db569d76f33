using System.Collections.Immutable;

namespace Grad.Language.Text;

/// <summary>Binary search over items in source order (sorted by the start of their span): tokens, symbol references.</summary>
internal static class SpanOrder
{
    /// <summary>
    /// How many of <paramref name="items"/> start before <paramref name="offset"/> (with
    /// <paramref name="orAt"/>, at it too): the index of the first that starts at or after it (after it).
    /// </summary>
    public static int CountStartingBefore<T>(ImmutableArray<T> items, Func<T, TextSpan> span, int offset, bool orAt = false)
    {
        var (low, high) = (0, items.Length);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            var start = span(items[middle]).Start;
            if (start < offset || (orAt && start == offset))
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
