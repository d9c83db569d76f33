using Grad.Runtime.Numerics;

namespace Grad.Runtime.Tests;

public class GemmTests
{
    public static TheoryData<int, int, int, bool, bool, bool, int> Shapes()
    {
        var data = new TheoryData<int, int, int, bool, bool, bool, int>();
        foreach (var wide in new[] { false, true })
        {
            data.Add(1, 1, 1, false, false, wide, 1);
            data.Add(3, 5, 7, false, true, wide, 1);
            data.Add(13, 17, 300, true, false, wide, 1);
            data.Add(64, 40, 520, false, true, wide, 1);
            data.Add(100, 2100, 33, true, true, wide, 1);
            data.Add(7, 9, 600, false, false, wide, 1);

            // Small enough to skip packing (B's rows contiguous, one block along k): whole tiles, and edges on both sides.
            data.Add(64, 64, 64, false, false, wide, 1);
            data.Add(64, 32, 64, true, false, wide, 1);
            data.Add(27, 45, 256, true, false, wide, 1);
            data.Add(9, 17, 3, false, false, wide, 1);
            data.Add(64, 64, 64, false, true, wide, 1);  // a transposed B (Z = X·Wᵀ) is transposed first: 4×4 blocks
            data.Add(27, 45, 131, true, true, wide, 1);  // and the rows and columns beyond them
            data.Add(16, 21, 6, false, true, wide, 1);

            // A's rows and a transposed B's columns contiguous along k, no more rows than columns (Z = X·Wᵀ):
            // the tile runs down C's columns (16 × 8, transposed into C), rows and columns beyond it (a last panel of
            // fewer than 8 rows of W is copied), several blocks along k.
            data.Add(37, 75, 600, false, true, wide, 1);
            data.Add(128, 512, 300, false, true, wide, 1);
            data.Add(8, 9, 1000, false, true, wide, 1);
            data.Add(130, 200, 270, false, true, wide, 1);  // a short last block along k (14) runs with the block before it
            data.Add(45, 83, 784, false, true, wide, 1);    // W3's 784 = 3 × 256 + 16
            data.Add(20, 70, 320, false, true, wide, 1);    // the longest last block that runs with the one before (64)
            data.Add(20, 70, 321, false, true, wide, 1);    // and the shortest that runs on its own (65)
            data.Add(100, 300, 130, false, true, wide, 2);
            data.Add(60, 200, 300, false, true, wide, 3);

            // Above Gemm.ParallelWork: bands along n (the longer side), along m, uneven and more threads than tiles.
            data.Add(100, 2100, 33, true, true, wide, 2);
            data.Add(64, 40, 520, false, true, wide, 3);
            data.Add(301, 45, 130, true, false, wide, 2);
            data.Add(9, 400, 700, false, false, wide, 64);
        }

        return data;
    }

