using System.Collections.Immutable;
using System.Globalization;
using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Language.Semantics;
using Grad.Language.Text;
using Grad.Runtime.Analysis;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Contracts;

/// <summary>
/// The one serializer of results: writes a <see cref="GradReport"/> (or one run) as the JSON of
/// LANGUAGE.md and docs/schema/grad-result.schema.json, and reads it back into the same records.
/// Writing streams: every value goes straight to the <see cref="JsonWriter"/> (a file, stdout,
/// or a <see cref="JTokenWriter"/> for the language server), a trace point at a time from the
/// trace's compact rows, so writing holds nothing beyond the result itself.
/// Finite numbers are JSON numbers (shortest round-trip form); NaN and the infinities are the
/// strings "NaN", "Infinity" and "-Infinity".
/// </summary>
public static class ResultSerializer
{
    public const string NaN = "NaN";
    public const string Infinity = "Infinity";
    public const string NegativeInfinity = "-Infinity";

    public static string StopReasonName(StopReason reason) => reason switch
    {
        StopReason.Steps => "steps",
        StopReason.Until => "until",
        StopReason.Diverged => "diverged",
        StopReason.Cancelled => "cancelled",
        StopReason.Budget => "budget",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static string KindName(RunKind kind) => kind == RunKind.Minimize ? "minimize" : "train";

    /// <summary>The longest text of a finite number (<see cref="FormatNumber"/>): "-2.2250738585072014E-308".</summary>
    public const int MaxNumberLength = 32;

    /// <summary>Writes the report as indented JSON followed by a newline.</summary>
    public static void Write(GradReport report, TextWriter text)
    {
        using var json = CreateWriter(text);
        WriteReport(json, report);
        json.Flush();
        text.WriteLine();
    }

    /// <summary>The indented JSON writer of results to <paramref name="text"/> (left open): numbers are written without a string each.</summary>
    public static JsonWriter CreateWriter(TextWriter text) =>
        new ResultJsonWriter(text) { Formatting = Formatting.Indented, CloseOutput = false };

    /// <summary>
    /// The JSON text of a finite number, into <paramref name="destination"/> (at least
    /// <see cref="MaxNumberLength"/> characters); returns its length. The shortest text that reads
    /// back as the same double ("R"), with ".0" after an integer (<c>1.0</c>, <c>-0.0</c>, <c>1E+21</c>,
    /// <c>1E-05</c>): how Newtonsoft.Json writes a double, so results written before read the same.
    /// </summary>
    public static int FormatNumber(double value, Span<char> destination)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON writes NaN and the infinities as strings");
        }

        if (!value.TryFormat(destination, out var length, "R", CultureInfo.InvariantCulture))
        {
            throw new ArgumentException($"a number needs up to {MaxNumberLength} characters", nameof(destination));
        }

        if (destination[..length].IndexOfAny('.', 'E') >= 0)
        {
            return length;
        }

