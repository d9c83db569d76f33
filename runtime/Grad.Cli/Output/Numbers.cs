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

        // Round to the significant digits, then print without an exponent (G would give 1E+03 for 1000 with 3 digits).
        var scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(magnitude)));
        var rounded = Math.Round(value * scale) / scale;
        return rounded.ToString("0.##########", CultureInfo.InvariantCulture);
    }
}
