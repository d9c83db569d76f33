using System.Text;
using Grad.Language.Semantics;
using Grad.Runtime.Data;
using Grad.Runtime.Contracts;
using Grad.Runtime.Networks;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Export;

/// <summary>A generated script, or why none could be written (a message in the user's terms).</summary>
public sealed record ExportResult(string? Script, string? Error)
{
    public static ExportResult Failure(string error) => new(null, error);
}

/// <summary>
/// <c>grad export --to pytorch</c>: one standalone Python script (torch only) that reproduces
/// runs of a file in float64. What depends on Grad's random streams is taken from the runtime
/// and embedded: the initial weights, generated data and each epoch's sample order. The
/// script's logic (the network as nn.Linear layers, Grad's losses and stepping loop, the JSON
/// and the comparison with Grad's) is the fixed Python in Export/Python/.
/// </summary>
public static class PyTorchExport
{
    /// <summary>
    /// The script for the runs of <paramref name="program"/> (one run when <paramref name="runName"/>
    /// is given). <paramref name="sourcePath"/> is the .grad file as the user named it: the JSON's "file".
    /// </summary>
    public static ExportResult Generate(BoundProgram program, string sourcePath, string? runName, Func<BoundData, DataLoadResult>? loadData = null)
    {
        var runs = program.Runs.Where(r => runName is null || r.Name == runName).ToList();
        if (runs.Count == 0)
        {
            return ExportResult.Failure(runName is null
                ? "the file has no runs to export"
                : $"the file has no run '{runName}' (its runs are {string.Join(", ", program.Runs.Select(r => r.Name))})");
        }

        var exported = new ExportedRuns(loadData ?? DataLoader.Load);
        foreach (var run in runs)
        {
            if (exported.Add(run) is { } error)
            {
                return ExportResult.Failure($"run {run.Name}: {error}");
            }
        }

        var script = new StringBuilder()
            .Append(Header(sourcePath, runs))
            .Append(Resource("core.py"))
            .Append(Resource("pytorch_main.py"))
            .Append(exported.Section(sourcePath))
            .Append("\n\nif __name__ == \"__main__\":\n    sys.exit(main())\n");
        return new ExportResult(script.ToString(), null);
    }