        ".0".CopyTo(destination[length..]);
        return length + 2;
    }

    /// <summary>One run's object of <c>"runs"</c>, as a JSON tree (what the language server's <c>grad/run</c> returns).</summary>
    public static JObject ToJson(RunResult run)
    {
        using var json = new JTokenWriter();
        WriteRun(json, run);
        return (JObject)json.Token!;
    }

    public static void WriteReport(JsonWriter json, GradReport report)
    {
        json.WriteStartObject();
        json.WritePropertyName("file");
        json.WriteValue(report.File);
        json.WritePropertyName("diagnostics");
        json.WriteStartArray();
        foreach (var diagnostic in report.Diagnostics)
        {
            WriteDiagnostic(json, diagnostic);
        }

        json.WriteEndArray();
        if (report.Runs is { } runs)
        {
            json.WritePropertyName("runs");
            json.WriteStartArray();
            foreach (var run in runs)
            {
                WriteRun(json, run);
            }

            json.WriteEndArray();
        }

        if (report.Networks is { } networks)
        {
            json.WritePropertyName("networks");
            json.WriteStartArray();
            foreach (var network in networks)
            {
                WriteNetwork(json, network);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    public static void WriteRun(JsonWriter json, RunResult run)
    {
        json.WriteStartObject();
        Property(json, "name", run.Name);
        Property(json, "kind", KindName(run.Kind));
        if (run.Member is { } member)
        {
            WriteMember(json, member);
        }

        switch (run)
        {
            case MinimizeResult minimize:
                Property(json, "cost", minimize.CostName);
                break;
            case TrainResult train:
                Property(json, "network", train.NetworkName);
                Property(json, "data", train.DataName);
                break;
        }

        json.WritePropertyName("optimizer");
        WriteOptimizer(json, run.Optimizer);
        switch (run)
        {
            case MinimizeResult minimize:
                WriteMinimize(json, minimize);
                break;
            case TrainResult train:
                WriteTrain(json, train);
                break;
            case FailedRunResult failed:
                Property(json, "error", failed.Error);
                break;
            default:
                throw new ArgumentException($"unknown result {run.GetType().Name}", nameof(run));
        }

        json.WriteEndObject();
    }

    /// <summary><c>"sweep": "lrs", "config": {"lr": 0.1, "init": "he_normal"}</c>: a sweep member's values in the order of its <c>vary</c> lines.</summary>
    private static void WriteMember(JsonWriter json, SweepMember member)
    {
        Property(json, "sweep", member.Sweep);
        json.WritePropertyName("config");
        json.WriteStartObject();
        foreach (var (setting, value) in member.Config)
        {
            json.WritePropertyName(setting);
            if (value is double number)
            {
                Number(json, number);
            }
            else
            {
                json.WriteValue(value.ToString());
            }
        }

        json.WriteEndObject();
    }

    private static SweepMember? ReadMember(JObject json) => json["sweep"] is { Type: JTokenType.String } sweep
        ? new SweepMember((string)sweep!, [.. ((JObject)Required(json, "config")).Properties()
            .Select(p => KeyValuePair.Create(p.Name, p.Value.Type == JTokenType.String ? (object)(string)p.Value! : ReadNumber(p.Value)))])
        : null;

    /// <summary><c>{"name": "sgd", "lr": 0.5, "momentum": 0, …}</c>: every hyperparameter at its effective value.</summary>
    public static void WriteOptimizer(JsonWriter json, OptimizerSpec spec)
    {
        json.WriteStartObject();
        Property(json, "name", spec.Name);
        foreach (var (name, value) in spec.Effective.IsEmpty ? spec.Arguments : spec.Effective)
        {
            json.WritePropertyName(name);
            switch (value)
            {
                case bool flag:
                    json.WriteValue(flag);
                    break;
                case int integer:
                    json.WriteValue(integer);
                    break;
                case double number:
                    Number(json, number);
                    break;
                default:
                    json.WriteValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// Writes the rest of the value just opened on its line (a trace point, an array of numbers): the
    /// file stays readable, a trace point a line, at a third of the indented size.
    /// </summary>
    private static CompactScope OneLine(JsonWriter json)
    {
        var previous = json.Formatting;
        json.Formatting = Formatting.None;
        return new CompactScope(json, previous);
    }

    private readonly struct CompactScope(JsonWriter json, Formatting previous) : IDisposable
    {
        public void Dispose() => json.Formatting = previous;
    }

    public static void Number(JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteValue(value);
        }
        else
        {
            json.WriteValue(double.IsNaN(value) ? NaN : value > 0 ? Infinity : NegativeInfinity);
        }
    }

    private static void WriteMinimize(JsonWriter json, MinimizeResult result)
    {
        Property(json, "stepsTaken", result.StepsTaken);
        Property(json, "stopReason", StopReasonName(result.StopReason));
        json.WritePropertyName("final");
        json.WriteStartObject();
        NumberProperty(json, "cost", result.FinalCost);
        json.WritePropertyName("params");
        ByName(json, result.ParameterNames, result.FinalParameters);
        json.WritePropertyName("gradient");
        ByName(json, result.ParameterNames, result.FinalGradient);
        json.WriteEndObject();
        WriteFindings(json, result.Findings);

        var trace = result.Trace;
        WriteTrace(json, trace.Count, trace.Step, trace.Cures, i =>
        {
            NumberProperty(json, "cost", trace.Cost(i));
            json.WritePropertyName("params");
            ByName(json, result.ParameterNames, trace.Parameters(i));
            json.WritePropertyName("gradient");
            ByName(json, result.ParameterNames, trace.Gradient(i));
        });
    }

    /// <summary>
    /// The <c>trace</c> array, streamed from the trace's compact rows: a point a line, its
    /// <c>step</c>, then what the run records at it (<paramref name="writePoint"/>), then its
    /// schedule and clipping values, then what follows them (a training point's health).
    /// </summary>
    private static void WriteTrace(JsonWriter json, int count, Func<int, int> step, Func<int, TraceCures> cures, Action<int> writePoint, Action<int>? afterCures = null)
    {
        json.WritePropertyName("trace");
        json.WriteStartArray();
        for (var i = 0; i < count; i++)
        {
            json.WriteStartObject();
            using var line = OneLine(json);
            Property(json, "step", step(i));
            writePoint(i);
            WriteCures(json, cures(i));
            afterCures?.Invoke(i);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>A trace point's <c>lr</c> (runs with a schedule), <c>gradNorm</c> and <c>clipped</c> (runs with clipping).</summary>
    private static void WriteCures(JsonWriter json, TraceCures cures)
    {
        if (cures.Lr is { } lr)
        {
            NumberProperty(json, "lr", lr);
        }

        if (cures.GradNorm is { } norm)
        {
            NumberProperty(json, "gradNorm", norm);
        }

        if (cures.Clipped is { } clipped)
        {
            json.WritePropertyName("clipped");
            json.WriteValue(clipped);
        }
    }

    private static TraceCures? ReadCures(JToken point) =>
        point["lr"] is null && point["gradNorm"] is null && point["clipped"] is null
            ? null
            : new TraceCures(
                point["lr"] is { } lr ? ReadNumber(lr) : null,
                point["gradNorm"] is { } norm ? ReadNumber(norm) : null,
                point["clipped"] is { } clipped ? (bool)clipped : null);

    private static void WriteTrain(JsonWriter json, TrainResult result)
    {
        Property(json, "stepsTaken", result.StepsTaken);
        Property(json, "stopReason", StopReasonName(result.StopReason));
        Property(json, "stepsPerEpoch", result.StepsPerEpoch);
        json.WritePropertyName("final");
        json.WriteStartObject();
        NumberProperty(json, "loss", result.FinalLoss);
        NumberProperty(json, "dataLoss", result.DataLoss);
        json.WritePropertyName("accuracy");
        if (result.Accuracy is { } accuracy)
        {
            Number(json, accuracy);
        }
        else
        {
            json.WriteNull();
        }

        json.WritePropertyName("network");
        json.WriteStartObject();
        json.WritePropertyName("layers");
        json.WriteStartArray();
        foreach (var layer in result.FinalNetwork.Layers)
        {
            json.WriteStartObject();
            Property(json, "index", layer.Index);
            if (layer.Kind != LayerKind.Dense)
            {
                NumbersProperty(json, "gain", layer.Weights);
            }
            else
            {
                json.WritePropertyName("weights");
                json.WriteStartArray();
                for (var unit = 0; unit < layer.Units; unit++)
                {
                    Numbers(json, layer.Weights.AsSpan(unit * layer.Inputs, layer.Inputs));
                }

                json.WriteEndArray();
            }

            NumbersProperty(json, "bias", layer.Bias);
            if (layer.RunningMean is { } runningMean && layer.RunningVariance is { } runningVariance)
            {
                NumbersProperty(json, "runningMean", runningMean);
                NumbersProperty(json, "runningVar", runningVariance);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        WriteFindings(json, result.Findings);

        json.WritePropertyName("layers");
        json.WriteStartArray();
        foreach (var layer in result.Layers)
        {
            json.WriteStartObject();
            Property(json, "index", layer.Index);
            Property(json, "units", layer.Units);
            Property(json, "activation", layer.Activation);
            Property(json, "label", layer.Label);
            json.WritePropertyName("deltaNorm");
            Pair(json, layer.DeltaNorm);
            json.WritePropertyName("weightGradNorm");
            Pair(json, layer.WeightGradNorm);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        var trace = result.Trace;
        WriteTrace(json, trace.Count, trace.Step, trace.Cures, i =>
        {
            NumberProperty(json, "loss", trace.Loss(i));
            NumbersProperty(json, "deltaNorms", trace.DeltaNorms(i));
            NumbersProperty(json, "weightGradNorms", trace.WeightGradNorms(i));
        }, i => WriteHealth(json, trace, i));
        WriteHistograms(json, result.Histograms);
        if (result.SharpnessSkipped is { } skipped)
        {
            Property(json, "sharpnessSkipped", skipped);
        }

        WriteLandscape(json, result.Landscape);
        if (result.LandscapeSkipped is { } landscapeSkipped)
        {
            Property(json, "landscapeSkipped", landscapeSkipped);
        }
    }

    /// <summary>A run's <c>landscape</c> (docs/training.md): the line, the plane's grid (rows of y) and the projected path.</summary>
    private static void WriteLandscape(JsonWriter json, LossLandscape? landscape)
    {
        if (landscape is null)
        {
            return;
        }

        json.WritePropertyName("landscape");
        json.WriteStartObject();
        Property(json, "resolution", landscape.Resolution);
        Property(json, "forwardPasses", landscape.ForwardPasses);
        json.WritePropertyName("line");
        json.WriteStartObject();
        NumbersProperty(json, "alphas", landscape.Alphas);
        NumbersProperty(json, "losses", landscape.LineLosses);
        json.WriteEndObject();
        json.WritePropertyName("plane");
        json.WriteStartObject();
        Property(json, "directions", landscape.Directions == LandscapeDirections.Pca ? "pca" : "random");
        if (landscape.ExplainedVariance is { } explained)
        {
            NumbersProperty(json, "explainedVariance", explained);
        }

        NumbersProperty(json, "xs", landscape.PlaneX);
        NumbersProperty(json, "ys", landscape.PlaneY);
        json.WritePropertyName("losses");
        json.WriteStartArray();
        var row = new double[landscape.PlaneX.Length];
        for (var r = 0; r < landscape.PlaneY.Length; r++)
        {
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = landscape.PlaneLosses[r, c];
            }

            Numbers(json, row);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WritePropertyName("path");
        json.WriteStartObject();
        json.WritePropertyName("steps");
        json.WriteStartArray();
        foreach (var step in landscape.PathSteps)
        {
            json.WriteValue(step);
        }

        json.WriteEndArray();
        NumbersProperty(json, "xs", landscape.PathX);
        NumbersProperty(json, "ys", landscape.PathY);
        json.WriteEndObject();
        if (landscape.Note is { } note)
        {
            Property(json, "note", note);
        }

        json.WriteEndObject();
    }

    private static LossLandscape? ReadLandscape(JToken? json)
    {
        if (json is not JObject landscape)
        {
            return null;
        }

        var plane = Required(landscape, "plane");
        var xs = ReadNumbers(Required(plane, "xs"));
        var ys = ReadNumbers(Required(plane, "ys"));
        var rows = ((JArray)Required(plane, "losses")).Select(ReadNumbers).ToArray();
        var losses = new double[ys.Length, xs.Length];
        for (var r = 0; r < ys.Length; r++)
        {
            for (var c = 0; c < xs.Length; c++)
            {
                losses[r, c] = rows[r][c];
            }
        }

        var line = Required(landscape, "line");
        var path = Required(landscape, "path");
        return new LossLandscape(
            (int)Required(landscape, "resolution"),
            ReadNumbers(Required(line, "alphas")),
            ReadNumbers(Required(line, "losses")),
            Text(plane, "directions") == "pca" ? LandscapeDirections.Pca : LandscapeDirections.Random,
            xs,
            ys,
            losses,
            [.. ((JArray)Required(path, "steps")).Select(s => (int)s)],
            ReadNumbers(Required(path, "xs")),
            ReadNumbers(Required(path, "ys")),
            (int)Required(landscape, "forwardPasses"))
        {
            ExplainedVariance = plane["explainedVariance"] is { } explained ? ReadNumbers(explained) : null,
            Note = (string?)landscape["note"],
        };
    }

    /// <summary>A trace point's health (docs/training.md): <c>deadFractions</c>, <c>saturatedFractions</c>, and where measured <c>updateRatios</c>, <c>sharpness</c> and <c>sharpnessLimit</c>.</summary>
    /// <summary>A point's health as <see cref="TraceHealth"/> lists it, read from the trace's row (no arrays made: a long trace has 10,000 points).</summary>
    private static void WriteHealth(JsonWriter json, TrainTrace trace, int index)
    {
        var parts = trace.MeasuredParts(index);
        if (!parts.HasFlag(HealthParts.Measured))
        {
            return;
        }

        NumbersProperty(json, "deadFractions", trace.DeadFractions(index));
        NumbersProperty(json, "saturatedFractions", trace.SaturatedFractions(index));
        if (parts.HasFlag(HealthParts.UpdateRatios))
        {
            NumbersProperty(json, "updateRatios", trace.UpdateRatios(index));
        }

        if (trace.Sharpness(index) is { } sharpness)
        {
            NumberProperty(json, "sharpness", sharpness);
            json.WritePropertyName("sharpnessLimit");
            if (trace.SharpnessLimit(index) is { } limit)
            {
                Number(json, limit);
            }
            else
            {
                json.WriteNull();
            }
        }
    }

    private static TraceHealth? ReadHealth(JToken point) =>
        point["deadFractions"] is not { } dead ? null : new TraceHealth(ReadNumbers(dead), ReadNumbers(Required(point, "saturatedFractions")))
        {
            UpdateRatios = point["updateRatios"] is { } ratios ? ReadNumbers(ratios) : null,
            Sharpness = point["sharpness"] is { } sharpness ? ReadNumber(sharpness) : null,
            SharpnessLimit = point["sharpnessLimit"] is { Type: not JTokenType.Null } limit ? ReadNumber(limit) : null,
        };

    /// <summary>The run's <c>histograms</c> (only when it has some): step, layer, <c>of</c> (delta or weights), edges, counts, nonFinite.</summary>
    private static void WriteHistograms(JsonWriter json, IReadOnlyList<LayerHistogram> histograms)
    {
        if (histograms.Count == 0)
        {
            return;
        }

        json.WritePropertyName("histograms");
        json.WriteStartArray();
        foreach (var histogram in histograms)
        {
            json.WriteStartObject();
            using var line = OneLine(json);
            Property(json, "step", histogram.Step);
            Property(json, "layer", histogram.Layer);
            Property(json, "of", HistogramName(histogram.Quantity));
            NumbersProperty(json, "edges", histogram.Edges);
            json.WritePropertyName("counts");
            json.WriteStartArray();
            foreach (var count in histogram.Counts)
            {
                json.WriteValue(count);
            }

            json.WriteEndArray();
            json.WritePropertyName("nonFinite");
            json.WriteValue(histogram.NonFinite);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>A histogram's <c>of</c>: "delta" or "weights".</summary>
    public static string HistogramName(HistogramQuantity quantity) => quantity == HistogramQuantity.Delta ? "delta" : "weights";

    private static LayerHistogram ReadHistogram(JToken json) => new(
        (int)Required(json, "step"),
        (int)Required(json, "layer"),
        Text(json, "of") switch
        {
            "delta" => HistogramQuantity.Delta,
            "weights" => HistogramQuantity.Weights,
            var other => throw new FormatException($"unknown histogram quantity '{other}'"),
        },
        ReadNumbers(Required(json, "edges")),
        [.. ((JArray)Required(json, "counts")).Select(c => (long)c)])
    {
        NonFinite = (long)Required(json, "nonFinite"),
    };

    /// <summary>
    /// LANGUAGE.md's <c>findings</c>: severity, code, message and range as a diagnostic's, then
    /// <c>step</c> and <c>layers</c> when they apply, the <c>numbers</c> behind the message, and the
    /// verified <c>fixes</c> (title, kind and predicted figure; their edits stay in the editor).
    /// </summary>
    private static void WriteFindings(JsonWriter json, ImmutableArray<Finding> findings)
    {
        json.WritePropertyName("findings");
        json.WriteStartArray();
        foreach (var finding in findings)
        {
            json.WriteStartObject();
            Property(json, "severity", ReportDiagnostic.SeverityWord(finding.Severity));
            Property(json, "code", finding.Code);
            Property(json, "message", finding.Message);
            json.WritePropertyName("range");
            Range(json, finding.Range);
            if (finding.Step is { } step)
            {
                Property(json, "step", step);
            }

            if (!finding.Layers.IsEmpty)
            {
                json.WritePropertyName("layers");
                json.WriteStartArray();
                foreach (var layer in finding.Layers)
                {
                    json.WriteValue(layer);
                }

                json.WriteEndArray();
            }

            if (!finding.Numbers.IsEmpty)
            {
                json.WritePropertyName("numbers");
                json.WriteStartObject();
                foreach (var (name, value) in finding.Numbers)
                {
                    NumberProperty(json, name, value);
                }

                json.WriteEndObject();
            }

            if (!finding.Fixes.IsEmpty)
            {
                Objects(json, "fixes", finding.Fixes, fix =>
                {
                    Property(json, "title", fix.Title);
                    Property(json, "kind", fix.Kind);
                    NumberProperty(json, "predicted", fix.Predicted);
                });
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteNetwork(JsonWriter json, InspectedNetwork network)
    {
        json.WriteStartObject();
        Property(json, "name", network.Name);
        Property(json, "data", network.Data);
        NumberProperty(json, "loss", network.Loss);
        Property(json, "verdict", network.Verdict.ToString().ToLowerInvariant());
        NumberProperty(json, "ratio", network.Ratio);
        Objects(json, "layers", network.Layers, layer =>
        {
            Property(json, "index", layer.Index);
            Property(json, "units", layer.Units);
            Property(json, "activation", layer.Activation);
            Property(json, "label", layer.Label);
            NumberProperty(json, "deltaNorm", layer.DeltaNorm);
            NumberProperty(json, "weightGradNorm", layer.WeightGradNorm);
        });
        json.WriteEndObject();
    }

    /// <summary><c>"name": [{…}, …]</c>: one object per item, its properties written by <paramref name="writeProperties"/>.</summary>
    private static void Objects<T>(JsonWriter json, string name, IEnumerable<T> items, Action<T> writeProperties)
    {
        json.WritePropertyName(name);
        json.WriteStartArray();
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeProperties(item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteDiagnostic(JsonWriter json, ReportDiagnostic diagnostic)
    {
        json.WriteStartObject();
        Property(json, "severity", ReportDiagnostic.SeverityWord(diagnostic.Severity));
        Property(json, "code", diagnostic.Code);
        Property(json, "message", diagnostic.Message);
        json.WritePropertyName("range");
        Range(json, diagnostic.Range);
        json.WriteEndObject();
    }

    private static void Range(JsonWriter json, LineRange range)
    {
        json.WriteStartObject();
        json.WritePropertyName("start");
        Position(json, range.Start);
        json.WritePropertyName("end");
        Position(json, range.End);
        json.WriteEndObject();
    }

    private static void Position(JsonWriter json, LinePosition position)
    {
        json.WriteStartObject();
        Property(json, "line", position.Line);
        Property(json, "character", position.Character);
        json.WriteEndObject();
    }

    private static void Pair(JsonWriter json, NormPair pair)
    {
        json.WriteStartObject();
        NumberProperty(json, "initial", pair.Initial);
        NumberProperty(json, "final", pair.Final);
        json.WriteEndObject();
    }

    private static void ByName(JsonWriter json, IReadOnlyList<string> names, ReadOnlySpan<double> values)
    {
        json.WriteStartObject();
        for (var i = 0; i < names.Count; i++)
        {
            NumberProperty(json, names[i], values[i]);
        }

        json.WriteEndObject();
    }

    /// <summary>An array of numbers, on one line.</summary>
    private static void Numbers(JsonWriter json, ReadOnlySpan<double> values)
    {
        json.WriteStartArray();
        using var line = OneLine(json);
        foreach (var value in values)
        {
            Number(json, value);
        }

        json.WriteEndArray();
    }

    private static void NumbersProperty(JsonWriter json, string name, ReadOnlySpan<double> values)
    {
        json.WritePropertyName(name);
        Numbers(json, values);
    }

    private static void NumberProperty(JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        Number(json, value);
    }

    private static void Property(JsonWriter json, string name, string? value)
    {
        json.WritePropertyName(name);
        json.WriteValue(value);
    }

    private static void Property(JsonWriter json, string name, int value)
    {
        json.WritePropertyName(name);
        json.WriteValue(value);
    }

    // ---- reading -----------------------------------------------------------------------------

    /// <summary>Reads a report that <see cref="Write"/> wrote; throws <see cref="FormatException"/> when it is not one.</summary>
    public static GradReport Read(TextReader text)
    {
        using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
        return ReadReport(JToken.ReadFrom(reader) as JObject ?? throw new FormatException("a Grad result is a JSON object"));
    }

    public static GradReport ReadReport(JObject json) => new(
        Text(json, "file"),
        [.. RequiredArray(json, "diagnostics").Select(d => ReadDiagnostic((JObject)d))])
    {
        Runs = json["runs"] is JArray runs ? [.. runs.Select(r => ReadRun((JObject)r))] : null,
        Networks = json["networks"] is JArray networks ? [.. networks.Select(n => ReadNetwork((JObject)n))] : null,
    };

    public static RunResult ReadRun(JObject json) => ReadRunOfAnyKind(json) with { Member = ReadMember(json) };

    private static RunResult ReadRunOfAnyKind(JObject json)
    {
        var name = Text(json, "name");
        var kind = Text(json, "kind") switch
        {
            "minimize" => RunKind.Minimize,
            "train" => RunKind.Train,
            var other => throw new FormatException($"run {name}: unknown kind '{other}'"),
        };
        var optimizer = ReadOptimizer(Required(json, "optimizer"));
        if (json["error"] is { } error)
        {
            return new FailedRunResult(name, kind, optimizer, (string)error!);
        }

        var steps = (int)Required(json, "stepsTaken");
        var reason = ReadStopReason(Text(json, "stopReason"));
        var final = Required(json, "final");
        var trace = RequiredArray(json, "trace");
        if (kind == RunKind.Minimize)
        {
            var names = ((JObject)Required(final, "params")).Properties().Select(p => p.Name).ToImmutableArray();
            var minimizeTrace = new MinimizeTrace(names.Length);
            foreach (var point in trace)
            {
                minimizeTrace.Add((int)Required(point, "step"), ReadNumber(Required(point, "cost")), ByName(Required(point, "params"), names), ByName(Required(point, "gradient"), names), ReadCures(point));
            }

            return new MinimizeResult(name, optimizer, steps, reason, Text(json, "cost"), names,
                ReadNumber(Required(final, "cost")), ByName(Required(final, "params"), names), ByName(Required(final, "gradient"), names), minimizeTrace)
            {
                Findings = ReadFindings(json),
            };
        }

        var layers = RequiredArray(json, "layers").Select(l => new LayerSummary(
            (int)Required(l, "index"),
            (int)Required(l, "units"),
            (string?)l["activation"],
            (string?)l["label"],
            ReadPair(Required(l, "deltaNorm")),
            ReadPair(Required(l, "weightGradNorm")))).ToList();
        var trainTrace = new TrainTrace(layers.Count);
        foreach (var point in trace)
        {
            trainTrace.Add((int)Required(point, "step"), ReadNumber(Required(point, "loss")), ReadNumbers(Required(point, "deltaNorms")), ReadNumbers(Required(point, "weightGradNorms")), ReadCures(point), ReadHealth(point));
        }

        var network = new NetworkWeights([.. RequiredArray(Required(final, "network"), "layers").Select(ReadLayerWeights)]);
        var initialLoss = trainTrace.Count > 0 ? trainTrace.Loss(0) : double.NaN;
        return new TrainResult(name, optimizer, steps, reason, Text(json, "network"), Text(json, "data"),
            initialLoss, ReadNumber(Required(final, "loss")), layers, trainTrace, network)
        {
            DataLoss = ReadNumber(Required(final, "dataLoss")),
            StepsPerEpoch = (int)Required(json, "stepsPerEpoch"),
            Accuracy = final["accuracy"] is { Type: not JTokenType.Null } accuracy ? ReadNumber(accuracy) : null,
            Findings = ReadFindings(json),
            Histograms = json["histograms"] is JArray histograms ? [.. histograms.Select(ReadHistogram)] : [],
            SharpnessSkipped = (string?)json["sharpnessSkipped"],
            Landscape = ReadLandscape(json["landscape"]),
            LandscapeSkipped = (string?)json["landscapeSkipped"],
        };
    }

    /// <summary>
    /// The final weights of training run <paramref name="runName"/> in a result's text (for
    /// <c>init from</c>): only that run's <c>final.network</c> is read, not its trace.
    /// </summary>
    public static RunWeightsLookup ReadFinalNetwork(string text, string runName)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
            if (JToken.ReadFrom(reader) is not JObject json || json["runs"] is not JArray runs)
            {
                return RunWeightsLookup.NotAResult("it has no \"runs\" (write it with `grad run FILE --json`)");
            }

            var training = runs.OfType<JObject>().Where(r => (string?)r["kind"] == "train").Select(r => (string?)r["name"]).OfType<string>().ToList();
            var known = training.Count == 0 ? "it has no training runs" : $"its training runs: {string.Join(", ", training)}";
            if (runs.OfType<JObject>().FirstOrDefault(r => (string?)r["name"] == runName) is not { } run)
            {
                return RunWeightsLookup.NoSuchRun($"has no run {runName} ({known})", training);
            }

            if ((string?)run["kind"] != "train")
            {
                return RunWeightsLookup.NoSuchRun($"has run {runName}, but it minimizes a cost: only a training run has a network's weights ({known})", training);
            }

            if (run["error"] is { } error)
            {
                return RunWeightsLookup.NoSuchRun($"has run {runName}, but it failed, so it has no weights: {FilePaths.Escape((string?)error ?? "", 120)}", training);
            }

            var layers = RequiredArray(Required(Required(run, "final"), "network"), "layers").Select(ReadLayerWeights).ToList();
            for (var l = 0; l < layers.Count; l++)
            {
                if (layers[l].Index != l + 1 || layers[l].Bias.Length != layers[l].Units || layers[l].Weights.Length != (layers[l].Kind == LayerKind.Dense ? (long)layers[l].Units * layers[l].Inputs : layers[l].Units))
                {
                    return RunWeightsLookup.NotAResult($"run {runName}'s layer {l + 1} has weights and biases of different shapes or an index out of order");
                }
            }

            return RunWeightsLookup.Found(layers);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidCastException or ArgumentException or OverflowException)
        {
            return RunWeightsLookup.NotAResult(FilePaths.Escape(e.Message, 120));
        }
    }

    public static double ReadNumber(JToken token) => token.Type switch
    {
        JTokenType.Float or JTokenType.Integer => (double)token,
        JTokenType.String => (string)token! switch
        {
            NaN => double.NaN,
            Infinity => double.PositiveInfinity,
            NegativeInfinity => double.NegativeInfinity,
            var other => throw new FormatException($"'{other}' at {token.Path} is not a number"),
        },
        _ => throw new FormatException($"{token.Path} is not a number"),
    };

    /// <summary>
    /// A run's findings as the JSON has them. The JSON has no text spans (its ranges are lines and
    /// columns) and no fix edits, so a finding read back has an empty span and fixes without edits.
    /// </summary>
    private static ImmutableArray<Finding> ReadFindings(JToken run) =>
        [.. RequiredArray(run, "findings").Select(f =>
        {
            var code = Text(f, "code");
            var descriptor = DiagnosticCatalog.All.FirstOrDefault(d => d.Code == code) ?? throw new FormatException($"unknown finding code '{code}'");
            var range = Required(f, "range");
            return new Finding(descriptor, default, new LineRange(ReadPosition(Required(range, "start")), ReadPosition(Required(range, "end"))), Text(f, "message"))
            {
                Step = f["step"] is { } step ? (int)step : null,
                Layers = f["layers"] is JArray layers ? [.. layers.Select(l => (int)l)] : [],
                Numbers = f["numbers"] is JObject numbers
                    ? numbers.Properties().ToImmutableSortedDictionary(p => p.Name, p => ReadNumber(p.Value), StringComparer.Ordinal)
                    : ImmutableSortedDictionary<string, double>.Empty,
                Fixes = f["fixes"] is JArray fixes
                    ? [.. fixes.Select(x => new VerifiedFix(Text(x, "title"), Text(x, "kind"), [], ReadNumber(Required(x, "predicted"))))]
                    : [],
            };
        })];

    private static StopReason ReadStopReason(string name) =>
        Enum.GetValues<StopReason>().FirstOrDefault(r => StopReasonName(r) == name, (StopReason)(-1)) is var reason && Enum.IsDefined(reason)
            ? reason
            : throw new FormatException($"unknown stopReason '{name}'");

    private static OptimizerSpec ReadOptimizer(JToken json)
    {
        var name = Text(json, "name");
        var optimizer = Builtins.Find(Builtins.Optimizers, name) ?? throw new FormatException($"unknown optimizer '{name}'");
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var parameter in optimizer.Parameters)
        {
            if (json[parameter.Name] is { } value)
            {
                values[parameter.Name] = parameter.Kind == ArgumentKind.Boolean ? (bool)value : ReadNumber(value);
            }
        }

        return OptimizerSpec.Create(optimizer, values, []);
    }

    private static LayerWeights ReadLayerWeights(JToken json)
    {
        if (json["gain"] is { } gain)
        {
            // A norm layer: `norm batch` when it has running estimates.
            var gains = ReadNumbers(gain);
            var mean = json["runningMean"] is { } m ? ReadNumbers(m) : null;
            return new LayerWeights((int)Required(json, "index"), gains.Length, gains.Length, gains, ReadNumbers(Required(json, "bias")))
            {
                Kind = mean is null ? LayerKind.LayerNorm : LayerKind.BatchNorm,
                RunningMean = mean,
                RunningVariance = json["runningVar"] is { } v ? ReadNumbers(v) : null,
            };
        }

        var rows = RequiredArray(json, "weights").Select(row => ReadNumbers(row)).ToArray();
        var inputs = rows.Length == 0 ? 0 : rows[0].Length;
        if (rows.Any(r => r.Length != inputs))
        {
            throw new FormatException($"{json.Path}.weights: rows of different lengths");
        }

        return new LayerWeights((int)Required(json, "index"), rows.Length, inputs, [.. rows.SelectMany(r => r)], ReadNumbers(Required(json, "bias")));
    }

    private static InspectedNetwork ReadNetwork(JObject json) => new(
        Text(json, "name"),
        (string?)json["data"],
        ReadNumber(Required(json, "loss")),
        Enum.Parse<GradientVerdict>(Text(json, "verdict"), ignoreCase: true),
        ReadNumber(Required(json, "ratio")),
        [.. RequiredArray(json, "layers").Select(l => new InspectedLayer(
            (int)Required(l, "index"),
            (int)Required(l, "units"),
            (string?)l["activation"],
            (string?)l["label"],
            ReadNumber(Required(l, "deltaNorm")),
            ReadNumber(Required(l, "weightGradNorm"))))]);

    private static ReportDiagnostic ReadDiagnostic(JObject json)
    {
        var severity = Enum.GetValues<DiagnosticSeverity>().First(s => ReportDiagnostic.SeverityWord(s) == Text(json, "severity"));
        var range = Required(json, "range");
        return new ReportDiagnostic(severity, Text(json, "code"), Text(json, "message"),
            new LineRange(ReadPosition(Required(range, "start")), ReadPosition(Required(range, "end"))));
    }

    private static LinePosition ReadPosition(JToken json) => new((int)Required(json, "line"), (int)Required(json, "character"));

    private static NormPair ReadPair(JToken json) => new(ReadNumber(Required(json, "initial")), ReadNumber(Required(json, "final")));

    private static double[] ByName(JToken json, ImmutableArray<string> names) => [.. names.Select(n => ReadNumber(Required(json, n)))];

    private static double[] ReadNumbers(JToken json) => [.. ((JArray)json).Select(ReadNumber)];

    private static JToken Required(JToken json, string name) =>
        json[name] is { Type: not JTokenType.Null } value ? value : throw new FormatException($"{(json.Path.Length == 0 ? "the result" : json.Path)} has no '{name}'");

    private static JArray RequiredArray(JToken json, string name) =>
        Required(json, name) as JArray ?? throw new FormatException($"{json.Path}.{name} is not an array");

    private static string Text(JToken json, string name) => (string)Required(json, name)!;
}

/// <summary>The weights reader that the CLI and the server give the compilation, for <c>init from</c>: <see cref="ResultSerializer.ReadFinalNetwork"/>.</summary>
public sealed class ResultWeightsReader : IRunWeightsReader
{
    public static ResultWeightsReader Instance { get; } = new();

    public RunWeightsLookup Read(string resultText, string runName) => ResultSerializer.ReadFinalNetwork(resultText, runName);
}
