using System.Globalization;

namespace Grad.Runtime.Analysis;

/// <summary>Numbers in findings, hovers and messages: three significant digits, exponent form when small or large.</summary>
public static class Numbers
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "∞" : "-∞";
        }

        if (value == 0)
        {
            return "0";
        }

        var magnitude = Math.Abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e5)
        {
            return TrimToSignificant(value);
        }

        return value.ToString("0.##e+0", CultureInfo.InvariantCulture).Replace("e+", "e", StringComparison.Ordinal);
    }

    private static string TrimToSignificant(double value)
    {
        // Three significant digits, without trailing zeros: 0.61, 0.0021, 3.2, 1000.
        var digits = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value, Math.Min(digits, 15), MidpointRounding.AwayFromZero).ToString("0.###############", CultureInfo.InvariantCulture);
    }

    public static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>1 → ¹, 12 → ¹²: layer indices as superscripts (‖δ¹‖/‖δ⁹‖).</summary>
    public static string Superscript(int number) =>
        string.Concat(number.ToString(CultureInfo.InvariantCulture).Select(c => c switch
        {
            '0' => '⁰', '1' => '¹', '2' => '²', '3' => '³', '4' => '⁴',
            '5' => '⁵', '6' => '⁶', '7' => '⁷', '8' => '⁸', '9' => '⁹', '-' => '⁻', _ => c,
        }));
}
