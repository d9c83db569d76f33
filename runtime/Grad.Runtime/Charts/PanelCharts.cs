using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Charts;

/// <summary>
/// The editor's Gradient Flow panel as data: the runtime's <see cref="ChartSet"/> (which charts,
/// their series, log scales and titles) and the runs' numbers as text, in the JSON that the
/// extension's webview draws (<c>vscode-extension/src/panel/panelData.ts</c> declares it). The
/// language server sends it (<c>grad/panel</c>); the extension derives nothing and formats no
/// number: every value it shows comes with its text (<see cref="Numbers.Format(double, int)"/>).
/// </summary>
/// <remarks>
/// Sections: the runs compared (cost curves and paths over the level sets per cost, loss curves
/// per data set), every network's gradient flow (at its initial weights before a run trains it:
/// the profile the panel shows as soon as it opens), then each run's numbers with its own chart
/// (a training run's ‖δ^l‖ heatmap, a minimize run's gradient components).
/// </remarks>
public static class PanelCharts
{
    /// <summary>Significant digits of the values the panel shows (tooltips, tables).</summary>
    public const int Digits = 4;

    /// <summary>A log axis shows at most this many decades below the largest value, so that the runs that stall stay visible beside one that reaches 1e-300.</summary>
    public const int MaxLogDecades = 24;

    /// <summary>Significant digits of the level lines' coordinates (far below a pixel).</summary>
    public const int DrawnDigits = 6;

    /// <summary>What the panel shows where there is no value.</summary>
    public const string NoValue = "–";

    /// <summary>The panel of <paramref name="file"/>: <paramref name="charts"/> made from <paramref name="runs"/> (in the file's order) and the file's error messages.</summary>
    public static JObject Build(string file, ChartSet charts, IReadOnlyList<CompletedRunResult> runs, IReadOnlyList<string> errors)
    {
        var sections = new JArray();
        var compared = new JArray();
        var index = 0;
        foreach (var line in charts.Lines.Where(l => l.FileStem.EndsWith("-cost", StringComparison.Ordinal) || l.FileStem.EndsWith("-loss", StringComparison.Ordinal)))
        {
            compared.Add(Line($"compared-{index++}", line));
            var cost = line.FileStem.EndsWith("-cost", StringComparison.Ordinal) ? line.FileStem[..^"-cost".Length] : null;
            if (charts.Contours.FirstOrDefault(c => c.CostName == cost) is { } contour)
            {
                compared.Add(Paths($"paths-{index++}", contour));
            }
        }

        if (compared.Count > 0)
        {
            sections.Add(Section("Runs compared", null, null, compared));
        }

        var flows = new JArray(charts.Flows.Select((flow, i) => Flow($"flow-{i}", flow)));
        if (charts.FlowComparison is { } comparison)
        {
            flows.Add(Comparison("flow-comparison", comparison));
        }

        if (flows.Count > 0)
        {
            sections.Add(Section("Gradient flow per layer", null, null, flows));
        }

        foreach (var (run, i) in runs.Select((r, i) => (r, i)))
        {
            var own = new JArray();
            if (run is TrainResult train && charts.Heatmaps.FirstOrDefault(h => h.RunName == run.Name) is { } heatmap)
            {
                own.Add(Heatmap($"heatmap-{i}", heatmap, [.. train.Layers.Select(l => LayerName(l.Index, l.Label))]));
            }
            else if (run is MinimizeResult && charts.Lines.FirstOrDefault(l => l.FileStem == $"{run.Name}-gradient") is { } gradient)
            {
                own.Add(Line($"gradient-{i}", gradient));
            }

            if (charts.Health.FirstOrDefault(h => h.RunName == run.Name) is { } health)
            {
                foreach (var (chart, k) in health.Charts.Select((c, k) => (c, k)))
                {
                    own.Add(Line($"health-{i}-{k}", chart));
                }
            }

            if (charts.Landscapes.FirstOrDefault(l => l.RunName == run.Name) is { } landscape)
            {
                own.Add(Paths($"landscape-{i}", landscape.Plane));
                own.Add(Line($"landscape-line-{i}", landscape.Line));
            }

            sections.Add(Section($"run {run.Name}", run, Table(run), own));
        }

        return new JObject
        {
            ["file"] = file,
            ["errors"] = new JArray(errors),
            ["runCount"] = runs.Count,
            ["sections"] = sections,
        };
    }

    /// <summary><paramref name="value"/> as the panel shows it: <see cref="Digits"/> significant digits, ∞ and NaN as everywhere.</summary>
    public static string Text(double value) => Numbers.Format(value, Digits);

