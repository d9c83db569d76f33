using Grad.Runtime.Numerics;

namespace Grad.Runtime.Runs;

/// <summary>
/// The sample order of each epoch of a mini-batch run: a fresh Fisher–Yates permutation of
/// 0 … count−1 per epoch, all from one stream <c>new Rng(run seed)</c>. Training and the
/// PyTorch export (which embeds the orders) both read it, so they cannot disagree.
/// </summary>
public sealed class EpochShuffler(long seed)
{
    private readonly Rng rng = new(seed);

    /// <summary>Fills <paramref name="order"/> with the next epoch's permutation.</summary>
    public void Next(Span<int> order)
    {
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        rng.Shuffle(order);
    }

    /// <summary>The orders of the first <paramref name="epochs"/> epochs.</summary>
    public static IReadOnlyList<int[]> Orders(int count, long seed, int epochs)
    {
        var shuffler = new EpochShuffler(seed);
        var orders = new List<int[]>(epochs);
        for (var e = 0; e < epochs; e++)
        {
            var order = new int[count];
            shuffler.Next(order);
            orders.Add(order);
        }

        return orders;
    }
}
