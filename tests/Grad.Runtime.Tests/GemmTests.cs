using Grad.Runtime.Numerics;

namespace Grad.Runtime.Tests;

public class GemmTests
{
    [Theory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(3, 5, 7, false, true)]
    [InlineData(13, 17, 300, true, false)]
    [InlineData(64, 40, 520, false, true)]
    [InlineData(100, 2100, 33, true, true)]
    [InlineData(7, 9, 600, false, false)]
    public void BlockedProductEqualsTheReferenceOrderBitForBit(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var rng = new Rng(m * 1000 + n * 10 + k);
        var a = Enumerable.Range(0, m * k).Select(_ => rng.NextGaussian()).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => rng.NextGaussian()).ToArray();
        var (aRow, aCol) = transposeA ? (1, m) : (k, 1);
        var (bRow, bCol) = transposeB ? (1, k) : (n, 1);
        var c = Enumerable.Range(0, m * n).Select(_ => rng.NextGaussian()).ToArray();
        var expected = (double[])c.Clone();
        Gemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, alpha: 0.5, accumulate: true);

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

    [Fact]
    public void OverwriteIgnoresThePreviousContents()
    {
        double[] c = [double.NaN, double.NaN, double.NaN, double.NaN];
        Gemm.Multiply(2, 2, 2, [1, 2, 3, 4], 2, 1, [5, 6, 7, 8], 2, 1, c, 2);
        Assert.Equal([19.0, 22, 43, 50], c);
    }
}