    /// <summary>A run's one-line summary, as the panel's heading and the editor's messages show it: "1000 steps, loss 0.0123".</summary>
    public static string Summary(CompletedRunResult run)
    {
        var steps = $"{run.StepsTaken} step{(run.StepsTaken == 1 ? "" : "s")}";
        var stop = run.StopReason switch
        {
            StopReason.Until => $"{steps}, stopped by until",
            StopReason.Diverged => $"diverged after {steps}",
            _ => steps,
        };
        return run switch
        {
            TrainResult train => $"{stop}, loss {Text(train.FinalLoss)}" +
                (train.Layers.Count > 0 ? $", ‖δ¹‖/‖δᴸ‖ {Text(train.Layers[0].DeltaNorm.Final / train.Layers[^1].DeltaNorm.Final)}" : ""),
            MinimizeResult minimize => $"{stop}, cost {Text(minimize.FinalCost)}, " +
                string.Join(", ", minimize.ParameterNames.Select((name, k) => $"{name} = {Text(minimize.FinalParameters[k])}")),
            _ => stop,
        };
    }

    private static JObject Section(string title, CompletedRunResult? run, JObject? table, JArray charts)
    {
        var section = new JObject { ["title"] = title, ["charts"] = charts };
        if (run is not null)
        {
            section["run"] = run.Name;
            section["kind"] = ResultSerializer.KindName(run.Kind);
            section["optimizer"] = run.Optimizer.Name;
            section["summary"] = Summary(run);
            section["table"] = table;
        }

        return section;
    }

    /// <summary>A run's numbers: per layer for a training run, per parameter for a minimize run.</summary>
    private static JObject Table(CompletedRunResult run) => run switch
    {
        TrainResult train => new JObject
        {
            ["caption"] = $"final loss {Text(train.FinalLoss)}",
            ["numericFrom"] = 3,
            ["header"] = new JArray("layer l", "units", "activation", "‖δˡ‖ initial", "‖δˡ‖ after training", "‖∂C/∂Wˡ‖ initial", "‖∂C/∂Wˡ‖ after training"),
            ["rows"] = new JArray(train.Layers.Select(l => new JArray(
                LayerName(l.Index, l.Label),
                $"{l.Units}",
                l.Activation ?? l.Kind,
                Text(l.DeltaNorm.Initial),
                Text(l.DeltaNorm.Final),
                Text(l.WeightGradNorm.Initial),
                Text(l.WeightGradNorm.Final)))),
        },
        MinimizeResult minimize => new JObject
        {
            ["caption"] = $"final cost {Text(minimize.FinalCost)}",
            ["numericFrom"] = 1,
            ["header"] = new JArray("parameter", "final value", "final gradient"),
            ["rows"] = new JArray(minimize.ParameterNames.Select((name, k) => new JArray(name, Text(minimize.FinalParameters[k]), Text(minimize.FinalGradient[k])))),
        },
        _ => new JObject(),
    };

    /// <summary>"9 out": a layer's index and its label (<c>as out</c>).</summary>
    private static string LayerName(int index, string? label) => label is null ? $"{index}" : $"{index} {label}";

    /// <summary>A line chart whose series share one x axis: the union of their x values, null where a series has no point.</summary>
    private static JObject Line(string id, LineChart chart) =>
        AlignedLines(id, chart.Title, chart.XLabel, chart.YLabel, chart.LogY, chart.Series.Select(s => (s.Name, s.X, s.Y)).ToList(), null);

    private static JObject Flow(string id, GradientFlowChart flow) =>
        AlignedLines(id, flow.Title, "layer l", "norm", LogY: true,
            [.. flow.Series.Select(s => (s.Name, flow.Layers.Select(l => (double)l).ToArray(), s.Values))],
            new JArray(flow.Layers.Select((layer, i) => new JObject { ["value"] = layer, ["label"] = flow.LayerNames[i] })));

    private static JObject Comparison(string id, FlowComparisonChart comparison)
    {
        var layers = comparison.Networks.SelectMany(n => n.Layers).Distinct().Order().ToArray();
        return AlignedLines(id, FlowComparisonChart.Title, "layer l", "‖δˡ‖", LogY: true,
            [.. comparison.Networks.Select(n => (n.NetworkName, n.Layers.Select(l => (double)l).ToArray(), n.DeltaNorms))],
            new JArray(layers.Select(l => new JObject { ["value"] = l, ["label"] = $"{l}" })));
    }

    /// <summary>A line chart in the panel's JSON (the what-if panel's overlays use it too).</summary>
    internal static JObject AlignedLines(string id, string title, string xLabel, string yLabel, bool LogY, IReadOnlyList<(string Name, double[] X, double[] Y)> series, JArray? xTicks)
    {
        var xs = series.SelectMany(s => s.X).Where(double.IsFinite).Distinct().Order().ToArray();
        var column = xs.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i);
        var notes = new List<string>();
        var positive = series.SelectMany(s => s.Y).Where(v => v > 0 && double.IsFinite(v)).ToList();
        var logY = LogY && positive.Count > 0;
        double? floor = null;
        if (logY)
        {
            if (series.Any(s => s.Y.Any(v => v <= 0)))
            {
                notes.Add("Zeros are not drawn on the log scale.");
            }

            var top = Math.Ceiling(Math.Log10(positive.Max()));
            if (Math.Log10(positive.Min()) < top - MaxLogDecades)
            {
                floor = Math.Pow(10, top - MaxLogDecades);
                notes.Add($"The axis stops {MaxLogDecades} decades below the largest value; smaller values leave the chart at the bottom.");
            }
        }

