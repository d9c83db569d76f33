using Grad.Runtime;
using System.Globalization;
using System.Text;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Cli.Output;

/// <summary>
/// The human-readable output of <c>grad run</c> and <c>grad inspect</c>: a summary per run and,
/// for networks, a per-layer table of ‖δ^l‖ and ‖∂C/∂W^l‖ with a bar on a log scale, so a
/// vanishing gradient shows as bars that shrink towards the input.
/// </summary>
internal static class HumanReport
{
    private const int BarWidth = 24;

    /// <summary>A run's summary; its findings are printed under it by the caller, like diagnostics.</summary>
    public static void WriteRun(RunResult result, TextWriter writer)
    {
        switch (result)
        {
            case MinimizeResult minimize:
                WriteMinimize(minimize, writer);
                break;
            case TrainResult train:
                WriteTrain(train, writer);
                break;
            case FailedRunResult failed:
                writer.WriteLine($"run {failed.Name}: not run: {failed.Error}");
                break;
        }
    }

    public static void WriteNetwork(NetworkAnalysis analysis, TextWriter writer)
    {
        var on = analysis.DataName is { } data
            ? $"on {data} ({analysis.SampleCount} sample{(analysis.SampleCount == 1 ? "" : "s")}, the first batch of run {analysis.RunName})"
            : "on one seeded standard-normal sample (no run trains it)";
        writer.WriteLine($"network {analysis.NetworkName}: initial weights {on}, loss {Numbers.Format(analysis.Loss, Numbers.TableDigits)}");
        var rows = analysis.Layers.Select(l => new LayerRow(l.Index, l.Units, l.Activation, l.Label, l.DeltaNorm, l.WeightGradNorm, null, null)).ToList();
        WriteLayerTable(rows, writer, withFinal: false);
        writer.WriteLine($"  {Verdict(analysis)}");
        writer.WriteLine();
    }

    public static string Verdict(NetworkAnalysis analysis) => analysis.Verdict switch
    {
        GradientVerdict.Vanishing => $"‖δ^1‖/‖δ^L‖ = {Numbers.Format(analysis.Ratio, 3)}: vanishing gradient (below {Numbers.Format(NetworkAnalyzer.VanishingThreshold, Numbers.TableDigits)}), the first layers barely learn",
        GradientVerdict.Exploding => $"‖δ^1‖/‖δ^L‖ = {Numbers.Format(analysis.Ratio, 3)}: exploding gradient (above {Numbers.Format(NetworkAnalyzer.ExplodingThreshold, Numbers.TableDigits)})",
        GradientVerdict.Dead when NetworkFindings.NotFinite(analysis) => $"‖δ^1‖/‖δ^L‖ = {Numbers.Format(analysis.Ratio, 3)}: no finite δ ({NetworkFindings.NotFiniteText(analysis)}: the pass overflows)",
        GradientVerdict.Dead => $"‖δ^1‖/‖δ^L‖ = {Numbers.Format(analysis.Ratio, 3)}: no δ reaches layer 1 (dead units)",
        _ => $"‖δ^1‖/‖δ^L‖ = {Numbers.Format(analysis.Ratio, 3)}: no vanishing or exploding gradient",
    };

    private static void WriteMinimize(MinimizeResult result, TextWriter writer)
    {
        writer.WriteLine($"run {result.Name}: minimize {result.CostName} with {Optimizer(result.Optimizer)}");
        writer.WriteLine($"  {Stopped(result)}");
        writer.WriteLine($"  cost     {Numbers.Format(result.FinalCost, 9)}");
        writer.WriteLine("  " + string.Join("   ", result.ParameterNames.Select((name, i) => $"{name} = {Numbers.Format(result.FinalParameters[i], 9)}")));
        writer.WriteLine("  gradient " + string.Join("   ", result.ParameterNames.Select((name, i) => $"∂/∂{name} = {Numbers.Format(result.FinalGradient[i], 4)}")));
    }

