using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Networks;

/// <summary>
/// Activations and their derivatives, written as PyTorch computes them (softplus threshold 20, exact-erf GELU, relu'(0) = 0,
/// and ReLU's NaN: relu(NaN) = NaN, whose δ passes the upstream gradient, so a NaN reaches the cost and the run stops as
/// diverged, as in PyTorch, where max(z, 0) would have hidden it).
/// </summary>
public static class Activations
{
    private const double InverseSqrt2 = 0.70710678118654752440;

    /// <summary>a = g(z) for one sample's row (softmax needs the whole row).</summary>
    /// <remarks>
    /// This and <see cref="Backward"/> run for every row of every large layer's pass (W3: 256 rows of
    /// 512 a step each way): compiled optimised at their first call, so that tiered compilation does
    /// not recompile them in the middle of a short run, on a core the step's other thread needs.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(Activation activation, ReadOnlySpan<double> z, Span<double> a)
    {
        var parameter = activation.Parameter;
        switch (activation.Kind)
        {
            case ActivationKind.Sigmoid:
                SpecialFunctions.Sigmoid(z, a);
                break;
            case ActivationKind.Relu:
                ReluForward(z, a);
                break;
            case ActivationKind.Linear:
                z.CopyTo(a);
                break;
            case ActivationKind.Softmax:
                Softmax(z, a);
                break;
            default:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = Value(activation, z[i]);
                }

                break;
        }
    }

    /// <summary>g(z) for one element (every activation but softmax); the row loops above take the same functions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value(Activation activation, double z) => activation.Kind switch
    {
        ActivationKind.Sigmoid => SpecialFunctions.Sigmoid(z),
        ActivationKind.Tanh => Math.Tanh(z),
        ActivationKind.Relu => Relu(z),
        ActivationKind.LeakyRelu => z > 0 ? z : z * activation.Parameter,
        ActivationKind.Elu => z > 0 ? z : activation.Parameter * SpecialFunctions.ExpMinusOne(z),
        ActivationKind.Softplus => SpecialFunctions.Softplus(z),
        ActivationKind.Gelu => z * 0.5 * (1 + SpecialFunctions.Erf(z * InverseSqrt2)),
        ActivationKind.Linear => z,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), "softmax is not element-wise"),
    };

    /// <summary>PyTorch's relu: +0 below zero, else z itself (NaN stays NaN, −0 stays −0: torch.relu(−0.0) is −0.0).</summary>
    private static double Relu(double z) => z < 0 ? 0 : z;

    /// <summary><see cref="Relu"/> of a row, four lanes at a time: +0 where z &lt; 0, else z (NaN and −0 included), the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluForward(ReadOnlySpan<double> z, Span<double> a)
    {
        if (a.Length < z.Length)
        {
            throw new ArgumentException("a row of a must be as long as its row of z", nameof(a));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var input = ref MemoryMarshal.GetReference(z);
            ref var output = ref MemoryMarshal.GetReference(a);
            for (; i <= z.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var value = Vector256.LoadUnsafe(ref input, (nuint)i);
                Vector256.StoreUnsafe(Vector256.ConditionalSelect(Vector256.LessThan(value, Vector256<double>.Zero), Vector256<double>.Zero, value), ref output, (nuint)i);
            }
        }

        for (; i < z.Length; i++)
        {
            a[i] = Relu(z[i]);
        }
    }

    /// <summary>Numerically stable softmax: e^(z − max z) / Σ.</summary>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> output)
    {
        var max = double.NegativeInfinity;
        foreach (var value in z)
        {
            max = Math.Max(max, value);
        }

        var sum = 0.0;
        for (var i = 0; i < z.Length; i++)
        {
            output[i] = Math.Exp(z[i] - max);
            sum += output[i];
        }

        for (var i = 0; i < z.Length; i++)
        {
            output[i] /= sum;
        }
    }

    /// <summary>g'(z) element-wise (not for softmax, whose Jacobian is not diagonal).</summary>
    public static double Derivative(Activation activation, double z, double a) => activation.Kind switch
    {
        ActivationKind.Sigmoid => a * (1 - a),
        ActivationKind.Tanh => 1 - a * a,
        ActivationKind.Relu => z <= 0 ? 0 : 1,
        ActivationKind.LeakyRelu => z > 0 ? 1 : activation.Parameter,
        ActivationKind.Elu => z > 0 ? 1 : activation.Parameter * Math.Exp(z),
        ActivationKind.Softplus => SpecialFunctions.SoftplusDerivative(z),
        ActivationKind.Gelu => GeluDerivative(z),
        ActivationKind.Linear => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), "softmax has no element-wise derivative"),
    };

    /// <summary>δ = ∂C/∂z from g = ∂C/∂a for one sample's row: g ⊙ g'(z), or the softmax Jacobian-vector product a ⊙ (g − a·g).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Activation activation, ReadOnlySpan<double> z, ReadOnlySpan<double> a, ReadOnlySpan<double> upstream, Span<double> delta)
    {
        switch (activation.Kind)
        {
            case ActivationKind.Softmax:
                var dot = 0.0;
                for (var i = 0; i < a.Length; i++)
                {
                    dot += a[i] * upstream[i];
                }

                for (var i = 0; i < a.Length; i++)
                {
                    delta[i] = a[i] * (upstream[i] - dot);
                }

                break;
            case ActivationKind.Linear:
                upstream.CopyTo(delta);
                break;
            case ActivationKind.Relu:
                ReluBackward(z, upstream, delta);
                break;
            case ActivationKind.Sigmoid:
                SigmoidBackward(a[..z.Length], upstream, delta);
                break;
            default:
                for (var i = 0; i < z.Length; i++)
                {
                    delta[i] = Delta(activation, z[i], a[i], upstream[i]);
                }

                break;
        }
    }

    /// <summary>δ = g·g'(z) for one element (every activation but softmax); the row loops above take the same functions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Delta(Activation activation, double z, double a, double upstream) => activation.Kind switch
    {
        ActivationKind.Linear => upstream,
        ActivationKind.Relu => ReluDelta(z, upstream),
        ActivationKind.Sigmoid => SigmoidDelta(a, upstream),
        _ => upstream * Derivative(activation, z, a),
    };

    /// <summary>PyTorch's relu backward (threshold_backward): +0 where z ≤ 0 (either zero), else the upstream gradient (NaN included).</summary>
    private static double ReluDelta(double z, double upstream) => z <= 0 ? 0 : upstream;

    /// <summary><see cref="ReluDelta"/> of a row, four lanes at a time: +0 where z ≤ 0, else the upstream gradient, the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluBackward(ReadOnlySpan<double> z, ReadOnlySpan<double> upstream, Span<double> delta)
    {
        if (upstream.Length < z.Length || delta.Length < z.Length)
        {
            throw new ArgumentException("a row of z, its upstream gradient and its δ must have the same length", nameof(delta));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var input = ref MemoryMarshal.GetReference(z);
            ref var gradient = ref MemoryMarshal.GetReference(upstream);
            ref var result = ref MemoryMarshal.GetReference(delta);
            for (; i <= z.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var blocked = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref input, (nuint)i), Vector256<double>.Zero);
                Vector256.StoreUnsafe(Vector256.ConditionalSelect(blocked, Vector256<double>.Zero, Vector256.LoadUnsafe(ref gradient, (nuint)i)), ref result, (nuint)i);
            }
        }

        for (; i < z.Length; i++)
        {
            delta[i] = ReluDelta(z[i], upstream[i]);
        }
    }

    private static double SigmoidDelta(double a, double upstream) => upstream * (a * (1 - a));

    /// <summary><see cref="SigmoidDelta"/> of a row, four lanes at a time (the same operations in each lane, so the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SigmoidBackward(ReadOnlySpan<double> a, ReadOnlySpan<double> upstream, Span<double> delta)
    {
        if (upstream.Length < a.Length || delta.Length < a.Length)
        {
            throw new ArgumentException("a row of a, its upstream gradient and its δ must have the same length", nameof(delta));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var activation = ref MemoryMarshal.GetReference(a);
            ref var gradient = ref MemoryMarshal.GetReference(upstream);
            ref var result = ref MemoryMarshal.GetReference(delta);
            for (; i <= a.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var value = Vector256.LoadUnsafe(ref activation, (nuint)i);
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref gradient, (nuint)i) * (value * (Vector256<double>.One - value)), ref result, (nuint)i);
            }
        }

        for (; i < a.Length; i++)
        {
            delta[i] = SigmoidDelta(a[i], upstream[i]);
        }
    }

    /// <summary>Φ(z) + z·φ(z), the derivative of the exact GELU.</summary>
    public static double GeluDerivative(double z)
    {
        var cdf = 0.5 * (1 + SpecialFunctions.Erf(z * InverseSqrt2));
        return cdf + z * SpecialFunctions.NormalDensity(z);
    }
}
