using System.Text.Json;
using System.Text.Json.Nodes;
using Grad.Cli;
using Grad.Runtime.Contracts;
using Json.Schema;

namespace Grad.Runtime.Tests;

/// <summary>
/// docs/schema/grad-result.schema.json against what the CLI writes: every example, and the
/// samples in tests/schema-samples/ (minimize, until, diverged, mini-batches, a failed run, a
/// file with errors, inspect). The samples' outputs are goldens (GRAD_UPDATE_BASELINES=1
/// rewrites them) that the extension's tests check with ajv against the same schema, so a
/// field added on one side only fails a test on that side.
/// </summary>
public sealed class SchemaTests
{
    private static readonly string SchemaPath = Repo.PathOf("docs/schema/grad-result.schema.json");
    internal static readonly JsonSchema Schema = JsonSchema.FromFile(SchemaPath);
    private static readonly string Samples = Repo.PathOf("tests/schema-samples");

    public static TheoryData<string> Examples() =>
        [.. Directory.GetFiles(Repo.PathOf("examples"), "*.grad", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(Repo.Root, p)).Order(StringComparer.Ordinal)];

    public static TheoryData<string, string> SampleCases() => new()
    {
        { "minimize", "run" },
        { "diverge", "run" },
        { "minibatch", "run" },
        { "minibatch", "inspect" },
        { "failed", "run" },
        { "cures", "run" },
        { "errors", "check" },
        { "sweep", "run" },
    };

    private static string Grad(string verb, string file)
    {
        var stdout = new StringWriter();
        CommandLine.Run([verb, file, "--json", "-"], stdout, new StringWriter());
        // The report names the file as the command line did; make it independent of the checkout.
        return stdout.ToString().Replace(Repo.Root.TrimEnd('/') + "/", "", StringComparison.Ordinal);
    }

    private static string Problems(string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return "";
        }

        return string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Take(10)
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Select(e => $"{e.Key}: {e.Value}"))}"));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryExamplesRunAndInspectOutputMatchesTheSchema(string example)
    {
        foreach (var verb in new[] { "run", "inspect", "check" })
        {
            var output = Grad(verb, Repo.PathOf(example));
            Assert.True(Problems(output) == "", $"grad {verb} {example}:\n{Problems(output)}");
        }
    }

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void EverySampleMatchesTheSchemaAndItsGolden(string sample, string verb)
    {
        var output = Grad(verb, Path.Combine(Samples, sample + ".grad"));
        Assert.True(Problems(output) == "", $"grad {verb} {sample}:\n{Problems(output)}");

        var golden = Path.Combine(Samples, $"{sample}.{verb}.json");
        if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(golden, output);
        }

        Assert.True(File.Exists(golden), $"{golden} is missing; run the tests with GRAD_UPDATE_BASELINES=1");
        Assert.Equal(File.ReadAllText(golden), output);
    }

    [Fact]
    public void TheSamplesCoverEveryKindOfRunTheSchemaDescribes()
    {
        var runs = new[] { "minimize", "diverge", "minibatch", "failed", "cures", "sweep" }
            .SelectMany(s => ResultSerializer.Read(new StringReader(File.ReadAllText(Path.Combine(Samples, s + ".run.json")))).Runs!)
            .ToList();
        var completed = runs.OfType<CompletedRunResult>().ToList();
        Assert.Contains(completed, r => r is MinimizeResult { StopReason: StopReason.Steps });
        Assert.Contains(completed, r => r is MinimizeResult { StopReason: StopReason.Until });
        Assert.Contains(completed, r => r is MinimizeResult { StopReason: StopReason.Diverged });
        Assert.Contains(completed, r => r is TrainResult { StopReason: StopReason.Diverged });
        Assert.Contains(completed, r => r is TrainResult { StopReason: StopReason.Until });
        Assert.Contains(completed, r => r is TrainResult { Accuracy: not null, StepsPerEpoch: > 1 });
        Assert.Contains(completed, r => !r.Findings.IsEmpty && r.Findings.Any(f => !f.Fixes.IsEmpty));
        Assert.Contains(runs, r => r is FailedRunResult);
        Assert.Contains(completed, r => r is MinimizeResult { Member.Sweep: "rates" });
        Assert.Contains(completed, r => r is TrainResult { Member.Sweep: "fits" } && r.Member.Config.Any(c => c.Value is string));
        Assert.Contains(completed, r => r is TrainResult t && t.FinalNetwork.Layers.Any(l => l.RunningMean is not null));
        Assert.NotEmpty(ResultSerializer.Read(new StringReader(File.ReadAllText(Path.Combine(Samples, "minibatch.inspect.json")))).Networks!);
        Assert.Contains(ResultSerializer.Read(new StringReader(File.ReadAllText(Path.Combine(Samples, "errors.check.json")))).Diagnostics, d => d.Code == "GRAD0001");
    }

    [Fact]
    public void TheSchemaRejectsAFieldItDoesNotDescribeAndAMissingOne()
    {
        var output = JsonNode.Parse(File.ReadAllText(Path.Combine(Samples, "minibatch.run.json")))!;
        var train = output["runs"]![0]!;

        train["final"]!["weights"] = 1;
        Assert.Contains("final", Problems(output.ToJsonString()));
        train["final"]!.AsObject().Remove("weights");
        Assert.Equal("", Problems(output.ToJsonString()));

        train["trace"]![0]!.AsObject().Remove("deltaNorms");
        Assert.NotEqual("", Problems(output.ToJsonString()));
    }

    [Fact]
    public void TheSchemasStopReasonsAreTheEnums()
    {
        var schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!;
        var names = schema["$defs"]!["StopReason"]!["enum"]!.AsArray().Select(n => (string)n!);
        Assert.Equal(Enum.GetValues<StopReason>().Select(ResultSerializer.StopReasonName), names);
    }
}