    private static void WriteTrain(TrainResult result, TextWriter writer)
    {
        writer.WriteLine($"run {result.Name}: train {result.NetworkName} on {result.DataName} with {Optimizer(result.Optimizer)}");
        writer.WriteLine($"  {Stopped(result)}{Epochs(result)}");
        writer.WriteLine($"  loss     {Numbers.Format(result.InitialLoss, Numbers.TableDigits)} → {Numbers.Format(result.FinalLoss, Numbers.TableDigits)} (batch){(result.StopReason == StopReason.Until ? ", the value that met until" : "")}");
        writer.WriteLine($"  data     loss {Numbers.Format(result.DataLoss, Numbers.TableDigits)} over all samples after the last update" +
            (result.Accuracy is { } accuracy ? $", accuracy {Numbers.Format(100 * accuracy, 4)}%" : ""));
        var rows = result.Layers.Select(l => new LayerRow(l.Index, l.Units, l.Activation ?? l.Kind, l.Label, l.DeltaNorm.Initial, l.WeightGradNorm.Initial, l.DeltaNorm.Final, l.WeightGradNorm.Final)).ToList();
        WriteLayerTable(rows, writer, withFinal: true);
        var first = result.Layers[0].DeltaNorm.Initial;
        var last = result.Layers[^1].DeltaNorm.Initial;
        writer.WriteLine($"  ‖δ^1‖/‖δ^L‖ at the start = {Numbers.Format(first / last, 3)}{(first / last < NetworkAnalyzer.VanishingThreshold ? ": vanishing gradient, the first layers barely learn" : first / last > NetworkAnalyzer.ExplodingThreshold ? ": exploding gradient" : "")}");
        WriteSharpness(result, writer);
        if (result.Landscape is { } landscape)
        {
            var lowest = landscape.LineLosses.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
            writer.WriteLine($"  landscape {landscape.Resolution} points on θ0 → θT (lowest loss {Numbers.Format(lowest, Numbers.TableDigits)}) and {landscape.Resolution} × {landscape.Resolution} on " +
                $"{(landscape.Directions == LandscapeDirections.Pca ? "the path's principal directions" : "random directions")}, {landscape.ForwardPasses} forward passes{(landscape.Note is { } note ? $"; {note}" : "")}");
        }
        else if (result.LandscapeSkipped is { } skipped)
        {
            writer.WriteLine($"  {skipped}");
        }
    }

    /// <summary>The sharpness at the first and last points that have it, against the stability limit (docs/training.md), or why it was not measured.</summary>
    private static void WriteSharpness(TrainResult result, TextWriter writer)
    {
        if (result.SharpnessSkipped is { } skipped)
        {
            writer.WriteLine($"  {skipped}");
            return;
        }

        // Only the sharpness of each point is read: a point's health as a TraceHealth is three arrays (10,000 points for a long run).
        var measured = Enumerable.Range(0, result.Trace.Count).Where(i => result.Trace.Sharpness(i) is not null).ToList();
        if (measured.Count == 0)
        {
            return;
        }

        var (start, end) = (result.Trace.Health(measured[0])!, result.Trace.Health(measured[^1])!);
        var limit = end.SharpnessLimit is { } value ? $" (stable below {Numbers.Format(value, Numbers.TableDigits)}{(end.Sharpness > value ? ": above it, the steps overshoot" : "")})" : "";
        writer.WriteLine($"  sharpness λmax {Numbers.Format(start.Sharpness!.Value, Numbers.TableDigits)} → {Numbers.Format(end.Sharpness!.Value, Numbers.TableDigits)}{limit}");
    }

    /// <summary>", 100 epochs" (or "12.5 epochs" when the run stopped inside one).</summary>
    private static string Epochs(TrainResult result)
    {
        if (result.StepsPerEpoch <= 0)
        {
            return "";
        }

        var epochs = (double)result.StepsTaken / result.StepsPerEpoch;
        return $" = {Numbers.Format(epochs, 4)} epoch{(epochs == 1 ? "" : "s")} of {result.StepsPerEpoch} step{(result.StepsPerEpoch == 1 ? "" : "s")}";
    }

    private static string Stopped(CompletedRunResult result) => result.StopReason switch
    {
        StopReason.Steps => $"{result.StepsTaken} steps (all of them)",
        StopReason.Until => $"{result.StepsTaken} steps, stopped by its until condition",
        StopReason.Diverged => $"diverged at step {result.StepsTaken} (a NaN or infinite value)",
        StopReason.Cancelled => $"interrupted after {result.StepsTaken} steps",
        _ => $"{result.StepsTaken} steps (budget reached)",
    };

    private static string Optimizer(OptimizerSpec spec) =>
        $"{spec.Name}({string.Join(", ", spec.Arguments.Select(a => $"{a.Key} = {ArgumentText(a.Value)}"))})";

    private static string ArgumentText(object value) => value switch
    {
        double number => Numbers.Format(number, Numbers.TableDigits),
        bool flag => flag ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private sealed record LayerRow(int Index, int Units, string Activation, string? Label, double Delta, double WeightGrad, double? FinalDelta, double? FinalWeightGrad);

    private static void WriteLayerTable(IReadOnlyList<LayerRow> rows, TextWriter writer, bool withFinal)
    {
        var header = withFinal
            ? new[] { "layer", "units", "activation", "‖δ‖ start", "‖δ‖ end", "‖∂C/∂W‖ start", "‖∂C/∂W‖ end" }
            : new[] { "layer", "units", "activation", "‖δ‖", "‖∂C/∂W‖" };
        var table = rows.Select(r =>
        {
            var name = r.Label is null ? r.Index.ToString(CultureInfo.InvariantCulture) : $"{r.Index} {r.Label}";
            return withFinal
                ? new[] { name, r.Units.ToString(CultureInfo.InvariantCulture), r.Activation, Numbers.Format(r.Delta, 3), Numbers.Format(r.FinalDelta ?? double.NaN, 3), Numbers.Format(r.WeightGrad, 3), Numbers.Format(r.FinalWeightGrad ?? double.NaN, 3) }
                : new[] { name, r.Units.ToString(CultureInfo.InvariantCulture), r.Activation, Numbers.Format(r.Delta, 3), Numbers.Format(r.WeightGrad, 3) };
        }).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, table.Count == 0 ? 0 : table.Max(row => row[c].Length))).ToArray();
        var bars = LogBars(rows.Select(r => r.Delta).ToList());
        writer.WriteLine("  " + Row(header, widths) + "  " + BarScale + (withFinal ? ", at the start" : ""));
        for (var i = 0; i < table.Count; i++)
        {
            writer.WriteLine("  " + Row(table[i], widths) + "  " + bars[i]);
        }
    }

