using Grad.Cli.Output.Charts;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using ScottPlot;

namespace Grad.Cli.Output;

/// <summary>
/// <c>--plot DIR</c>: every chart of <see cref="ChartSet"/> as NAME.png and NAME.svg, plus an
/// <c>index.html</c> that shows them with the run summaries. The data comes from
/// <c>Grad.Runtime.Charts</c> (tested there); this class only draws it with ScottPlot.
/// </summary>
internal static class Plots
{
    public const string IndexFile = "index.html";

    /// <summary><c>grad run --plot</c>: writes the files and returns their paths; a chart that cannot be drawn is reported on <paramref name="stderr"/>.</summary>
    public static IReadOnlyList<string> WriteRun(BoundProgram program, IReadOnlyList<RunResult> results, string directory, string fileName, TextWriter stderr)
    {
        var charts = ChartSet.FromRuns(program, results, network => NetworkAnalyzer.AnalyzeInitial(program, network));
        return Write(charts, directory, index => IndexPage.Render(Path.GetFileName(fileName), "run", results, [], index), stderr);
    }

    /// <summary><c>grad inspect --plot</c>: each network's gradient flow at its initial weights.</summary>
    public static IReadOnlyList<string> WriteInspect(IReadOnlyList<NetworkAnalysis> analyses, string directory, string fileName, TextWriter stderr)
    {
        var charts = ChartSet.FromAnalyses(analyses);
        return Write(charts, directory, index => IndexPage.Render(Path.GetFileName(fileName), "inspect", [], analyses, index), stderr);
    }

    /// <summary>One line for the files <c>--plot</c> wrote: the index page, which links every chart.</summary>
    public static void ReportWritten(IReadOnlyList<string> written, bool quiet, TextWriter stderr)
    {
        var index = written.FirstOrDefault(w => Path.GetFileName(w) == IndexFile);
        if (quiet || index is null)
        {
            return;
        }

        var charts = written.Count(w => w.EndsWith(".png", StringComparison.Ordinal));
        stderr.WriteLine($"grad: wrote {index} ({charts} chart{(charts == 1 ? "" : "s")}, PNG and SVG)");
    }

    private static List<string> Write(ChartSet charts, string directory, Func<IReadOnlyList<ChartEntry>, string> index, TextWriter stderr)
    {
        var written = new List<string>();
        try
        {
            WriteFiles(charts, directory, index, stderr, written);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The results are already printed; a directory that cannot be written must not hide them.
            stderr.WriteLine($"grad: cannot write the charts to {directory}: {e.Message}");
        }

        return written;
    }

    private static void WriteFiles(ChartSet charts, string directory, Func<IReadOnlyList<ChartEntry>, string> index, TextWriter stderr, List<string> written)
    {
        Directory.CreateDirectory(directory);
        var entries = new List<ChartEntry>();

        void Add(Func<Plot> draw, string section, string stem, string caption)
        {
            try
            {
                written.AddRange(ChartStyle.Save(draw(), directory, stem));
                entries.Add(new ChartEntry(section, stem, caption));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or OverflowException)
            {
                // ScottPlot refuses axes it cannot scale, e.g. a diverged run's 1e300 values: skip that chart, keep the others.
                stderr.WriteLine($"grad: could not draw {stem}: {e.Message}");
                foreach (var partial in new[] { ".png", ".svg" }.Select(ext => Path.Combine(directory, stem + ext)).Where(File.Exists))
                {
                    File.Delete(partial);
                }
            }
        }

        foreach (var contour in charts.Contours)
        {
            Add(() => ContourPlot.Draw(contour), "Costs", $"{contour.CostName}-contour", contour.Title);
        }

        foreach (var profile in charts.Profiles)
        {
            Add(() => ProfilePlot.Draw(profile), "Costs", profile.FileStem, profile.Title);
        }

        foreach (var line in charts.Lines)
        {
            var section = line.FileStem.EndsWith("-loss", StringComparison.Ordinal) ? "Training" : line.FileStem.EndsWith("-gradient", StringComparison.Ordinal) ? "Gradient components" : "Costs";
            Add(() => LinePlot.Draw(line), section, line.FileStem, line.Title);
        }

        if (charts.FlowComparison is { } comparison)
        {
            Add(() => FlowPlot.Draw(comparison), "Gradient flow", FlowComparisonChart.FileStem, FlowComparisonChart.Title);
        }

        foreach (var flow in charts.Flows)
        {
            Add(() => FlowPlot.Draw(flow), "Gradient flow", flow.FileStem, flow.Title);
        }

        foreach (var heatmap in charts.Heatmaps)
        {
            Add(() => HeatmapPlot.Draw(heatmap), "Gradient flow", heatmap.FileStem, heatmap.Title);
        }

        foreach (var chart in charts.Health.SelectMany(h => h.Charts))
        {
            Add(() => LinePlot.Draw(chart), "Training health", chart.FileStem, chart.Title);
        }

        foreach (var landscape in charts.Landscapes)
        {
            Add(() => ContourPlot.Draw(landscape.Plane), "Loss landscapes", landscape.PlaneFileStem, landscape.Plane.Title);
            Add(() => LinePlot.Draw(landscape.Line), "Loss landscapes", landscape.Line.FileStem, landscape.Line.Title);
        }

        var indexPath = Path.Combine(directory, IndexFile);
        AtomicFile.WriteText(indexPath, index(entries));
        written.Add(indexPath);
    }
}
