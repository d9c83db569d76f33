using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Grad.Runtime.Networks;

namespace Grad.Runtime.Training;

/// <summary>
/// A recorded point's one pass over a layer's weights: the sums of its update ratio
/// (<see cref="HealthRecorder.UpdateRatio"/>) and of its weight-gradient norm
/// (<see cref="Backprop.FrobeniusNorm"/>), and the copy of the weights that the next update's
/// ratio starts from.
/// </summary>
/// <remarks>
/// Each sum is one chain of additions in index order, exactly as those two functions add it
/// alone (the same bits): each addition waits for the one before, so a pass costs a chain's
/// latency, about 4 cycles an element, however little it computes. Three independent chains in
/// one loop cost what one does, and W^(k), W^(k−1) and ∂C/∂W are each read once instead of twice
/// (W3's 669k weights are 5.3 MB an array, read from L3). Writing W^(k) over W^(k−1) in the same
/// loop replaces the runner's copy of the parameters before the next update.
/// </remarks>
internal static class WeightPass
{
    /// <summary>
    /// Σ (after − before)², Σ before² (when <paramref name="ratio"/>; else both 0) and Σ gradient²,
    /// each in index order; <paramref name="before"/> then holds <paramref name="after"/>. The
    /// gradient may be longer than the weights (a norm layer's gain and bias): its chain goes on to its end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Change, double Size, double GradientSquares) Run(ReadOnlySpan<double> after, Span<double> before, ReadOnlySpan<double> gradient, bool ratio)
    {
        if (before.Length != after.Length || gradient.Length < after.Length)
        {
            throw new ArgumentException("before must be as long as after, and the gradient at least as long");
        }

        // References, not spans: three bounds checks an element would be most of what the loop does besides its chains.
        ref readonly var now = ref MemoryMarshal.GetReference(after);
        ref var then = ref MemoryMarshal.GetReference(before);
        ref readonly var component = ref MemoryMarshal.GetReference(gradient);
        double change = 0, size = 0, squares = 0;
        nint i = 0;
        if (ratio)
        {
            for (; i < after.Length; i++)
            {
                var weight = Unsafe.Add(ref Unsafe.AsRef(in now), i);
                var previous = Unsafe.Add(ref then, i);
                var difference = weight - previous;
                change += difference * difference;
                size += previous * previous;
                var g = Unsafe.Add(ref Unsafe.AsRef(in component), i);
                squares += g * g;
                Unsafe.Add(ref then, i) = weight;
            }
        }
        else
        {
            after.CopyTo(before);
        }

        for (; i < gradient.Length; i++)
        {
            var g = Unsafe.Add(ref Unsafe.AsRef(in component), i);
            squares += g * g;
        }

        return (change, size, squares);
    }
}