    private static string Row(string[] cells, int[] widths)
    {
        var builder = new StringBuilder();
        for (var c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                builder.Append("  ");
            }

            // Text columns left-aligned, numbers right-aligned.
            builder.Append(c == 2 ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c]));
        }

        return builder.ToString();
    }

    /// <summary>
    /// One bar per value on one fixed scale for every table: a full block per decade above
    /// 1e-20 (<see cref="BarFloorDecade"/>), eighths of a block within a decade, so 1e-20 has no
    /// block, 1e-12 eight and 1 twenty; tables of different networks compare bar for bar. A
    /// value at or below the floor shows as ·, above 1e4 as a full bar and +, 0 or NaN as nothing.
    /// </summary>
    internal static List<string> LogBars(IReadOnlyList<double> values) => [.. values.Select(LogBar)];

    /// <summary>log10 of the value a bar of no blocks stands for.</summary>
    internal const int BarFloorDecade = -20;

    /// <summary>The header of the bar column: its fixed scale.</summary>
    internal static string BarScale => $"log ‖δ‖ (█ = one decade from 1e{BarFloorDecade})";

    private static readonly string[] Eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

    private static string LogBar(double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            return "";
        }

        var eighths = (int)Math.Round((Math.Log10(value) - BarFloorDecade) * 8);
        if (eighths <= 0)
        {
            return "·";
        }

        if (eighths > BarWidth * 8)
        {
            return new string('█', BarWidth) + "+";
        }

        return new string('█', eighths / 8) + Eighths[eighths % 8];
    }
}