    /// <summary>
    /// Both register tiles (AVX-512 8×16 and 6×8), whatever this machine prefers, and any thread
    /// count give the documented order's bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void BlockedProductEqualsTheReferenceOrderBitForBit(int m, int n, int k, bool transposeA, bool transposeB, bool wide, int threads)
    {
        Assert.True(threads == 1 || (long)m * n * k >= Gemm.ParallelWork, "a threaded case must be large enough to use its threads");
        var rng = new Rng(m * 1000 + n * 10 + k);
        var a = Enumerable.Range(0, m * k).Select(_ => rng.NextGaussian()).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => rng.NextGaussian()).ToArray();
        var (aRow, aCol) = transposeA ? (1, m) : (k, 1);
        var (bRow, bCol) = transposeB ? (1, k) : (n, 1);
        var c = Enumerable.Range(0, m * n).Select(_ => rng.NextGaussian()).ToArray();
        var expected = (double[])c.Clone();
        Gemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, 0.5, accumulate: true, wide, threads);

        // The documented order: per element, blocks of 256 along k, a fused multiply-add chain from 0 in each, then C += α·sum.
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var total = expected[i * n + j];
                for (var pc = 0; pc < k; pc += 256)
                {
                    var sum = 0.0;
                    for (var p = pc; p < Math.Min(k, pc + 256); p++)
                    {
                        sum = Math.FusedMultiplyAdd(a[i * aRow + p * aCol], b[p * bRow + j * bCol], sum);
                    }

                    total += 0.5 * sum;
                }

                expected[i * n + j] = total;
            }
        }

        Assert.Equal(expected, c);
    }

    /// <summary>
    /// Without accumulate, C = 0 + α·sum whatever it held, on every path (the product that skips
    /// packing writes C once instead of clearing it first): equal to accumulating into zeros, and a
    /// sum of −0 (products that underflow) gives +0 as 0 + (−0) does.
    /// </summary>
    /// <remarks>
    /// The packed path writes the first block along k from the registers (full tiles and edge tiles),
    /// then adds the later blocks: shapes with several blocks, edges, and bands on two threads.
    /// </remarks>
    [Theory]
    [InlineData(64, 64, 64, 1)]
    [InlineData(9, 17, 3, 1)]
    [InlineData(27, 45, 256, 1)]
    [InlineData(100, 2100, 33, 1)]
    [InlineData(3, 5, 7, 1)]
    [InlineData(13, 37, 600, 1)]
    [InlineData(70, 90, 257, 1)]
    [InlineData(100, 2100, 33, 2)]
    [InlineData(301, 45, 130, 2)]
    [InlineData(9, 400, 700, 3)]
    public void OverwriteGivesTheBitsOfAccumulatingIntoZeros(int m, int n, int k, int threads)
    {
        foreach (var (wide, transposeB) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            foreach (var underflow in new[] { false, true })
            {
                var rng = new Rng(m + n + k);
                var a = Enumerable.Range(0, m * k).Select(_ => underflow ? -1e-200 : rng.NextGaussian()).ToArray();
                var b = Enumerable.Range(0, k * n).Select(_ => underflow ? 1e-200 : rng.NextGaussian()).ToArray();
                var (bRow, bCol) = transposeB ? (1, k) : (n, 1);
                var written = Enumerable.Repeat(double.NaN, m * n).ToArray();
                var accumulated = new double[m * n];
                Gemm.Multiply(m, n, k, a, k, 1, b, bRow, bCol, written, n, 0.5, accumulate: false, wide, threads);
                Gemm.Multiply(m, n, k, a, k, 1, b, bRow, bCol, accumulated, n, 0.5, accumulate: true, wide);
                Assert.Equal(accumulated.Select(BitConverter.DoubleToInt64Bits), written.Select(BitConverter.DoubleToInt64Bits));
                if (underflow)
                {
                    Assert.All(written, value => Assert.Equal(0L, BitConverter.DoubleToInt64Bits(value)));
                }
            }
        }
    }

    /// <summary>
    /// Z = X·Wᵀ on random shapes through strides wider than the rows (A's, W's and C's), with and
    /// without accumulate and on 1–3 threads: the documented order's bits, and C's elements between
    /// the rows untouched. On AVX-512 the shapes with no more rows than columns take the column tile.
    /// </summary>
    [Fact]
    public void TransposedProductsThroughStridesEqualTheReferenceOrder()
    {
        var rng = new Rng(13);
        for (var round = 0; round < 40; round++)
        {
            var m = 1 + (int)rng.NextInt(70);
            var n = m + (int)rng.NextInt(90);
            var k = 1 + (int)rng.NextInt(700);
            var (aRow, wRow, ldc) = (k + (int)rng.NextInt(4), k + (int)rng.NextInt(4), n + (int)rng.NextInt(4));
            var accumulate = round % 2 == 0;
            var alpha = round % 3 == 0 ? 1 : -0.75;
            var threads = 1 + round % 3;
            var a = Enumerable.Range(0, m * aRow).Select(_ => rng.NextGaussian()).ToArray();
            var w = Enumerable.Range(0, n * wRow).Select(_ => rng.NextGaussian()).ToArray();
            var c = Enumerable.Range(0, m * ldc).Select(_ => rng.NextGaussian()).ToArray();
            var expected = DocumentedOrder(m, n, k, a, aRow, 1, w, 1, wRow, c, ldc, alpha, accumulate);

            Gemm.Multiply(m, n, k, a, aRow, 1, w, 1, wRow, c, ldc, alpha, accumulate, threads);
            Assert.True(
                expected.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(c.Select(BitConverter.DoubleToInt64Bits)),
                $"{m}×{n}×{k}, strides {aRow} {wRow} {ldc}, accumulate {accumulate}, α {alpha}, {threads} threads");
        }
    }

    /// <summary>An empty sum (k = 0): C = 0 without accumulate, C unchanged with it, whole or by parts.</summary>
    [Fact]
    public void AnEmptyProductClearsOrKeepsC()
    {
        foreach (var accumulate in new[] { false, true })
        {
            double[] whole = [1.5, double.NaN, -2, 4, 5, 6];
            Gemm.Multiply(2, 3, 0, [], 0, 1, [], 3, 1, whole, 3, 1, accumulate);
            Assert.Equal(accumulate ? [1.5, double.NaN, -2, 4, 5, 6] : new double[6], whole);

            double[] parts = [1.5, double.NaN, -2, 4, 5, 6];
            for (var part = 0; part < 2; part++)
            {
                Gemm.MultiplyPart(2, 3, 0, [], 0, 1, [], 3, 1, parts, 3, 1, accumulate, part, 2);
            }

            Assert.Equal(whole, parts);
        }
    }

    /// <summary>
    /// C + α·sum in every tile, edges included: with C = −0 and α·sum = −0 (A zero, α &lt; 0) the result is −0 in
    /// every element, on both register tiles, whole and by parts (the edge tiles once gave C + (0 + α·sum) = +0).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddingANegativeZeroToANegativeZeroCGivesNegativeZeroInEdgeTilesToo(bool wide)
    {
        const int m = 29, n = 37, k = 300; // packed (k above one block), with edge rows and columns on both tiles
        var a = new double[m * k];
        var b = Enumerable.Range(0, k * n).Select(i => 1.0 + i % 7).ToArray();
        var whole = Enumerable.Repeat(-0.0, m * n).ToArray();
        Gemm.Multiply(m, n, k, a, k, 1, b, n, 1, whole, n, -1, accumulate: true, wide);
        Assert.All(whole, value => Assert.True(double.IsNegative(value) && value == 0, $"{value} is not −0"));

        var parts = Enumerable.Repeat(-0.0, m * n).ToArray();
        for (var part = 0; part < 3; part++)
        {
            Gemm.MultiplyPart(m, n, k, a, k, 1, b, n, 1, parts, n, -1, accumulate: true, part, 3);
        }

        Assert.Equal(whole.Select(BitConverter.DoubleToInt64Bits), parts.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>
    /// The same with a transposed B (Z = X·Wᵀ, the column tile on AVX-512): C's −0 goes into the tile's running totals at
    /// the first block and comes back as −0 through every later block, whole and by parts, edge tiles included.
    /// </summary>
    [Fact]
    public void AddingANegativeZeroToANegativeZeroCGivesNegativeZeroDownTheColumnsToo()
    {
        const int m = 29, n = 37, k = 600; // three blocks along k, edge rows and columns
        var a = new double[m * k];
        var w = Enumerable.Range(0, n * k).Select(i => 1.0 + i % 7).ToArray();
        var whole = Enumerable.Repeat(-0.0, m * n).ToArray();
        Gemm.Multiply(m, n, k, a, k, 1, w, 1, k, whole, n, -1, accumulate: true);
        Assert.All(whole, value => Assert.True(double.IsNegative(value) && value == 0, $"{value} is not −0"));

        var parts = Enumerable.Repeat(-0.0, m * n).ToArray();
        for (var part = 0; part < 3; part++)
        {
            Gemm.MultiplyPart(m, n, k, a, k, 1, w, 1, k, parts, n, -1, accumulate: true, part, 3);
        }

        Assert.Equal(whole.Select(BitConverter.DoubleToInt64Bits), parts.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>
    /// A layer's products as Backprop runs them in parts, on random shapes: Z = X·Wᵀ (the column tile on AVX-512, k over
    /// several blocks with short last ones), ∂C/∂W = Δᵀ·X (A's columns contiguous: packed by vector copies) and Δ·W,
    /// each through strides wider than the rows, with and without accumulate, α ≠ 1, computed in 1–3 parts: the
    /// documented order's bits, and C's elements between the rows untouched.
    /// </summary>
    [Fact]
    public void A_layers_products_by_parts_give_the_documented_orders_bits()
    {
        var rng = new Rng(2026);
        for (var round = 0; round < 36; round++)
        {
            var form = round % 3;
            var m = 8 + (int)rng.NextInt(120);
            var n = form == 0 ? m + (int)rng.NextInt(150) : 8 + (int)rng.NextInt(150);
            var k = 1 + (int)rng.NextInt(form == 1 ? 300 : 900);
            var (aRow, aCol) = form == 1 ? (1, m + (int)rng.NextInt(3)) : (k + (int)rng.NextInt(3), 1);
            var (bRow, bCol) = form == 0 ? (1, k + (int)rng.NextInt(3)) : (n + (int)rng.NextInt(3), 1);
            var ldc = n + (int)rng.NextInt(4);
            var accumulate = round % 2 == 0;
            var alpha = round % 4 == 0 ? 1 : -0.375;
            var parts = 1 + round % 3;
            var a = Enumerable.Range(0, (m - 1) * aRow + (k - 1) * aCol + 1).Select(_ => rng.NextGaussian()).ToArray();
            var b = Enumerable.Range(0, (k - 1) * bRow + (n - 1) * bCol + 1).Select(_ => rng.NextGaussian()).ToArray();
            var c = Enumerable.Range(0, m * ldc).Select(_ => rng.NextGaussian()).ToArray();
            var expected = DocumentedOrder(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, alpha, accumulate);

            for (var part = 0; part < parts; part++)
            {
                Gemm.MultiplyPart(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, alpha, accumulate, part, parts);
            }

            Assert.True(
                expected.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(c.Select(BitConverter.DoubleToInt64Bits)),
                $"form {form}: {m}×{n}×{k}, strides {aRow},{aCol} {bRow},{bCol} {ldc}, accumulate {accumulate}, α {alpha}, {parts} parts");
        }
    }

    /// <summary>
    /// Parts that share one packing of the operand every band reads whole (A: X in Z = X·Wᵀ, Δᵀ in ∂C/∂W, Δ in Δ·W)
    /// give the documented order's bits whoever packs which block: the parts at once on the team, one after another, and
    /// last part first (so that a later part packs every block); on random shapes of the three forms with several row
    /// blocks of each path (64 and 96 rows), k across several blocks, strides wider than the rows, with and without
    /// accumulate, α ≠ 1, on 1–3 parts, and a product whose two bands take different paths.
    /// </summary>
    [Fact]
    public void Parts_sharing_one_packing_give_the_documented_orders_bits()
    {
        var rng = new Rng(1313);
        var shared = new Gemm.SharedPacking();
        var cases = Enumerable.Range(0, 30).Select(round =>
        {
            var form = round % 3;
            var m = 8 + (int)rng.NextInt(form == 1 ? 400 : 200);
            var n = form == 0 ? m + (int)rng.NextInt(300) : 8 + (int)rng.NextInt(300);
            var k = 1 + (int)rng.NextInt(form == 1 ? 300 : 900);
            return (form, m, n, k, parts: 1 + round % 3);
        }).Append((form: 0, m: 100, n: 200, k: 100, parts: 2));  // bands of 96 and 104 columns: the packed path, then the column path
        foreach (var (form, m, n, k, parts) in cases)
        {
            var (aRow, aCol) = form == 1 ? (1, m + (int)rng.NextInt(3)) : (k + (int)rng.NextInt(3), 1);
            var (bRow, bCol) = form == 0 ? (1, k + (int)rng.NextInt(3)) : (n + (int)rng.NextInt(3), 1);
            var ldc = n + (int)rng.NextInt(4);
            var accumulate = rng.NextInt(2) == 0;
            var alpha = rng.NextInt(2) == 0 ? 1 : -0.375;
            var a = Enumerable.Range(0, (m - 1) * aRow + (k - 1) * aCol + 1).Select(_ => rng.NextGaussian()).ToArray();
            var b = Enumerable.Range(0, (k - 1) * bRow + (n - 1) * bCol + 1).Select(_ => rng.NextGaussian()).ToArray();
            var start = Enumerable.Range(0, m * ldc).Select(_ => rng.NextGaussian()).ToArray();
            var expected = DocumentedOrder(m, n, k, a, aRow, aCol, b, bRow, bCol, start, ldc, alpha, accumulate);
            foreach (var order in new[] { "at once", "in order", "last first" })
            {
                var c = (double[])start.Clone();
                shared.Begin(m, n, k);
                void Part(int part) => Gemm.MultiplyPart(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, alpha, accumulate, part, parts, shared);
                if (order == "at once")
                {
                    ThreadTeam.Run(parts, Part);
                }
                else
                {
                    for (var i = 0; i < parts; i++)
                    {
                        Part(order == "in order" ? i : parts - 1 - i);
                    }
                }

                Assert.True(
                    expected.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(c.Select(BitConverter.DoubleToInt64Bits)),
                    $"form {form}: {m}×{n}×{k}, strides {aRow},{aCol} {bRow},{bCol} {ldc}, accumulate {accumulate}, α {alpha}, {parts} parts {order}");
            }
        }
    }

    /// <summary>A shared packing used without <see cref="Gemm.SharedPacking.Begin"/> for the product (stale blocks) is an error, not wrong numbers.</summary>
    [Fact]
    public void A_shared_packing_must_be_begun_for_each_product()
    {
        var (m, n, k) = (64, 512, 64);
        var a = new double[m * k];
        var b = new double[k * n];
        var c = new double[m * n];
        var shared = new Gemm.SharedPacking();
        shared.Begin(m, n, k);
        Gemm.MultiplyPart(m, n, k, a, k, 1, b, 1, k, c, n, 1, false, 0, 2, shared);
        Assert.Throws<InvalidOperationException>(() => Gemm.MultiplyPart(m, n, k, a, k, 1, b, 1, k, c, n, 1, false, 0, 2, shared));
        shared.Begin(m, n, k);
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyPart(m, n - 1, k, a, k, 1, b, 1, k, c, n, 1, false, 0, 2, shared));
    }

    /// <summary>C (+)= α·A·B in the documented order, element by element: blocks of 256 along k, a fused multiply-add chain from 0 in each, then C + α·sum.</summary>
    private static double[] DocumentedOrder(int m, int n, int k, double[] a, int aRow, int aCol, double[] b, int bRow, int bCol, double[] c, int ldc, double alpha, bool accumulate)
    {
        var expected = (double[])c.Clone();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var total = accumulate ? expected[i * ldc + j] : 0;
                for (var pc = 0; pc < k; pc += 256)
                {
                    var sum = 0.0;
                    for (var p = pc; p < Math.Min(k, pc + 256); p++)
                    {
                        sum = Math.FusedMultiplyAdd(a[i * aRow + p * aCol], b[p * bRow + j * bCol], sum);
                    }

                    total += alpha * sum;
                }

                expected[i * ldc + j] = total;
            }
        }

        return expected;
    }

    [Fact]
    public void OverwriteIgnoresThePreviousContents()
    {
        double[] c = [double.NaN, double.NaN, double.NaN, double.NaN];
        Gemm.Multiply(2, 2, 2, [1, 2, 3, 4], 2, 1, [5, 6, 7, 8], 2, 1, c, 2);
        Assert.Equal([19.0, 22, 43, 50], c);
    }

    /// <summary>The pointer kernels never run on a shape larger than the arrays: a wrong size is an exception at entry.</summary>
    [Theory]
    [InlineData(8, 8, 8, 63, 64, 64, 8)]   // A one element short
    [InlineData(8, 8, 8, 64, 63, 64, 8)]   // B one element short
    [InlineData(8, 8, 8, 64, 64, 63, 8)]   // C one element short
    [InlineData(8, 8, 8, 64, 64, 64, 4)]   // rows of C overlap
    [InlineData(-1, 8, 8, 64, 64, 64, 8)]  // negative size
    [InlineData(65536, 65537, 1, 65536, 65537, 16, 65537)] // 65536·65537 elements of C do not fit an int, and C has 16
    public void A_shape_beyond_the_arrays_is_rejected_before_any_work(int m, int n, int k, int aLength, int bLength, int cLength, int ldc)
    {
        foreach (var wide in new[] { false, true })
        {
            var c = new double[cLength];
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                Gemm.Multiply(m, n, k, new double[aLength], k, 1, new double[bLength], n, 1, c, ldc, 1, accumulate: true, wide));
            Assert.All(c, v => Assert.Equal(0, v));
        }
    }

    /// <summary>
    /// The bias and ReLU epilogue (a dense layer's Z = X·Wᵀ + b and max(Z, 0) as C's tiles leave the registers) gives
    /// the bits of the product followed by the two loops it replaces (z += b_j, then z &lt; 0 ? +0 : z, torch.relu's NaN
    /// and −0 kept): on random shapes of the three forms (the column tile with whole and edge tiles, the packed path, and the
    /// small products that skip packing), both register tiles, 1–3 threads, and by parts with and without a shared
    /// packing; the rectified copy's elements between its rows (stride ldc) are left alone, and without a rectified copy
    /// only C changes.
    /// </summary>
    [Fact]
    public void The_bias_and_ReLU_epilogue_gives_the_bits_of_the_product_then_the_loops()
    {
        var rng = new Rng(1413);
        var shared = new Gemm.SharedPacking();
        for (var round = 0; round < 36; round++)
        {
            var form = round % 3;
            var m = 1 + (int)rng.NextInt(form == 1 ? 300 : 140);
            var n = form == 0 ? m + (int)rng.NextInt(200) : 1 + (int)rng.NextInt(300);
            var k = 1 + (int)rng.NextInt(round % 6 == 5 ? 20 : 900);
            var (aRow, aCol) = form == 1 ? (1, m + (int)rng.NextInt(3)) : (k + (int)rng.NextInt(3), 1);
            var (bRow, bCol) = form == 0 ? (1, k + (int)rng.NextInt(3)) : (n + (int)rng.NextInt(3), 1);
            var ldc = n + (int)rng.NextInt(4);
            var threads = 1 + round % 3;
            var wide = round % 4 < 2;
            var a = Enumerable.Range(0, (m - 1) * aRow + (k - 1) * aCol + 1).Select(_ => rng.NextGaussian()).ToArray();
            var b = Enumerable.Range(0, (k - 1) * bRow + (n - 1) * bCol + 1).Select(_ => rng.NextGaussian()).ToArray();
            var bias = Enumerable.Range(0, n).Select(j => j % 7 == 3 ? double.NaN : j % 7 == 5 ? -0.0 : rng.NextGaussian()).ToArray();

            var expectedC = Enumerable.Repeat(double.NaN, m * ldc).ToArray();
            var expectedRectified = Enumerable.Repeat(7.0, m * ldc).ToArray();
            Gemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, expectedC, ldc, 1, accumulate: false, wide);
            var unbiased = (double[])expectedC.Clone();
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    expectedC[i * ldc + j] += bias[j];
                    expectedRectified[i * ldc + j] = Relu(expectedC[i * ldc + j]);
                }
            }

            var label = $"form {form}: {m}×{n}×{k}, strides {aRow},{aCol} {bRow},{bCol} {ldc}, wide {wide}, {threads} threads";
            var (c, rectified) = (Enumerable.Repeat(double.NaN, m * ldc).ToArray(), Enumerable.Repeat(7.0, m * ldc).ToArray());
            Gemm.MultiplyBiased(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, bias, rectified, wide, threads);
            AssertBits(expectedC, c, label);
            AssertBits(expectedRectified, rectified, label + ", rectified");

            // Without a rectified copy, and without a bias: only what is asked.
            var biasOnly = Enumerable.Repeat(double.NaN, m * ldc).ToArray();
            Gemm.MultiplyBiased(m, n, k, a, aRow, aCol, b, bRow, bCol, biasOnly, ldc, bias, default, wide, threads);
            AssertBits(expectedC, biasOnly, label + ", bias only");
            var (plain, rectifiedOnly) = (Enumerable.Repeat(double.NaN, m * ldc).ToArray(), Enumerable.Repeat(7.0, m * ldc).ToArray());
            Gemm.MultiplyBiased(m, n, k, a, aRow, aCol, b, bRow, bCol, plain, ldc, default, rectifiedOnly, wide, threads);
            AssertBits(unbiased, plain, label + ", ReLU only");
            AssertBits(unbiased.Select((value, index) => index % ldc < n ? Relu(value) : 7.0).ToArray(), rectifiedOnly, label + ", ReLU only, rectified");

            // By parts (the default register tile), on the team with a shared packing and one after another without.
            foreach (var share in new[] { true, false })
            {
                var (partC, partRectified) = (Enumerable.Repeat(double.NaN, m * ldc).ToArray(), Enumerable.Repeat(7.0, m * ldc).ToArray());
                var parts = 1 + (round + (share ? 1 : 0)) % 3;
                shared.Begin(m, n, k);
                void Part(int part) => Gemm.MultiplyPart(m, n, k, a, aRow, aCol, b, bRow, bCol, partC, ldc, 1, false, part, parts, share ? shared : null, bias, partRectified);
                if (share)
                {
                    ThreadTeam.Run(parts, Part);
                }
                else
                {
                    for (var part = 0; part < parts; part++)
                    {
                        Part(part);
                    }
                }

                var reference = Enumerable.Repeat(double.NaN, m * ldc).ToArray();
                Gemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, reference, ldc);
                var (referenceC, referenceRectified) = (reference.Select((value, index) => index % ldc < n ? value + bias[index % ldc] : value).ToArray(), Enumerable.Repeat(7.0, m * ldc).ToArray());
                for (var index = 0; index < m * ldc; index++)
                {
                    referenceRectified[index] = index % ldc < n ? Relu(referenceC[index]) : 7.0;
                }

                AssertBits(referenceC, partC, $"{label}, {parts} parts, shared {share}");
                AssertBits(referenceRectified, partRectified, $"{label}, {parts} parts, shared {share}, rectified");
            }
        }

        static void AssertBits(double[] expected, double[] actual, string label) =>
            Assert.True(expected.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(actual.Select(BitConverter.DoubleToInt64Bits)), label);
    }

    /// <summary>torch.relu on one number: +0 below zero, else the number (NaN and −0 kept).</summary>
    private static double Relu(double value) => value < 0 ? 0 : value;

    /// <summary>A bias shorter than C's row or a rectified copy shorter than C is rejected before any work.</summary>
    [Fact]
    public void An_epilogue_shorter_than_C_is_rejected()
    {
        var (a, b, c) = (new double[6], new double[6], new double[4]);
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyBiased(2, 2, 3, a, 3, 1, b, 2, 1, c, 2, new double[1], default));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyBiased(2, 2, 3, a, 3, 1, b, 2, 1, c, 2, new double[2], new double[3]));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyPart(2, 2, 3, a, 3, 1, b, 2, 1, c, 2, 1, false, 0, 1, null, new double[1]));
        Assert.All(c, value => Assert.Equal(0, value));
    }
}
