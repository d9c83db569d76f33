using Grad.Runtime.Numerics;

namespace Grad.Runtime.Tests;

public class SpecialFunctionTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1e-10, 1.1283791670955126e-10)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(-1.5, -0.9661051464753108)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(2.5, 0.9995930479825550)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(4.5, 0.9999999998033839)]
    [InlineData(30.0, 1.0)]
    public void ErfMatchesReferenceValues(double x, double expected) =>
        Fixtures.AssertRelative(expected, SpecialFunctions.Erf(x), 2e-16 * 4, $"erf({x})");

    [Fact]
    public void SoftplusAndSigmoidAreStableAtExtremes()
    {
        Assert.Equal(1000, SpecialFunctions.Softplus(1000));
        Assert.Equal(Math.Exp(-800), SpecialFunctions.Softplus(-800));
        Assert.Equal(0, SpecialFunctions.Sigmoid(-1000));
        Assert.Equal(1, SpecialFunctions.Sigmoid(1000));
        // e^x − 1 = x + x²/2 + …, log(1 + x) = x − x²/2 + …
        Fixtures.AssertRelative(1.0000000000005e-12, SpecialFunctions.ExpMinusOne(1e-12), 1e-15);
        Fixtures.AssertRelative(9.999999999995e-13, SpecialFunctions.LogOnePlus(1e-12), 1e-15);
    }
}
