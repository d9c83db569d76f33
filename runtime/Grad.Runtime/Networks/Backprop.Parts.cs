using System.Runtime.CompilerServices;
using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Networks;

/// <summary>
/// A large dense layer's forward and backward steps on several threads (<see cref="ThreadTeam"/>):
/// each part computes its band of each product (<see cref="Gemm.Band"/>) and then the element-wise
/// work on that same band while it is in its core's cache (bias and activation after Z = X·Wᵀ,
/// g'(z) after Δ·W), and an even share of the bias gradient's columns. Every element is computed
/// by one part with the operations and order of the one-thread path, so the bits are the same for
/// any thread count; one hand-over per layer and pass instead of one per product. Each part packs the
/// operand that every band reads whole (X, Δᵀ, Δ) for itself rather than sharing one packing of it
/// (<see cref="Gemm.SharedPacking"/>): the development machine's two cores share no cache, and reading the
/// half the other core packed cost more than packing it again (W3's five products at two threads 2.25–2.29 →
/// 2.03–2.04 ms, <c>quick bands</c>; docs/runtime.md).
/// </summary>
public sealed unsafe partial class Backprop
{
    /// <summary>Forward step of layer <paramref name="l"/> in parts, when it is large enough to share; false to take the one-thread path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryForwardInParts(int l, ReadOnlySpan<double> parameters)
    {
        var shape = Model.Layers[l];
        var (batch, units, fanIn) = (BatchSize, shape.Units, shape.InputUnits);
        if (!ForwardsInParts(shape, batch))
        {
            return false;
        }

        var parts = Gemm.Parts(batch, units, fanIn, Threads);
        if (parts <= 1)
        {
            return false;
        }

        fixed (double* parameterBase = parameters)
        {
            ForwardInParts(l, batch, parameterBase, parameters.Length, parts);
        }

        return true;
    }

    /// <summary>Whether a layer's forward step on a batch of <paramref name="batch"/> is taken in parts when its product is large enough (<see cref="TryForwardInParts"/>).</summary>
    private bool ForwardsInParts(LayerShape shape, int batch) =>
        Threads > 1 && cures is null && shape.Activation.Kind != ActivationKind.Softmax && !(UseSmallKernels && SmallDense.Fits(batch, shape.Units, shape.InputUnits));

