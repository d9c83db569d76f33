using System.Diagnostics;
using System.Globalization;
using Grad.Runtime.Numerics;

namespace Grad.Benchmarks;

/// <summary>
/// Where the time of <see cref="HardwareLimit"/>'s product (Z = X·W1ᵀ, 128×512×784) goes, part by
/// part, each the best of its rounds (alternating with the limit's): the whole product, packing X
/// alone, the column tiles alone on X packed beforehand (W read in place, the running totals' and C's
/// traffic included, the short last block along k on its own), the same with only the operands' or only
/// the targets' traffic, and the register tile alone on operands that stay in L1.
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
        var totals = new double[M * 64];
        var (whole, pack, kernels, registers, limit) = (double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue, 0.0);
        var (operandsOnly, totalsOnly) = (double.MaxValue, double.MaxValue);
        fixed (double* xp = x, wp = w, zp = z, ap = packed, cp = tile, tp = totals)
        {
            var (xa, wa, za, aa, ca, ta) = ((nint)xp, (nint)wp, (nint)zp, (nint)ap, (nint)cp, (nint)tp);
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
                kernels = Math.Min(kernels, Seconds(() => Tiles((double*)aa, (double*)wa, (double*)za, (double*)ta, (double*)ca, true, true)));
                operandsOnly = Math.Min(operandsOnly, Seconds(() => Tiles((double*)aa, (double*)wa, (double*)za, (double*)ta, (double*)ca, true, false)));
                totalsOnly = Math.Min(totalsOnly, Seconds(() => Tiles((double*)aa, (double*)wa, (double*)za, (double*)ta, (double*)ca, false, true)));
                registers = Math.Min(registers, Seconds(() =>
                {
                    // As many register tiles as the product has, all on the same operands.
                    for (var t = 0; t < M / 16 * (N / 8) * (K / Gemm.KBlock); t++)
                    {
                        Gemm.ColumnKernel16x8(Gemm.KBlock, (double*)aa, (double*)wa, K, new Gemm.ColumnTarget(1, (double*)ca, (double*)ca, null, 0, default));
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
        Line("tiles_operands_only_ms", operandsOnly * 1e3, $"{flops / operandsOnly / 1e9 / limit:P1} of the limit (one tile's totals and C)");
        Line("tiles_totals_and_c_only_ms", totalsOnly * 1e3, $"{flops / totalsOnly / 1e9 / limit:P1} of the limit (one strip and panel)");
        Line("column_tile_in_l1_gflops", tileFlops / registers / 1e9, $"{tileFlops / registers / 1e9 / limit:P1} of the limit");
    }

    /// <summary>
    /// The column tiles in the product's order (64 columns of C through every block along k, strip by strip of X, the
    /// running totals between blocks and C's rows at the last; the short last block on its own), each operand and
    /// target either the product's own or one that stays in L1.
    /// </summary>
    private static void Tiles(double* packed, double* w, double* z, double* totals, double* tile, bool operands, bool targets)
    {
        for (var jg = 0; jg < N; jg += 64)
        {
            for (var pc = 0; pc < K; pc += Gemm.KBlock)
            {
                var kc = Math.Min(Gemm.KBlock, K - pc);
                for (var ir = 0; ir < M; ir += 16)
                {
                    for (var jr = jg; jr < jg + 64; jr += 8)
                    {
                        var tileTotals = targets ? totals + (ir / 16 * 8 + (jr - jg) / 8) * 128 : tile;
                        var rows = targets && pc + kc == K ? z + ir * N + jr : null;
                        var strip = operands ? packed + pc * M + ir * kc : packed;
                        var panel = operands ? w + jr * K + pc : w;
                        Gemm.ColumnKernel16x8(kc, strip, panel, K, new Gemm.ColumnTarget(1, tileTotals, tileTotals, rows, N, default));
                    }
                }
            }
        }
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
