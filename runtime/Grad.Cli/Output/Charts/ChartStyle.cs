using ScottPlot;

namespace Grad.Cli.Output.Charts;

/// <summary>Sizes, colours and the log-scale axis shared by every chart.</summary>
internal static class ChartStyle
{
    public const int Width = 900;
    public const int Height = 600;

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>A plot in a sans-serif font when DejaVu Sans is installed (ScottPlot's own choice otherwise).</summary>
    public static Plot NewPlot()
    {
        var plot = new Plot();
        if (Fonts.GetTypeface(SansFont, bold: false, italic: false) is not null)
        {
            plot.Font.Set(SansFont);
        }

        return plot;
    }

    private const string SansFont = "DejaVu Sans";

    /// <summary>
    /// Line width of the i-th series: the first widest, later ones (drawn on top) thinner, so a
    /// line that another one retraces stays visible. Lines are never dashed: Skia's SVG backend
    /// cannot draw dashes (it draws them solid and complains on stderr).
    /// </summary>
    public static float LineWidth(int index) => index switch { 0 => 5, 1 => 3.5f, 2 => 2.5f, _ => 2 };

    /// <summary>The colour of the i-th run (or series) of a chart; the same run keeps its colour across a cost's charts.</summary>
    public static Color Series(int index) => Palette.GetColor(index);

    /// <summary>
    /// The values are drawn as log10, so label the axis with powers of ten (1e-3, not −3),
    /// ticks on whole decades and minor ticks at 2…9 × the decade.
    /// </summary>
    public static void LogAxis(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => $"1e{exponent:0}",
        };
    }

    /// <summary>log10 of each value; zero, negative and non-finite values become NaN (a gap).</summary>
    public static double[] Log10(IEnumerable<double> values) => [.. values.Select(v => v > 0 && double.IsFinite(v) ? Math.Log10(v) : double.NaN)];

    /// <summary>
    /// A line through the finite points only: the pieces between NaN gaps become separate lines in
    /// one colour, the first carrying the legend text. Returns the pieces.
    /// </summary>
    public static List<ScottPlot.Plottables.Scatter> AddLine(Plot plot, double[] x, double[] y, Color color, string? legend, float width = 2)
    {
        var pieces = new List<ScottPlot.Plottables.Scatter>();
        var start = 0;
        for (var i = 0; i <= x.Length; i++)
        {
            var gap = i == x.Length || !double.IsFinite(x[i]) || !double.IsFinite(y[i]);
            if (!gap)
            {
                continue;
            }

            if (i > start)
            {
                // A piece of one point has no line to draw: give it a marker (callers may restyle it).
                var line = i - start == 1 ? plot.Add.Scatter(x[start..i], y[start..i], color) : plot.Add.ScatterLine(x[start..i], y[start..i], color);
                line.LineWidth = width;
                pieces.Add(line);
            }

            start = i + 1;
        }

        if (legend is not null && pieces.Count > 0)
        {
            pieces[0].LegendText = legend;
        }
        else if (legend is not null)
        {
            // Nothing to draw (every value 0 on a log scale, say): the legend still names the series.
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = legend, LineColor = color, LineWidth = width });
        }

        return pieces;
    }

    /// <summary>A legend that says how many values are 0 (log10 0 = −∞ is not drawn on a log scale).</summary>
    public static string LogLegend(string name, IReadOnlyCollection<double> values, string unit)
    {
        var zeros = values.Count(v => v == 0);
        return zeros > 0 ? $"{name} (0 at {zeros} of {values.Count} {unit}, not drawn)" : name;
    }

    /// <summary>Writes the chart as NAME.png and NAME.svg in the directory; returns both paths.</summary>
    public static IEnumerable<string> Save(Plot plot, string directory, string stem)
    {
        var png = Path.Combine(directory, stem + ".png");
        var svg = Path.Combine(directory, stem + ".svg");
        AtomicFile.Replace(png, temporary => plot.SavePng(temporary, Width, Height));
        AtomicFile.Replace(svg, temporary =>
        {
            plot.SaveSvg(temporary, Width, Height);

            // A heatmap is embedded as a bitmap of one pixel per cell (10 layers × 300 steps): browsers
            // would blur the rows into each other when they scale it up, so ask for sharp pixels.
            var text = File.ReadAllText(temporary);
            if (text.Contains("<image ", StringComparison.Ordinal))
            {
                File.WriteAllText(temporary, text.Replace("<image ", "<image style=\"image-rendering: pixelated\" ", StringComparison.Ordinal));
            }
        });

        return [png, svg];
    }
}
