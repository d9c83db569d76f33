using System.Globalization;

namespace Grad.Runtime.Charts;

/// <summary>Numbers in chart titles and legends: 4 significant digits, invariant culture.</summary>
public static class ChartText
{
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