    internal static string Resource(string name)
    {
        using var stream = typeof(PyTorchExport).Assembly.GetManifestResourceStream("Grad.Export." + name)
            ?? throw new InvalidOperationException($"missing resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Header(string sourcePath, IReadOnlyList<BoundRun> runs)
    {
        var file = Path.GetFileName(sourcePath);
        var script = Path.ChangeExtension(file, ".py");
        return $$""""
            #!/usr/bin/env python3
            """{{file}}'s run(s) {{string.Join(", ", runs.Select(r => r.Name))}} for PyTorch, written by `grad export {{file}} --to pytorch`.

            Reproduces Grad's results in float64 with torch alone (no Grad runtime): the initial
            weights, the data and each epoch's batch order are Grad's, embedded at the end.

              python3 {{script}} --json out.json        Grad's JSON (the schema of grad run --json)
              python3 {{script}} --check grad.json      compare with `grad run {{file}} --json grad.json`
              python3 {{script}} --world-size 2         train data-parallel in 2 local processes (gloo)
              torchrun --nproc-per-node 2 {{script}}    the same under torchrun
              python3 {{script}} --device cuda          on a GPU (still float64)
            """

            """".Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}

/// <summary>The data section of an exported script: the runs, their data and their costs, as Python literals.</summary>
internal sealed class ExportedRuns(Func<BoundData, DataLoadResult> loadData)
{
    private readonly JArray runs = [];
    private readonly JObject data = [];
    private readonly Dictionary<string, BoundCost> costs = [];

    /// <summary>Adds a run; returns why it cannot be exported, or null.</summary>
    public string? Add(BoundRun run)
    {
        if (run.Kind == RunKind.Minimize)
        {
            var cost = run.Cost!;
            costs[cost.Name] = cost;
            runs.Add(Common(run, run.Steps ?? 1000, [
                new JProperty("cost", cost.Name),
                new JProperty("parameters", new JArray(cost.Parameters)),
                new JProperty("start", new JArray(run.Start)),
            ]));
            return null;
        }

        var network = run.Network!;
        var loaded = loadData(run.Data!);
        if (loaded.Data is not { } set)
        {
            return loaded.Error ?? "the data could not be loaded";
        }

        var model = NetworkModel.FromBound(network);
        if (set.FeatureWidth != model.InputWidth || set.TargetsFor(model.OutputWidth) is null)
        {
            return $"data {set.Name} does not fit network {network.Name} (grad check names the mismatch)";
        }

        JObject dataJson = run.Data switch
        {
            CsvBoundData csv => new JObject { ["csv"] = csv.Path, ["target"] = csv.Target },
            _ => new JObject { ["x"] = Rows(set.Features, set.FeatureWidth), ["y"] = Rows(set.Targets, set.TargetWidth) },
        };

        // Sweep members that vary a constant may have different data under the same name: each gets its own key.
        var key = data[set.Name] is { } existing && !JToken.DeepEquals(existing, dataJson) ? $"{set.Name} ({run.Name})" : set.Name;
        data[key] = dataJson;
        var planned = Runner.PlannedSteps(run, set.Count);
        var batch = run.Batch is { } b && b > 0 && b < set.Count ? b : (int?)null;
        var orders = batch is { } size
            ? new JArray(EpochShuffler.Orders(set.Count, run.Seed, Epochs(planned, set.Count, size)).Select(order => new JArray(order)))
            : null;
        runs.Add(Common(run, planned, [
            new JProperty("networkName", network.Name),
            new JProperty("network", Network(network, model)),
            new JProperty("layers", new JArray(model.Layers.Select(layer => new JObject
            {
                ["index"] = layer.Index,
                ["units"] = layer.Units,
                ["activation"] = layer.IsNorm ? null : layer.Activation.Name,
                ["label"] = layer.Label,
            }))),
            new JProperty("data", set.Name),
            new JProperty("dataKey", key),
            new JProperty("batch", batch),
            new JProperty("orders", orders),
        ]));
        return null;
    }

    public string Section(string sourcePath)
    {
        var text = new StringBuilder()
            .Append("\n\n# ---- what was exported: ").Append(Path.GetFileName(sourcePath)).Append("'s costs, data and runs ")
            .Append('-', 40).Append("\n\n")
            .Append("SOURCE = ").Append(PythonLiteral.String(sourcePath)).Append("\n\n");
        foreach (var cost in costs.Values)
        {
            text.Append('\n').Append(TorchCost.Define(cost)).Append('\n');
        }

        text.Append("\nCOSTS = {").AppendJoin(", ", costs.Values.Select(c => $"{PythonLiteral.String(c.Name)}: {TorchCost.FunctionName(c)}")).Append("}\n\n")
            .Append("DATA = ").Append(PythonLiteral.Write(data)).Append("\n\n")
            .Append("RUNS = ").Append(PythonLiteral.Write(runs)).Append('\n');
        return text.ToString();
    }

    /// <summary>The epochs whose orders the planned updates use (one batch per update).</summary>
    private static int Epochs(int planned, int count, int batch)
    {
        var perEpoch = (count + batch - 1) / batch;
        return Math.Max(1, (int)(((long)planned + perEpoch - 1) / perEpoch));
    }

    private static JObject Common(BoundRun run, int steps, IEnumerable<JProperty> specific)
    {
        var json = new JObject
        {
            ["name"] = run.Name,
            ["kind"] = run.Kind == RunKind.Minimize ? "minimize" : "train",
            ["optimizer"] = Optimizer(run.Optimizer),
            ["optimizerJson"] = OptimizerJson(run.Optimizer),
            ["steps"] = steps,
            ["recordEvery"] = RecordSchedule.For(steps, run.RecordEvery).Every,
            ["until"] = new JArray(run.Until.Select(c => new JArray(c.Metric.ToString().ToLowerInvariant(), c.Threshold))),
            ["schedule"] = run.Schedule is { } schedule ? new JArray(schedule.Phases.Select(Phase)) : null,
            ["clip"] = run.Clip is { } clip ? new JObject { ["kind"] = clip.Kind == ClipKind.Norm ? "norm" : "value", ["bound"] = clip.Bound } : null,
        };
        foreach (var property in specific)
        {
            json.Add(property);
        }

        return json;
    }

    /// <summary>One schedule phase with the arguments of its PyTorch scheduler (the script's make_schedule).</summary>
    private static JObject Phase(SchedulePhase phase) => phase.Kind switch
    {
        ScheduleKind.Step => new JObject { ["kind"] = phase.Name, ["every"] = phase.Every, ["gamma"] = phase.Gamma },
        ScheduleKind.Exponential => new JObject { ["kind"] = phase.Name, ["gamma"] = phase.Gamma },
        ScheduleKind.Cosine => new JObject { ["kind"] = phase.Name, ["period"] = phase.Period, ["min_lr"] = phase.MinLr },
        _ => new JObject { ["kind"] = phase.Name, ["steps"] = phase.Steps, ["start"] = phase.Start },
    };

    /// <summary>The run's <c>"optimizer"</c> as Grad's JSON writes it.</summary>
    private static JToken OptimizerJson(OptimizerSpec spec)
    {
        using var json = new JTokenWriter();
        ResultSerializer.WriteOptimizer(json, spec);
        return json.Token!;
    }

    /// <summary>Every hyperparameter at the value Grad used, under torch.optim's names (the script's make_optimizer).</summary>
    private static JObject Optimizer(OptimizerSpec spec) => new()
    {
        ["kind"] = spec.Name,
        ["lr"] = spec.Lr,
        ["momentum"] = spec.Momentum,
        ["dampening"] = spec.Dampening,
        ["nesterov"] = spec.Nesterov,
        ["weight_decay"] = spec.WeightDecay,
        ["eps"] = spec.Eps,
        ["initial_accumulator"] = spec.InitialAccumulator,
        ["alpha"] = spec.Alpha,
        ["centered"] = spec.Centered,
        ["rho"] = spec.Rho,
        ["beta1"] = spec.Beta1,
        ["beta2"] = spec.Beta2,
        ["amsgrad"] = spec.Amsgrad,
    };

    /// <summary>
    /// The network's layers for the script's Chain: each layer's kind (<c>dense</c>, <c>norm layer</c>,
    /// <c>norm batch</c>), where a residual block's identity path starts (<c>residualFrom</c>: 0 for the
    /// network's input, l for layer l's output), the initial weights (a norm layer's gain) and bias,
    /// and a batch norm's starting running estimates when the weights come from a run (<c>init from</c>).
    /// </summary>
    private static JObject Network(BoundNetwork network, NetworkModel model)
    {
        var parameters = NetworkModel.InitialParameters(network, model);
        var running = NetworkModel.StartingRunningStatistics(network);
        return new JObject
        {
            ["input"] = model.InputWidth,
            ["loss"] = network.Loss switch { LossKind.Mse => "mse", LossKind.Bce => "bce", _ => "cross_entropy" },
            ["layers"] = new JArray(model.Layers.Select((layer, l) => new JObject
            {
                ["units"] = layer.Units,
                ["kind"] = network.Layers[l].KindName,
                ["residualFrom"] = layer.ResidualFrom,
                ["activation"] = layer.Activation.Name,
                ["param"] = layer.Activation.Parameter,
                ["weight"] = layer.IsNorm ? new JArray(model.Weights(parameters, l).ToArray()) : Rows(model.Weights(parameters, l).ToArray(), layer.InputUnits),
                ["bias"] = new JArray(model.Bias(parameters, l).ToArray()),
                ["runningMean"] = running is not null && l < running.Count && running[l] is { } start ? new JArray(start.Mean) : null,
                ["runningVar"] = running is not null && l < running.Count && running[l] is { } same ? new JArray(same.Variance) : null,
            })),
        };
    }

    private static JArray Rows(double[] values, int width) =>
        new(Enumerable.Range(0, values.Length / width).Select(r => new JArray(values.AsSpan(r * width, width).ToArray())));
}
