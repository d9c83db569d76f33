using Grad.Language.Semantics;
using Grad.Runtime;
using Grad.Runtime.Contracts;

namespace Grad.Cli.Output;

/// <summary>
/// A sweep's members as one table, best first: sorted by final loss (training) or final cost
/// (minimize), members that diverged or did not run last, ties in member order. For training the
/// table also shows the loss over the whole data set, the accuracy and the final ‖δ^1‖/‖δ^L‖.
/// </summary>
internal static class SweepTable
{
    public static void Write(BoundSweep sweep, IReadOnlyList<RunResult> results, TextWriter writer)
    {
        var train = sweep.Base.Kind == RunKind.Train;
        var ranked = results.Select((result, order) => (Result: result, Order: order, Value: FinalValue(result)))
            .OrderBy(r => double.IsFinite(r.Value) ? 0 : 1).ThenBy(r => double.IsFinite(r.Value) ? r.Value : 0).ThenBy(r => r.Order)
            .ToList();
        writer.WriteLine($"sweep {sweep.Name}: {results.Count} of {sweep.Members.Length} members of run {sweep.Base.Name} ({string.Join(" × ", sweep.Varied)}), best first by final {(train ? "loss" : "cost")}");

        string[] header = train
            ? ["#", "member", "final loss", "data loss", "accuracy", "‖δ¹‖/‖δᴸ‖", "steps", "stop"]
            : ["#", "member", "final cost", "steps", "stop"];
        var rows = ranked.Select((r, rank) => Row(rank + 1, r.Result, train)).Prepend(header).ToList();

        // Accuracy only where there is one (bce, cross_entropy); text columns left-aligned, numbers right-aligned.
        var columns = Enumerable.Range(0, header.Length).Where(c => header[c] != "accuracy" || rows.Skip(1).Any(row => row[c].Length > 0)).ToList();
        var widths = columns.ToDictionary(c => c, c => rows.Max(row => row[c].Length));
        foreach (var row in rows)
        {
            writer.WriteLine("  " + string.Join("  ", columns.Select(c => header[c] is "#" or "member" or "stop" ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]))).TrimEnd());
        }
    }

    private static double FinalValue(RunResult result) => result switch
    {
        TrainResult { StopReason: not StopReason.Diverged } train => train.FinalLoss,
        MinimizeResult { StopReason: not StopReason.Diverged } minimize => minimize.FinalCost,
        _ => double.NaN,
    };

    private static string[] Row(int rank, RunResult result, bool train)
    {
        var number = rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var steps = result is CompletedRunResult c ? c.StepsTaken.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        var stop = result switch
        {
            CompletedRunResult completed => ResultSerializer.StopReasonName(completed.StopReason),
            FailedRunResult failed => $"not run: {failed.Error}",
            _ => "",
        };
        return result switch
        {
            TrainResult t => [number, t.Name, Numbers.Format(t.FinalLoss, Numbers.TableDigits), Numbers.Format(t.DataLoss, Numbers.TableDigits), t.Accuracy is { } a ? Numbers.Format(a, Numbers.TableDigits) : "", Numbers.Format(Ratio(t), Numbers.TableDigits), steps, stop],
            MinimizeResult m => [number, m.Name, Numbers.Format(m.FinalCost, Numbers.TableDigits), steps, stop],
            _ when train => [number, result.Name, "", "", "", "", steps, stop],
            _ => [number, result.Name, "", steps, stop],
        };
    }

    /// <summary>‖δ^1‖/‖δ^L‖ after training: how much of the output's error reaches the first layer.</summary>
    private static double Ratio(TrainResult result) =>
        result.Layers.Count == 0 ? double.NaN : result.Layers[0].DeltaNorm.Final / result.Layers[^1].DeltaNorm.Final;
}
