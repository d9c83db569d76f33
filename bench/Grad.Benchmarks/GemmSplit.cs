using System.Diagnostics;
using System.Globalization;
using Grad.Runtime.Numerics;

namespace Grad.Benchmarks;

/// <summary>
/// Where the time of <see cref="HardwareLimit"/>'s product (Z = X·W1ᵀ, 128×512×784) goes, part by
/// part, each the best of its rounds (alternating with the limit's): the whole product, packing X
/// alone, the column tiles alone on X packed beforehand (W read in place, C's traffic included, the
/// short last block along k on its own), and the register tile alone on operands that stay in L1.
/// </summary>
internal static unsafe class GemmSplit
{
    private const int M = 128, N = 512, K = 784;

    public static void Print(int rounds)
    {
        var x = Filled(M * K, 0.5);
        var w = Filled(N * K, 0.25);
        var z = new double[M * N];
        var packed = new double[M * K];
        var tile = new double[16 * 8];
        var (whole, pack, kernels, registers, limit) = (double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue, 0.0);
        fixed (double* xp = x, wp = w, zp = z, ap = packed, cp = tile)
        {
            var (xa, wa, za, aa, ca) = ((nint)xp, (nint)wp, (nint)zp, (nint)ap, (nint)cp);
            for (var round = 0; round < rounds; round++)
            {
                limit = Math.Max(limit, HardwareLimit.FmaGflops(2_000_000));
                whole = Math.Min(whole, Seconds(() => Gemm.Multiply(M, N, K, x, K, 1, w, 1, K, z, N)));
                pack = Math.Min(pack, Seconds(() =>
                {
                    for (var pc = 0; pc < K; pc += Gemm.KBlock)
                    {
                        Gemm.PackStrips((double*)xa + pc, K, M, Math.Min(Gemm.KBlock, K - pc), (double*)aa + pc * M);
                    }
                }));
                kernels = Math.Min(kernels, Seconds(() =>
                {
                    // In the product's order (64 columns of C through every block along k, strip by strip of X), the last block along k on its own.
                    for (var jg = 0; jg < N; jg += 64)
                    {
                        for (var pc = 0; pc < K; pc += Gemm.KBlock)
                        {
                            var kc = Math.Min(Gemm.KBlock, K - pc);
                            for (var ir = 0; ir < M; ir += 16)
                            {
                                for (var jr = jg; jr < jg + 64; jr += 8)
                                {
                                    Gemm.ColumnKernel16x8(kc, (double*)aa + pc * M + ir * kc, (double*)wa + jr * K + pc, K, new Gemm.ColumnTarget((double*)za + ir * N + jr, N, 1, pc > 0, 16, null, null));
                                }
                            }
                        }
                    }
                }));
                registers = Math.Min(registers, Seconds(() =>
                {
                    // As many register tiles as the product has, all on the same operands.
                    for (var t = 0; t < M / 16 * (N / 8) * (K / Gemm.KBlock); t++)
                    {
                        Gemm.ColumnKernel16x8(Gemm.KBlock, (double*)aa, (double*)wa, K, new Gemm.ColumnTarget((double*)ca, 8, 1, false, 16, null, null));
                    }
                }));
            }
        }

        var flops = 2.0 * M * N * K;
        var tileFlops = 2.0 * 16 * 8 * Gemm.KBlock * (M / 16 * (N / 8) * (K / Gemm.KBlock));
        Line("fma_peak_gflops", limit, "");
        Line("whole_ms", whole * 1e3, $"{flops / whole / 1e9 / limit:P1} of the limit");
        Line("pack_x_ms", pack * 1e3, $"{pack / whole:P1} of the whole");
        Line("column_tiles_ms", kernels * 1e3, $"{kernels / whole:P1} of the whole, {flops / kernels / 1e9 / limit:P1} of the limit");
        Line("column_tile_in_l1_gflops", tileFlops / registers / 1e9, $"{tileFlops / registers / 1e9 / limit:P1} of the limit");
    }

    private static void Line(string name, double value, string note) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {value:F3} {note}"));

    private static double Seconds(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static double[] Filled(int length, double value)
    {
        var values = new double[length];
        Array.Fill(values, value);
        return values;
    }
}
