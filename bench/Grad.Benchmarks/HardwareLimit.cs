using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Grad.Runtime.Numerics;

namespace Grad.Benchmarks;

/// <summary>
/// GEMM against this machine's float64 limit on one thread: the limit is measured, not looked up,
/// as the throughput of independent fused multiply-add chains in the widest vectors that run
/// (twelve accumulators hide the FMA latency on every x64 core we know). Each round measures the limit and then
/// the product; the share is the product's best round against the limit of that same round.
/// </summary>
internal static class HardwareLimit
{
    private const int Accumulators = 12;

    public static void Print(int rounds)
    {
        // W3's largest product: Z = X·W1ᵀ with X [128×784] and W1 [512×784] (as Backprop calls it).
        const int m = 128, n = 512, k = 784;
        var x = Filled(m * k, 0.5);
        var w = Filled(n * k, 0.25);
        var z = new double[m * n];
        // Each round: the limit, then the product at once after it (at the same clock, as far as the machine allows).
        var measured = new (double Limit, double Gemm)[rounds];
        for (var round = 0; round < rounds; round++)
        {
            var limit = FmaGflops(2_000_000);
            var watch = Stopwatch.StartNew();
            Gemm.Multiply(m, n, k, x, k, 1, w, 1, k, z, n);
            measured[round] = (limit, 2.0 * m * n * k / watch.Elapsed.TotalSeconds / 1e9);
        }

        // The product's best round against the limit measured just before it, not against the best limit of any
        // round: the limit reads 88–89 GFLOP/s here, with a round at 101.7 now and then (a moment of higher clock
        // that the product's rounds need not see). The median of the rounds' shares is printed beside it.
        var best = measured.MaxBy(r => r.Gemm);
        var shares = measured.Select(r => r.Gemm / r.Limit).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fma_peak_gflops {best.Limit:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fma_peak_gflops_highest {measured.Max(r => r.Limit):F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm_128x512x784_gflops {best.Gemm:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm_share_of_peak {best.Gemm / best.Limit:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm_share_median {shares[shares.Length / 2]:F3}"));
    }

    private static double[] Filled(int length, double value)
    {
        var values = new double[length];
        Array.Fill(values, value);
        return values;
    }

    /// <summary>GFLOP/s of <paramref name="iterations"/> × twelve independent vector FMAs (2 flops a lane).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static double FmaGflops(int iterations)
    {
        var watch = Stopwatch.StartNew();
        double checksum;
        int lanes;
        if (Vector512.IsHardwareAccelerated)
        {
            lanes = Vector512<double>.Count;
            checksum = Chains512(iterations);
        }
        else
        {
            lanes = Vector256<double>.Count;
            checksum = Chains256(iterations);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        if (double.IsNaN(checksum))
        {
            throw new InvalidOperationException("the chains overflowed");
        }

        return 2.0 * lanes * Accumulators * iterations / seconds / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains512(int iterations)
    {
        var m = Vector512.Create(0.999999);
        var a = Vector512.Create(1e-9);
        Vector512<double> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (var i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a);
            c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a);
            c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a);
            c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a);
            c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a);
            c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a);
            c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains256(int iterations)
    {
        var m = Vector256.Create(0.999999);
        var a = Vector256.Create(1e-9);
        Vector256<double> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (var i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a);
            c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a);
            c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a);
            c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a);
            c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a);
            c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a);
            c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
