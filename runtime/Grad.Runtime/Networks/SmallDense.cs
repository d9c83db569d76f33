using System.Runtime.CompilerServices;
using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Networks;

/// <summary>
/// The three products of a dense layer for shapes too small for <see cref="Gemm"/>'s packed
/// panels (a narrow net's layers: a few units, a few samples), as plain loops without Gemm's
/// set-up, with the bias added in the same pass. Each element is computed in Gemm's documented
/// order (k in blocks of <see cref="Gemm.KBlock"/>, a fused multiply-add chain from 0 in a
/// block, C = 0 + α·sum of the blocks), so the results are Gemm's, bit for bit.
/// </summary>
internal static unsafe class SmallDense
{
    /// <summary>Products with at most this many multiply-adds take these loops.</summary>
    public const long MaxWork = 2048;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Fits(int batch, int units, int fanIn) => (long)batch * units * fanIn <= MaxWork;

    /// <summary>Z = X·Wᵀ, then + b: z[i, j] = (0 + Σ_p x[i, p]·w[j, p]) + b[j].</summary>
    public static void Forward(int batch, int units, int fanIn, ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> z)
    {
        for (var i = 0; i < batch; i++)
        {
            var input = x.Slice(i * fanIn, fanIn);
            for (var j = 0; j < units; j++)
            {
                z[i * units + j] = Dot(input, weights.Slice(j * fanIn, fanIn)) + bias[j];
            }
        }
    }

    /// <summary>∂C/∂W = scale·Δᵀ·X: g[j, p] = 0 + Σ_blocks scale·(Σ_i δ[i, j]·x[i, p]).</summary>
    public static void WeightGradient(int batch, int units, int fanIn, ReadOnlySpan<double> delta, ReadOnlySpan<double> x, double scale, Span<double> gradient)
    {
        for (var j = 0; j < units; j++)
        {
            for (var p = 0; p < fanIn; p++)
            {
                var total = 0.0;
                for (var start = 0; start < batch; start += Gemm.KBlock)
                {
                    var end = Math.Min(batch, start + Gemm.KBlock);
                    var sum = 0.0;
                    for (var i = start; i < end; i++)
                    {
                        sum = Math.FusedMultiplyAdd(delta[i * units + j], x[i * fanIn + p], sum);
                    }

                    total += scale * sum;
                }

                gradient[j * fanIn + p] = total;
            }
        }
    }

    /// <summary>The upstream gradient Δ·W: u[i, p] = 0 + Σ_j δ[i, j]·w[j, p].</summary>
    public static void Upstream(int batch, int units, int fanIn, ReadOnlySpan<double> delta, ReadOnlySpan<double> weights, Span<double> upstream)
    {
        for (var i = 0; i < batch; i++)
        {
            for (var p = 0; p < fanIn; p++)
            {
                var total = 0.0;
                for (var start = 0; start < units; start += Gemm.KBlock)
                {
                    var end = Math.Min(units, start + Gemm.KBlock);
                    var sum = 0.0;
                    for (var j = start; j < end; j++)
                    {
                        sum = Math.FusedMultiplyAdd(delta[i * units + j], weights[j * fanIn + p], sum);
                    }

                    total += sum;
                }

                upstream[i * fanIn + p] = total;
            }
        }
    }

    /// <summary>
    /// The forward pass of a narrow layer in one sweep: row i of z as <see cref="Forward"/> computes it,
    /// then at once that row's a = g(z) (an element-wise activation: not softmax; sigmoid four lanes at a time).
    /// </summary>
    public static void ForwardActivate(int batch, int units, int fanIn, double* x, double* weights, double* bias, double* z, double* a, Activation activation)
    {
        for (var i = 0; i < batch; i++)
        {
            var input = x + i * fanIn;
            var row = z + i * units;
            for (var j = 0; j < units; j++)
            {
                row[j] = Dot(input, weights + j * fanIn, fanIn) + bias[j];
            }

            Activations.Forward(activation, new ReadOnlySpan<double>(row, units), new Span<double>(a + i * units, units));
        }
    }

    /// <summary>
    /// The backward pass of a narrow layer in one sweep: ∂C/∂W as <see cref="WeightGradient"/>,
    /// ∂C/∂b = scale·Σ_i δ[i, j] (summed in sample order), and, when <paramref name="previousDelta"/>
    /// is not null, the previous layer's δ = (Δ·W as <see cref="Upstream"/>) ⊙ g'(z) of its
    /// element-wise activation, each element as soon as its upstream sum is known.
    /// </summary>
    public static void Backward(
        int batch, int units, int fanIn, double* delta, double* x, double* weights, double scale, double* weightGradient, double* biasGradient,
        Activation previous, double* previousZ, double* previousA, double* previousDelta)
    {
        WeightGradient(batch, units, fanIn, new ReadOnlySpan<double>(delta, batch * units), new ReadOnlySpan<double>(x, batch * fanIn), scale,
            new Span<double>(weightGradient, units * fanIn));
        for (var j = 0; j < units; j++)
        {
            var bias = 0.0;
            for (var i = 0; i < batch; i++)
            {
                bias += delta[i * units + j];
            }

            biasGradient[j] = bias * scale;
        }

        if (previousDelta is null)
        {
            return;
        }

        for (var i = 0; i < batch; i++)
        {
            for (var p = 0; p < fanIn; p++)
            {
                var total = 0.0;
                for (var start = 0; start < units; start += Gemm.KBlock)
                {
                    var end = Math.Min(units, start + Gemm.KBlock);
                    var sum = 0.0;
                    for (var j = start; j < end; j++)
                    {
                        sum = Math.FusedMultiplyAdd(delta[i * units + j], weights[j * fanIn + p], sum);
                    }

                    total += sum;
                }

                var k = i * fanIn + p;
                previousDelta[k] = Activations.Delta(previous, previousZ[k], previousA[k], total);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(double* a, double* b, int length)
    {
        var total = 0.0;
        for (var start = 0; start < length; start += Gemm.KBlock)
        {
            var end = Math.Min(length, start + Gemm.KBlock);
            var sum = 0.0;
            for (var p = start; p < end; p++)
            {
                sum = Math.FusedMultiplyAdd(a[p], b[p], sum);
            }

            total += sum;
        }

        return total;
    }

    /// <summary>0 + Σ over blocks of the fused chain Σ a[p]·b[p] (α = 1, so α·sum is sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var total = 0.0;
        for (var start = 0; start < a.Length; start += Gemm.KBlock)
        {
            var end = Math.Min(a.Length, start + Gemm.KBlock);
            var sum = 0.0;
            for (var p = start; p < end; p++)
            {
                sum = Math.FusedMultiplyAdd(a[p], b[p], sum);
            }

            total += sum;
        }

        return total;
    }
}