        var lines = new JArray();
        foreach (var (name, x, y) in series)
        {
            var values = new JToken[xs.Length];
            var texts = new string[xs.Length];
            Array.Fill(values, JValue.CreateNull());
            Array.Fill(texts, NoValue);
            for (var k = 0; k < Math.Min(x.Length, y.Length); k++)
            {
                if (!column.TryGetValue(x[k], out var at))
                {
                    continue;
                }

                texts[at] = Text(y[k]);
                values[at] = double.IsFinite(y[k]) && (!logY || y[k] > 0) ? y[k] : JValue.CreateNull();
            }

            lines.Add(new JObject { ["label"] = name, ["values"] = new JArray(values), ["texts"] = new JArray(texts) });
        }

        var chart = new JObject
        {
            ["kind"] = "line",
            ["id"] = id,
            ["title"] = title,
            ["xLabel"] = xLabel,
            ["yLabel"] = yLabel,
            ["logY"] = logY,
            ["xs"] = new JArray(xs),
            ["series"] = lines,
        };
        if (floor is { } logFloor)
        {
            chart["logFloor"] = logFloor;
        }

        if (xTicks is not null)
        {
            chart["xTicks"] = xTicks;
        }

        if (notes.Count > 0)
        {
            chart["note"] = string.Join(" ", notes);
        }

        return chart;
    }

    /// <summary>The minimize runs' paths over their cost's level sets (the contour chart of <c>grad run --plot</c>).</summary>
    private static JObject Paths(string id, ContourChart contour)
    {
        var levels = contour.Levels.Levels;
        var chart = new JObject
        {
            ["kind"] = "path",
            ["id"] = id,
            ["title"] = contour.Title,
            ["xParam"] = contour.XParameter,
            ["yParam"] = contour.YParameter,
            ["series"] = new JArray(contour.Paths.Select(p => new JObject
            {
                ["label"] = p.RunName,
                ["steps"] = new JArray(p.Steps),
                ["xs"] = Finite(p.X),
                ["ys"] = Finite(p.Y),
                ["xTexts"] = new JArray(p.X.Select(Text)),
                ["yTexts"] = new JArray(p.Y.Select(Text)),
            })),
            ["contour"] = new JObject
            {
                ["cost"] = contour.CostName,
                ["levels"] = new JArray(levels.Select(Drawn)),
                ["lines"] = new JArray(contour.Lines.Select(line => new JObject { ["level"] = Drawn(line.Level), ["xs"] = new JArray(line.X.Select(Drawn)), ["ys"] = new JArray(line.Y.Select(Drawn)) })),
                ["window"] = new JObject { ["xMin"] = contour.Window.XMin, ["xMax"] = contour.Window.XMax, ["yMin"] = contour.Window.YMin, ["yMax"] = contour.Window.YMax },
            },
        };
        if (levels.Count > 0)
        {
            chart["note"] = $"Thin lines: level sets of {contour.CostName}, {levels.Count} levels log-spaced from {Text(levels[0])} to {Text(levels[^1])}.";
        }

        return chart;
    }

    /// <summary>log10 ‖δ^l‖ per layer and step as coloured cells, with each cell's norm as text.</summary>
    private static JObject Heatmap(string id, DeltaHeatmap heatmap, string[] layerNames)
    {
        var (rows, columns) = (heatmap.Log10Norms.GetLength(0), heatmap.Log10Norms.GetLength(1));
        var finite = Enumerable.Range(0, rows).SelectMany(l => Enumerable.Range(0, columns).Select(k => heatmap.Log10Norms[l, k])).Where(double.IsFinite).ToList();
        return new JObject
        {
            ["kind"] = "heatmap",
            ["id"] = id,
            ["title"] = heatmap.Title,
            ["steps"] = new JArray(heatmap.Steps),
            ["layerLabels"] = new JArray(layerNames),
            ["log10Norms"] = new JArray(Enumerable.Range(0, rows).Select(l => Finite([.. Enumerable.Range(0, columns).Select(k => heatmap.Log10Norms[l, k])]))),
            ["texts"] = new JArray(Enumerable.Range(0, rows).Select(l => new JArray(Enumerable.Range(0, columns)
                .Select(k => double.IsFinite(heatmap.Log10Norms[l, k]) ? Text(Math.Pow(10, heatmap.Log10Norms[l, k])) : "0 or not finite")))),
            ["log10Min"] = finite.Count == 0 ? 0 : finite.Min(),
            ["log10Max"] = finite.Count == 0 ? 0 : finite.Max(),
        };
    }

    /// <summary>A level line's coordinate to <see cref="DrawnDigits"/> significant digits: only drawn, never shown, so the payload stays modest.</summary>
    private static double Drawn(double value) =>
        double.IsFinite(value) && value != 0 ? double.Parse(value.ToString($"G{DrawnDigits}", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) : value;

    /// <summary>Finite values as numbers, the others as null (a gap).</summary>
    private static JArray Finite(IEnumerable<double> values) => new(values.Select(v => double.IsFinite(v) ? (JToken)v : JValue.CreateNull()));
}
