using System.Globalization;

namespace Grad.Cli.Output;

/// <summary>Compact number text for tables: 6 significant digits, exponent form below 1e-3 and from 1e6 (<c>1.23e-05</c>).</summary>
internal static class Numbers
{
    public static string Format(double value, int digits = 6)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        var magnitude = Math.Abs(value);
        if (value == 0)
        {
            return "0";
        }

        if (magnitude < 1e-3 || magnitude >= 1e6)
        {
            var text = value.ToString($"E{digits - 1}", CultureInfo.InvariantCulture);
            var e = text.IndexOf('E', StringComparison.Ordinal);
            var mantissa = text[..e];
            if (mantissa.Contains('.', StringComparison.Ordinal))
            {
                mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            }

            var exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        return value.ToString($"G{digits}", CultureInfo.InvariantCulture);
    }
}
