namespace Grad.Runtime.Tests;

/// <summary>The one number formatter: significant digits as a parameter, one spelling of ∞ and NaN, exact round-trip text.</summary>
public class NumbersTests
{
    [Theory]
    [InlineData(0.0, 3, "0")]
    [InlineData(0.61, 3, "0.61")]
    [InlineData(0.0021, 3, "0.0021")]
    [InlineData(3.14159, 3, "3.14")]
    [InlineData(3.14159, 6, "3.14159")]
    [InlineData(1000.0, 3, "1000")]
    [InlineData(99999.0, 3, "99999")]
    [InlineData(100000.0, 3, "1e5")]
    [InlineData(123456.7, 6, "1.23457e5")]
    [InlineData(0.000123456, 3, "1.23e-4")]
    [InlineData(-0.000123456, 2, "-1.2e-4")]
    [InlineData(1.5e-300, 4, "1.5e-300")]
    [InlineData(0.2345, 2, "0.23")] // 0.2345 is below …45 in binary
    [InlineData(0.125, 2, "0.13")] // midpoints round away from zero
    [InlineData(double.PositiveInfinity, 3, "∞")]
    [InlineData(double.NegativeInfinity, 6, "-∞")]
    [InlineData(double.NaN, 3, "NaN")]
    public void Format_rounds_to_significant_digits(double value, int digits, string expected) =>
        Assert.Equal(expected, Numbers.Format(value, digits));

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-6, "1e-6")]
    [InlineData(2.5e20, "2.5e20")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.NegativeInfinity, "-∞")]
    public void Exact_reads_back_as_the_same_double(double value, string expected)
    {
        Assert.Equal(expected, Numbers.Exact(value));
        Assert.Equal(value, double.Parse(expected.Replace("∞", "Infinity", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Digits_outside_what_a_double_holds_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbers.Format(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbers.Format(1, 18));
    }
}
