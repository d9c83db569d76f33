using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Grad.Runtime.Numerics;

/// <summary>Scalar functions shared by cost expressions and network activations, written to match PyTorch's definitions.</summary>
public static class SpecialFunctions
{
    /// <summary>1/√π.</summary>
    private const double InverseSqrtPi = 0.56418958354775628695;

    /// <summary>Logistic sigmoid 1/(1+e^−x), evaluated without overflow for large |x|.</summary>
    /// <remarks>Inlined into a chain's loop (Backprop.Chain.cs), where a call per layer cost a fifth of the pass.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x)
    {
        if (x >= 0)
        {
            return 1 / (1 + Math.Exp(-x));
        }

        var e = Math.Exp(x);
        return e / (1 + e);
    }

    /// <summary>
    /// <see cref="Sigmoid(double)"/> of every element of <paramref name="x"/> (the same bits), four at a
    /// time with <see cref="VectorExp"/> where it equals <see cref="Math.Exp"/>.
    /// </summary>
    /// <remarks>
    /// Compiled optimised at its first call: ReadyToRun does not precompile its Vector256 code, so it was
    /// JIT-compiled at tier 0 (VectorExp's lanes not inlined) and ran so until tiering replaced it, about
    /// 0.1–0.3 s into a run (W4, a deep sigmoid net, took about 1,050 µs a step at tier 0 against 690).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid(ReadOnlySpan<double> x, Span<double> result)
    {
        if (result.Length < x.Length)
        {
            throw new ArgumentException($"the result has {result.Length} elements for {x.Length} inputs", nameof(result));
        }

        var i = 0;
        if (VectorExp.IsExact)
        {
            ref var source = ref MemoryMarshal.GetReference(x);
            ref var destination = ref MemoryMarshal.GetReference(result);
            for (; i <= x.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                Vector256.StoreUnsafe(Sigmoid(Vector256.LoadUnsafe(ref source, (nuint)i)), ref destination, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            result[i] = Sigmoid(x[i]);
        }
    }

    /// <summary>The lanes of <see cref="Sigmoid(double)"/>: e = e^−x for x ≥ 0, else e^x; then 1/(1 + e) or e/(1 + e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Sigmoid(Vector256<double> x)
    {
        var nonNegative = Vector256.GreaterThanOrEqual(x, Vector256<double>.Zero);
        var e = VectorExp.Exp(Vector256.ConditionalSelect(nonNegative, -x, x));
        return Vector256.ConditionalSelect(nonNegative, Vector256<double>.One, e) / (Vector256<double>.One + e);
    }

    /// <summary>PyTorch's softplus (beta 1, threshold 20): x above the threshold, else log(1+e^x).</summary>
    public static double Softplus(double x) => x > 20 ? x : LogOnePlusExp(x);

    /// <summary>The derivative of <see cref="Softplus"/>, with PyTorch's threshold.</summary>
    public static double SoftplusDerivative(double x) => x > 20 ? 1 : Sigmoid(x);

    /// <summary>log(1 + e^x) without overflow or loss of precision for very negative x.</summary>
    public static double LogOnePlusExp(double x) => x > 0 ? x + LogOnePlus(Math.Exp(-x)) : LogOnePlus(Math.Exp(x));

    /// <summary>log(1 + x), accurate for small x.</summary>
    public static double LogOnePlus(double x)
    {
        var u = 1 + x;
        // Exact correction (Goldberg): log(u) * x / (u − 1) when 1 + x rounded.
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>e^x − 1, accurate for small x.</summary>
    public static double ExpMinusOne(double x)
    {
        if (Math.Abs(x) > 0.5)
        {
            return Math.Exp(x) - 1;
        }

        // Kahan's trick: u = e^x rounded; (u − 1) · x / log(u) is accurate.
        var u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }

        var um1 = u - 1;
        return um1 == -1 ? -1 : um1 * x / Math.Log(u);
    }

    /// <summary>
    /// The error function. |x| ≤ 2: the series erf x = 2/√π e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
    /// whose terms are all positive (no cancellation). Beyond: 1 − erfc x, with erfc from its continued fraction.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var ax = Math.Abs(x);
        double result;
        if (ax <= 2)
        {
            var x2 = ax * ax;
            var term = ax;
            var sum = ax;
            var compensation = 0.0;
            for (var n = 1; n < 200; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                var next = sum + term;
                compensation += sum - next + term; // Kahan–Babuška: the part of term that the addition lost
                sum = next;
                if (term < sum * 1e-17)
                {
                    break;
                }
            }

            result = 2 * InverseSqrtPi * Math.Exp(-x2) * (sum + compensation);
        }
        else
        {
            result = 1 - ErfcLarge(ax);
        }

        return x < 0 ? -result : result;
    }

    /// <summary>erfc for x &gt; 2: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by Lentz's method.</summary>
    private static double ErfcLarge(double x)
    {
        if (x > 27)
        {
            return 0;
        }

        // Continued fraction K = x + a1/(x + a2/(x + …)) with a_k = k/2.
        const double tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var k = 1; k < 500; k++)
        {
            var a = k * 0.5;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(-x * x) * InverseSqrtPi / f;
    }

    /// <summary>Standard normal density φ(x).</summary>
    public static double NormalDensity(double x) => Math.Exp(-0.5 * x * x) * 0.3989422804014326779399;
}
