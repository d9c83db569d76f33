using System.Globalization;

namespace Grad.Runtime;

/// <summary>
/// The one number formatter for people: the CLI's tables and summaries, findings, hovers, inlay
/// hints, chart titles and the panel all print numbers through it, so a value reads the same
/// everywhere. JSON numbers are not text for people: <c>ResultSerializer</c> writes them exactly.
/// </summary>
public static class Numbers
{
    /// <summary>Significant digits of hovers, findings and inlay hints.</summary>
    public const int HoverDigits = 3;

    /// <summary>Significant digits of the CLI's tables and summaries.</summary>
    public const int TableDigits = 6;

    /// <summary>The one spelling of infinity (with a minus sign when negative) and of NaN.</summary>
    public const string Infinity = "∞";

    public const string NaN = "NaN";

    /// <summary><see cref="HoverDigits"/> significant digits (a separate overload, so that <c>values.Select(Numbers.Format)</c> never passes an index as the digits).</summary>
    public static string Format(double value) => Format(value, HoverDigits);

    /// <summary>
    /// <paramref name="value"/> to <paramref name="significantDigits"/> significant digits without
    /// trailing zeros (0.61, 0.0021, 3.2, 1000); exponent form below 1e-3 and from 1e5
    /// (<c>1.2e-5</c>, <c>3e7</c>); ∞, −∞ and NaN as <see cref="Infinity"/> and <see cref="NaN"/>.
    /// </summary>
    public static string Format(double value, int significantDigits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(significantDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(significantDigits, 17);
        if (NonFinite(value) is { } text)
        {
            return text;
        }

        if (value == 0)
        {
            return "0";
        }

        var magnitude = Math.Abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e5)
        {
            var decimals = Math.Clamp(significantDigits - 1 - (int)Math.Floor(Math.Log10(magnitude)), 0, 15);
            return Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0.###############", CultureInfo.InvariantCulture);
        }

        return Exponent(value.ToString($"E{significantDigits - 1}", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The shortest text that reads back as <paramref name="value"/> (a number as written in a
    /// file, a constant in a formula), with small and large magnitudes as <c>1e-6</c>.
    /// </summary>
    public static string Exact(double value)
    {
        if (NonFinite(value) is { } text)
        {
            return text;
        }

        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        return shortest.Contains('E', StringComparison.Ordinal) ? Exponent(shortest) : shortest;
    }

    /// <summary>1 → ¹, 12 → ¹²: layer indices as superscripts (‖δ¹‖/‖δ⁹‖).</summary>
    public static string Superscript(int number) =>
        string.Concat(number.ToString(CultureInfo.InvariantCulture).Select(c => c switch
        {
            '0' => '⁰', '1' => '¹', '2' => '²', '3' => '³', '4' => '⁴',
            '5' => '⁵', '6' => '⁶', '7' => '⁷', '8' => '⁸', '9' => '⁹', '-' => '⁻', _ => c,
        }));

    private static string? NonFinite(double value) =>
        double.IsNaN(value) ? NaN : double.IsInfinity(value) ? (value > 0 ? Infinity : "-" + Infinity) : null;

    /// <summary>"1.2300E-005" → "1.23e-5": the mantissa without trailing zeros, the exponent without a plus sign or padding.</summary>
    private static string Exponent(string text)
    {
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = text[..e];
        if (mantissa.Contains('.', StringComparison.Ordinal))
        {
            mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        }

        return $"{mantissa}e{int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture)}";
    }
}
