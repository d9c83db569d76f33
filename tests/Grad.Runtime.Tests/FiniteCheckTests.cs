using Grad.Runtime.Numerics;

namespace Grad.Runtime.Tests;

/// <summary>The divergence check after every update (<see cref="Finite.All"/>), which looks at a vector of parameters at a time.</summary>
public sealed class FiniteCheckTests
{
    /// <summary>
    /// The values by their bits: both signs of the quiet NaN (.NET's double.NaN is the negative one, and −double.NaN
    /// folds to the same bits, so the list of doubles this replaced held one case twice, which xUnit skipped as a
    /// duplicate), the infinities, and NaNs with a payload of either sign.
    /// </summary>
    public static TheoryData<long> NotFinite =>
    [
        0x7FF8_0000_0000_0000, unchecked((long)0xFFF8_0000_0000_0000), 0x7FF0_0000_0000_0000, unchecked((long)0xFFF0_0000_0000_0000),
        0x7FF0_0000_0000_0123, unchecked((long)0xFFF0_0000_0000_0001),
    ];

    [Theory]
    [MemberData(nameof(NotFinite))]
    public void One_value_that_is_not_finite_anywhere_in_any_length_is_found(long bits)
    {
        var bad = BitConverter.Int64BitsToDouble(bits);
        Assert.False(double.IsFinite(bad));
        for (var length = 1; length <= 21; length++)
        {
            for (var position = 0; position < length; position++)
            {
                var values = Enumerable.Range(0, length).Select(i => (i - 7) * 1e307).ToArray();
                values[position] = bad;
                Assert.False(Finite.All(values), $"length {length}, position {position}");
            }
        }
    }

    [Fact]
    public void Finite_extremes_pass_the_check()
    {
        double[] extremes = [double.MaxValue, -double.MaxValue, double.Epsilon, -double.Epsilon, 0.0, -0.0, 1e-310, 2.2250738585072014e-308];
        for (var length = 0; length <= 21; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => extremes[i % extremes.Length]).ToArray();
            Assert.True(Finite.All(values), $"length {length}");
        }
    }
}