    /// <summary>The forward parts on the team (a method of its own: its closure is allocated only when a layer is shared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardInParts(int l, int batch, double* parameters, int parameterCount, int parts)
    {
        var x = l == 0 ? input : activations[l - 1];
        var address = (nint)parameters;
        ThreadTeam.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) => ForwardPart(l, batch, x, new ReadOnlySpan<double>((double*)address, parameterCount), part, parts));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardPart(int l, int batch, double[] x, ReadOnlySpan<double> parameters, int part, int parts)
    {
        var shape = Model.Layers[l];
        var (units, fanIn) = (shape.Units, shape.InputUnits);
        var z = preActivations[l].AsSpan(0, batch * units);
        var a = activations[l].AsSpan(0, batch * units);
        var relu = shape.Activation.Kind == ActivationKind.Relu;
        Gemm.MultiplyPart(
            batch, units, fanIn, x.AsSpan(0, batch * fanIn), fanIn, 1, parameters.Slice(shape.WeightOffset, shape.WeightCount), 1, fanIn, z, units, 1, false, part, parts, null,
            parameters.Slice(shape.BiasOffset, units), relu ? a : default);
        if (relu)
        {
            return;
        }

        var band = Gemm.Band(batch, units, fanIn, part, parts);
        var width = band.ColumnEnd - band.ColumnStart;
        for (var i = band.RowStart; i < band.RowEnd; i++)
        {
            Activations.Forward(shape.Activation, z.Slice(i * units + band.ColumnStart, width), a.Slice(i * units + band.ColumnStart, width));
        }
    }

    /// <summary>
    /// Backward step of layer <paramref name="l"/> in parts (∂C/∂W^l, ∂C/∂b^l and, below the first
    /// layer, δ^(l−1)), when it is large enough to share; false to take the one-thread path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryBackwardInParts(int l, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        var shape = Model.Layers[l];
        var (batch, units, fanIn) = (BatchSize, shape.Units, shape.InputUnits);
        if (Threads <= 1 || cures is not null || (UseSmallKernels && SmallDense.Fits(batch, units, fanIn))
            || (l > 0 && Model.Layers[l - 1].Activation.Kind == ActivationKind.Softmax))
        {
            return false;
        }

        var parts = Math.Max(Gemm.Parts(units, fanIn, batch, Threads), l == 0 ? 1 : Gemm.Parts(batch, fanIn, units, Threads));
        if (parts <= 1)
        {
            return false;
        }

        fixed (double* parameterBase = parameters, gradientBase = gradient)
        {
            BackwardInParts(l, batch, parameterBase, parameters.Length, gradientBase, gradient.Length, parts);
        }

        return true;
    }

    /// <summary>The backward parts on the team (a method of its own: its closure is allocated only when a layer is shared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardInParts(int l, int batch, double* parameters, int parameterCount, double* gradient, int gradientCount, int parts)
    {
        var x = l == 0 ? input : activations[l - 1];
        var (parameterAddress, gradientAddress) = ((nint)parameters, (nint)gradient);
        ThreadTeam.Run(parts, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) => BackwardPart(
            l, batch, x, new ReadOnlySpan<double>((double*)parameterAddress, parameterCount), new Span<double>((double*)gradientAddress, gradientCount), part, parts));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardPart(int l, int batch, double[] x, ReadOnlySpan<double> parameters, Span<double> gradient, int part, int parts)
    {
        var shape = Model.Layers[l];
        var (units, fanIn) = (shape.Units, shape.InputUnits);
        var delta = deltas[l].AsSpan(0, batch * units);
        var scale = 1.0 / batch;

        // ∂C/∂W^l = (1/B) Δᵀ A^(l−1), this part's band.
        Gemm.MultiplyPart(units, fanIn, batch, delta, 1, units, x.AsSpan(0, batch * fanIn), fanIn, 1, gradient.Slice(shape.WeightOffset, shape.WeightCount), fanIn, scale, false, part, parts);

        // ∂C/∂b^l = (1/B) Σ_i δ_i for this part's share of the units, summed over i in order as on one thread.
        var (first, end) = ((int)((long)units * part / parts), (int)((long)units * (part + 1) / parts));
        BiasGradient(delta, batch, units, first, end, scale, gradient.Slice(shape.BiasOffset + first, end - first));

        if (l == 0)
        {
            return;
        }

        // δ^(l−1) = (Δ W^l) ⊙ g'(z^(l−1)) on this part's band of Δ W^l.
        var up = upstream.AsSpan(0, batch * fanIn);
        Gemm.MultiplyPart(batch, fanIn, units, delta, units, 1, parameters.Slice(shape.WeightOffset, shape.WeightCount), fanIn, 1, up, fanIn, 1, false, part, parts);
        var previous = Model.Layers[l - 1].Activation;
        var band = Gemm.Band(batch, fanIn, units, part, parts);
        var width = band.ColumnEnd - band.ColumnStart;
        for (var i = band.RowStart; i < band.RowEnd; i++)
        {
            var offset = i * fanIn + band.ColumnStart;
            Activations.Backward(previous, preActivations[l - 1].AsSpan(offset, width), activations[l - 1].AsSpan(offset, width), up.Slice(offset, width), deltas[l - 1].AsSpan(offset, width));
        }
    }

    /// <summary>
    /// Forward step of a layer whose product is too small to cut into bands but has at least
    /// <see cref="SideBySideWork"/> multiply-adds (W3's output layer, 128 × 10 × 512), in two halves of
    /// the batch: each part computes its samples' rows of Z = X·Wᵀ + b and their activations with the
    /// one-thread path's calls on those rows (every element of a product has one chain whatever its
    /// rows, so the bits are the same); false to take the one-thread path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryForwardByRows(int l, ReadOnlySpan<double> parameters)
    {
        var shape = Model.Layers[l];
        var (batch, units, fanIn) = (BatchSize, shape.Units, shape.InputUnits);
        if (batch < 2 || !WorthTwoThreads(batch, units, fanIn))
        {
            return false;
        }

        fixed (double* parameterBase = parameters)
        {
            ForwardByRows(l, batch, parameterBase, parameters.Length);
        }

        return true;
    }

    /// <summary>The two halves on the team (a method of its own: its closure is allocated only when they are shared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardByRows(int l, int batch, double* parameters, int parameterCount)
    {
        var address = (nint)parameters;
        ThreadTeam.Run(2, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (half) =>
        {
            var (first, end) = Half(batch, half);
            DenseForwardRows(l, new ReadOnlySpan<double>((double*)address, parameterCount), first, end);
        });
    }

    /// <summary>
    /// A layer's forward product, or each of its two backward products, has at least this many
    /// multiply-adds for <see cref="TryForwardByRows"/> and <see cref="TryBackwardSideBySide"/> to share it
    /// between two threads (below it, the hand-over costs more than it saves).
    /// </summary>
    internal const long SideBySideWork = 1L << 18;

    /// <summary>
    /// Whether a layer too small for bands (batch × units × fan-in multiply-adds a product) is shared
    /// between two threads by <see cref="TryForwardByRows"/> or <see cref="TryBackwardSideBySide"/>: on
    /// several threads, without cures, with <see cref="SideBySideWork"/> or more, and not a small kernel's shape.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WorthTwoThreads(int batch, int units, int fanIn) =>
        Threads > 1 && cures is null && (long)batch * units * fanIn >= SideBySideWork && !(UseSmallKernels && SmallDense.Fits(batch, units, fanIn));

    /// <summary>The first (<paramref name="half"/> 0) or second half of 0 … <paramref name="count"/> − 1, as (start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Start, int End) Half(int count, int half) => half == 0 ? (0, count / 2) : (count / 2, count);

    /// <summary>
    /// Backward step of a layer whose products are too small to cut into bands (W3's output layer:
    /// 10 × 512 × 128 each), on two threads side by side: ∂C/∂W^l and ∂C/∂b^l on one, Δ·W and
    /// δ^(l−1) on the other, except the first of every <see cref="SideBySideShare"/> samples' rows
    /// of Δ·W and δ^(l−1), which the first side computes after ∂C/∂b^l. ∂C/∂W^l is computed whole by
    /// the one-thread path's call, and Δ·W by that call on the rows of each side (every element of a
    /// product has one chain whatever its rows), so the bits are the same; false to take the
    /// one-thread path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryBackwardSideBySide(int l, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        var shape = Model.Layers[l];
        var (batch, units, fanIn) = (BatchSize, shape.Units, shape.InputUnits);
        if (l == 0 || !WorthTwoThreads(batch, units, fanIn))
        {
            return false;
        }

        fixed (double* parameterBase = parameters, gradientBase = gradient)
        {
            BackwardSideBySide(l, batch, parameterBase, parameters.Length, gradientBase, gradient.Length);
        }

        return true;
    }

    /// <summary>The two sides on the team (a method of its own: its closure is allocated only when they are shared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardSideBySide(int l, int batch, double* parameters, int parameterCount, double* gradient, int gradientCount)
    {
        var (parameterAddress, gradientAddress) = ((nint)parameters, (nint)gradient);
        ThreadTeam.Run(2, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (side) =>
        {
            var shape = Model.Layers[l];
            var (units, fanIn) = (shape.Units, shape.InputUnits);
            var delta = deltas[l].AsSpan(0, batch * units);
            var weights = new ReadOnlySpan<double>((double*)parameterAddress, parameterCount).Slice(shape.WeightOffset, shape.WeightCount);
            var split = batch / SideBySideShare;
            var (first, end) = side == 0 ? (0, split) : (split, batch);
            if (side == 0)
            {
                var scale = 1.0 / batch;
                var gradientOf = new Span<double>((double*)gradientAddress, gradientCount);
                WeightGradient(batch, units, fanIn, delta, LayerInput(l), scale, gradientOf.Slice(shape.WeightOffset, shape.WeightCount));
                BiasGradient(delta, batch, units, 0, units, scale, gradientOf.Slice(shape.BiasOffset, units));
            }

            if (end > first)
            {
                var rows = end - first;
                UpstreamGradient(rows, units, fanIn, delta.Slice(first * units, rows * units), weights, upstream.AsSpan(first * fanIn, rows * fanIn));
                ActivationBackwardRows(l, first, end);
            }
        });
    }

    /// <summary>
    /// The first side of <see cref="TryBackwardSideBySide"/> also takes the first of every this many
    /// samples' rows of Δ·W and δ^(l−1): on W3's output layer Δ·W (128 × 512 written, 10 deep) with
    /// g'(z) took about twice as long as ∂C/∂W (10 × 512, 128 deep) with ∂C/∂b.
    /// </summary>
    internal const int SideBySideShare = 4;

    /// <summary>
    /// The ranges of the parameter vector that each of <paramref name="parts"/> parts updates in a step
    /// (<see cref="Optimizers.Optimizer.Parts"/>), or null when no layer's forward product is cut into bands of units on
    /// that many threads: for such a layer, part p's band's rows of W^l and its entries of b^l, the weights it reads
    /// next (W3's W1 is 3.2 MB and W2 2 MB, each core's L2 2 MB: a row the other core has just written must cross
    /// between the cores); every other layer's W^l and b^l in even shares. In parameter order within each part.
    /// </summary>
    internal IReadOnlyList<IReadOnlyList<(int Start, int End)>>? UpdateParts(int parts)
    {
        if (parts <= 1 || parts > Threads || cures is not null)
        {
            return null;
        }

        var ranges = Enumerable.Range(0, parts).Select(_ => new List<(int Start, int End)>()).ToArray();
        var banded = false;
        foreach (var shape in Model.Layers)
        {
            var (units, fanIn) = (shape.Units, shape.InputUnits);
            if (ForwardsInParts(shape, MaxBatch) && Gemm.Parts(MaxBatch, units, fanIn, parts) == parts && MaxBatch <= units)
            {
                // Bands of C's columns (Z's units, W's rows), as ForwardPart cuts them.
                banded = true;
                for (var part = 0; part < parts; part++)
                {
                    var band = Gemm.Band(MaxBatch, units, fanIn, part, parts);
                    ranges[part].Add((shape.WeightOffset + band.ColumnStart * fanIn, shape.WeightOffset + band.ColumnEnd * fanIn));
                    ranges[part].Add((shape.BiasOffset + band.ColumnStart, shape.BiasOffset + band.ColumnEnd));
                }

                continue;
            }

            foreach (var (offset, count) in new[] { (shape.WeightOffset, shape.WeightCount), (shape.BiasOffset, units) })
            {
                for (var part = 0; part < parts; part++)
                {
                    ranges[part].Add((offset + (int)((long)count * part / parts), offset + (int)((long)count * (part + 1) / parts)));
                }
            }
        }

        return banded ? ranges : null;
    }
}
