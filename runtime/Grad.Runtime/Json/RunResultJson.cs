using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Json;

/// <summary>
/// The JSON of run results (LANGUAGE.md's <c>"runs"</c> entries) and of network analyses
/// (<c>grad inspect</c>'s <c>"networks"</c>), shared by the CLI and the language server.
/// Finite numbers are JSON numbers; NaN and the infinities are the strings "NaN",
/// "Infinity" and "-Infinity".
/// </summary>
public static class RunResultJson
{
    public static JArray Runs(IEnumerable<RunResult> results) => new(results.Select(Run));

    public static JObject Run(RunResult result) => result switch
    {
        MinimizeResult minimize => Minimize(minimize),
        TrainResult train => Train(train),
        FailedRunResult failed => new JObject
        {
            ["name"] = failed.Name,
            ["kind"] = Kind(failed.Kind),
            ["optimizer"] = Optimizer(failed.Optimizer),
            ["error"] = failed.Error,
        },
        _ => throw new ArgumentException($"unknown result {result.GetType().Name}", nameof(result)),
    };

    /// <summary><c>{"name": "sgd", "lr": 0.5, …}</c>: the name and the arguments the file gave, in order.</summary>
    public static JObject Optimizer(OptimizerSpec spec)
    {
        var json = new JObject { ["name"] = spec.Name };
        foreach (var (name, value) in spec.Arguments)
        {
            json[name] = value switch
            {
                double number => Number(number),
                bool flag => new JValue(flag),
                int integer => new JValue(integer),
                long integer => new JValue(integer),
                _ => new JValue(value.ToString()),
            };
        }

        return json;
    }

    public static JToken Number(double value) => value switch
    {
        double.NaN => new JValue("NaN"),
        double.PositiveInfinity => new JValue("Infinity"),
        double.NegativeInfinity => new JValue("-Infinity"),
        _ when double.IsNaN(value) => new JValue("NaN"),
        _ => new JValue(value),
    };

    public static JArray Numbers(IEnumerable<double> values) => new(values.Select(Number));

    public static JObject Networks(NetworkAnalysis analysis) => new()
    {
        ["name"] = analysis.NetworkName,
        ["data"] = analysis.DataName,
        ["loss"] = Number(analysis.Loss),
        ["verdict"] = analysis.Verdict.ToString().ToLowerInvariant(),
        ["ratio"] = Number(analysis.Ratio),
        ["layers"] = new JArray(analysis.Layers.Select(layer => new JObject
        {
            ["index"] = layer.Index,
            ["units"] = layer.Units,
            ["activation"] = layer.Activation,
            ["label"] = layer.Label,
            ["deltaNorm"] = Number(layer.DeltaNorm),
            ["weightGradNorm"] = Number(layer.WeightGradNorm),
        })),
    };

    private static string Kind(RunKind kind) => kind == RunKind.Minimize ? "minimize" : "train";

    private static JObject Minimize(MinimizeResult result) => new()
    {
        ["name"] = result.Name,
        ["kind"] = "minimize",
        ["optimizer"] = Optimizer(result.Optimizer),
        ["stepsTaken"] = result.StepsTaken,
        ["stopReason"] = RunResult.StopReasonName(result.StopReason),
        ["final"] = new JObject
        {
            ["cost"] = Number(result.FinalCost),
            ["params"] = ByName(result.ParameterNames, result.FinalParameters),
            ["gradient"] = ByName(result.ParameterNames, result.FinalGradient),
        },
        ["findings"] = Findings(result.Findings),
        ["trace"] = new JArray(result.Trace.Select(point => new JObject
        {
            ["step"] = point.Step,
            ["cost"] = Number(point.Cost),
            ["params"] = ByName(result.ParameterNames, point.Parameters),
            ["gradient"] = ByName(result.ParameterNames, point.Gradient),
        })),
    };

    private static JObject Train(TrainResult result) => new()
    {
        ["name"] = result.Name,
        ["kind"] = "train",
        ["optimizer"] = Optimizer(result.Optimizer),
        ["stepsTaken"] = result.StepsTaken,
        ["stopReason"] = RunResult.StopReasonName(result.StopReason),
        ["final"] = new JObject
        {
            ["loss"] = Number(result.FinalLoss),
            ["dataLoss"] = Number(result.DataLoss),
            ["accuracy"] = result.Accuracy is { } accuracy ? Number(accuracy) : JValue.CreateNull(),
        },
        ["findings"] = Findings(result.Findings),
        ["layers"] = new JArray(result.Layers.Select(layer => new JObject
        {
            ["index"] = layer.Index,
            ["units"] = layer.Units,
            ["activation"] = layer.Activation,
            ["label"] = layer.Label,
            ["deltaNorm"] = Pair(layer.DeltaNorm),
            ["weightGradNorm"] = Pair(layer.WeightGradNorm),
        })),
        ["trace"] = new JArray(result.Trace.Select(point => new JObject
        {
            ["step"] = point.Step,
            ["loss"] = Number(point.Loss),
            ["deltaNorms"] = Numbers(point.DeltaNorms),
            ["weightGradNorms"] = Numbers(point.WeightGradNorms),
        })),
    };

    /// <summary>LANGUAGE.md's <c>findings</c>: severity, code, message, range, and the step and layers when they apply.</summary>
    public static JArray Findings(IEnumerable<Finding> findings) => new(findings.Select(Finding));

    public static JObject Finding(Finding finding)
    {
        var json = new JObject
        {
            ["severity"] = finding.Severity.ToString().ToLowerInvariant(),
            ["code"] = finding.Code,
            ["message"] = finding.Message,
            ["range"] = new JObject
            {
                ["start"] = new JObject { ["line"] = finding.Range.Start.Line, ["character"] = finding.Range.Start.Character },
                ["end"] = new JObject { ["line"] = finding.Range.End.Line, ["character"] = finding.Range.End.Character },
            },
        };
        if (finding.Step is { } step)
        {
            json["step"] = step;
        }

        if (!finding.Layers.IsEmpty)
        {
            json["layers"] = new JArray(finding.Layers);
        }

        if (!finding.Numbers.IsEmpty)
        {
            json["numbers"] = new JObject(finding.Numbers.Select(n => new JProperty(n.Key, Number(n.Value))));
        }

        if (!finding.Fixes.IsEmpty)
        {
            json["fixes"] = new JArray(finding.Fixes.Select(f => new JObject { ["title"] = f.Title, ["kind"] = f.Kind, ["predicted"] = Number(f.Predicted) }));
        }

        return json;
    }

    private static JObject Pair(NormPair pair) => new() { ["initial"] = Number(pair.Initial), ["final"] = Number(pair.Final) };

    private static JObject ByName(IReadOnlyList<string> names, double[] values)
    {
        var json = new JObject();
        for (var i = 0; i < names.Count; i++)
        {
            json[names[i]] = Number(values[i]);
        }

        return json;
    }
}
