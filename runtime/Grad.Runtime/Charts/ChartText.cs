namespace Grad.Runtime.Charts;

/// <summary>Numbers in chart titles and legends: 4 significant digits (<see cref="Numbers.Format"/>).</summary>
public static class ChartText
{
    public static string Number(double value) => Numbers.Format(value, 4);
}
