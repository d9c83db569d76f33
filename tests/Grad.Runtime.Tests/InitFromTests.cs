using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Runtime.Contracts;
using Grad.Runtime.Files;

namespace Grad.Runtime.Tests;

/// <summary>
/// <c>init from "FILE.json" run RUN</c>: training continues from the weights a run wrote (through
/// the CLI, file to file), and every way the weights cannot be used is GRAD0326 at its own range.
/// </summary>
public sealed class InitFromTests() : CliScratch("grad-init-from-")
{
    private const string Data = "data d = moons(n = 40, noise = 0.1, seed = 3)\n";

    private static string Network(string init) => $$"""
        network n {
          input 2
          dense 6 tanh
          norm layer
          dense 1 sigmoid
          loss bce
          seed 7
          {{init}}
        }

        """;

    private static string Run(string name, int steps) => $$"""
        run {{name}} {
          train n on d
          optimizer sgd(lr = 0.3)
          steps {{steps}}
        }

        """;

    [Fact]
    public void Fifty_steps_then_fifty_from_the_written_weights_equal_one_hundred_steps_bit_for_bit()
    {
        var first = Write("first.grad", Network("") + Data + Run("first", 50));
        var second = Write("second.grad", Network("init from \"first.json\" run first") + Data + Run("second", 50));
        var whole = Write("whole.grad", Network("") + Data + Run("whole", 100));

        Assert.Equal(0, Grad("run", first, "--json", Path.Combine(directory, "first.json"), "--quiet").Exit);
        var (exit, output, _) = Grad("run", second, "--json", Path.Combine(directory, "second.json"), "--quiet");
        Assert.True(exit == 0, output);
        Assert.Equal(0, Grad("run", whole, "--json", Path.Combine(directory, "whole.json"), "--quiet").Exit);

        var continued = Train(Read("second.json"));
        var straight = Train(Read("whole.json"));
        var halfway = Train(Read("first.json"));
        Assert.Equal(50, continued.StepsTaken);
        Assert.Equal(100, straight.StepsTaken);
        Assert.Equal(Flatten(straight), Flatten(continued)); // every weight and bias, bit for bit
        Assert.Equal(straight.FinalLoss, continued.FinalLoss);
        Assert.Equal(straight.DataLoss, continued.DataLoss);
        // The continued run starts where the first stopped: the same weights give the same loss.
        Assert.Equal(halfway.FinalLoss, continued.InitialLoss);
        Assert.NotEqual(Flatten(halfway), Flatten(continued));
    }

    [Fact]
    public void Batch_norm_running_estimates_are_carried_over()
    {
        var network = Network("").Replace("norm layer", "norm batch", StringComparison.Ordinal);
        var first = Write("first.grad", network + Data + Run("first", 50));
        var second = Write("second.grad", network.Replace("seed 7", "seed 7\n  init from \"first.json\" run first", StringComparison.Ordinal) + Data + Run("second", 50));
        var whole = Write("whole.grad", network + Data + Run("whole", 100));
        Grad("run", first, "--json", Path.Combine(directory, "first.json"), "--quiet");
        Grad("run", second, "--json", Path.Combine(directory, "second.json"), "--quiet");
        Grad("run", whole, "--json", Path.Combine(directory, "whole.json"), "--quiet");

        var continued = Train(Read("second.json")).FinalNetwork.Layers[1];
        var straight = Train(Read("whole.json")).FinalNetwork.Layers[1];
        Assert.Equal(straight.RunningMean, continued.RunningMean);
        Assert.Equal(straight.RunningVariance, continued.RunningVariance);
        Assert.Equal(straight.Weights, continued.Weights);
    }

    [Fact]
    public void A_missing_file_is_reported_at_the_path()
    {
        var text = Network("init from \"nowhere.json\" run first") + Data;
        var diagnostic = Single(text);
        Assert.Equal("\"nowhere.json\"", Spanned(text, diagnostic));
        Assert.Equal("no file 'nowhere.json' next to this .grad file", diagnostic.Message);
    }

    [Fact]
    public void A_missing_run_is_reported_at_its_name_with_the_files_training_runs()
    {
        WriteFirstResult();
        var text = Network("init from \"first.json\" run frist") + Data;
        var diagnostic = Single(text);
        Assert.Equal("frist", Spanned(text, diagnostic));
        Assert.Equal("'first.json' has no run frist (its training runs: first); did you mean 'first'?", diagnostic.Message);
    }

    [Fact]
    public void A_minimize_run_has_no_network_weights()
    {
        Write("bowl.grad", "cost bowl(w) = w^2\nrun descend {\n  minimize bowl from w = 1\n  optimizer sgd(lr = 0.1)\n  steps 3\n}\n");
        Assert.Equal(0, Grad("run", Path.Combine(directory, "bowl.grad"), "--json", Path.Combine(directory, "bowl.json"), "--quiet").Exit);
        var text = Network("init from \"bowl.json\" run descend") + Data;
        var diagnostic = Single(text);
        Assert.Equal("descend", Spanned(text, diagnostic));
        Assert.StartsWith("'bowl.json' has run descend, but it minimizes a cost", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_of_another_width_is_reported_at_that_layer()
    {
        WriteFirstResult();
        var text = Network("init from \"first.json\" run first").Replace("dense 6 tanh", "dense 5 tanh", StringComparison.Ordinal) + Data;
        var diagnostics = Compile(text).Diagnostics;
        var diagnostic = Assert.Single(diagnostics, d => d.Code == "GRAD0326");
        Assert.Equal("dense 5 tanh", Spanned(text, diagnostic));
        Assert.Equal("layer 1 of network n is dense 5 (from 2 inputs), but in run first of 'first.json' it is dense 6 (from 2 inputs)", diagnostic.Message);
        var related = Assert.Single(diagnostic.Related).Span;
        Assert.Equal("first", text.Substring(related.Start, related.Length));
    }

    [Fact]
    public void A_network_of_another_depth_is_reported_at_the_run_name()
    {
        WriteFirstResult();
        var text = Network("init from \"first.json\" run first").Replace("norm layer\n", "", StringComparison.Ordinal) + Data;
        var diagnostic = Single(text);
        Assert.Equal("first", Spanned(text, diagnostic));
        Assert.Equal("run first in 'first.json' trained a network of 3 layers, but network n has 2", diagnostic.Message);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"runs\": [{\"name\": \"first\", \"kind\": \"train\", \"final\": {\"network\": {\"layers\": [{\"index\": 1, \"weights\": [[1, 2], [3]], \"bias\": [0, 0]}]}}}]}")]
    [InlineData("{\"runs\": [{\"name\": \"first\", \"kind\": \"train\", \"final\": {\"network\": {\"layers\": [{\"index\": 1, \"weights\": [[1, 2]], \"bias\": [0, 0, 0]}]}}}]}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"runs\": 5}")]
    public void A_file_that_is_not_a_result_is_reported_at_the_path(string content)
    {
        Write("first.json", content);
        var text = Network("init from \"first.json\" run first") + Data;
        var diagnostic = Single(text);
        Assert.Equal("\"first.json\"", Spanned(text, diagnostic));
        Assert.StartsWith("'first.json' is not a result that `grad run --json` wrote: ", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_weights_still_override_the_starting_weights_of_their_layer()
    {
        WriteFirstResult();
        var text = Network("init from \"first.json\" run first").Replace("dense 1 sigmoid", "dense 1 sigmoid weights [[1, 2, 3, 4, 5, 6]]", StringComparison.Ordinal) + Data;
        var network = Assert.Single(Compile(text).Program.Networks);
        var model = Networks.NetworkModel.FromBound(network);
        var parameters = Networks.NetworkModel.InitialParameters(network, model);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], model.Weights(parameters, 2).ToArray());
        Assert.Equal(network.StartingWeights![0].Weights, model.Weights(parameters, 0).ToArray());
        Assert.Equal(network.StartingWeights![2].Bias, model.Bias(parameters, 2).ToArray());
    }

    private void WriteFirstResult()
    {
        var first = Write("first.grad", Network("") + Data + Run("first", 5));
        Assert.Equal(0, Grad("run", first, "--json", Path.Combine(directory, "first.json"), "--quiet").Exit);
    }

    private Compilation Compile(string text) =>
        Compilation.Create(text, Path.Combine(directory, "main.grad"),
            new CompilationOptions(ResourceLimits.Default, new DiskFileResolver([directory])) { Weights = ResultWeightsReader.Instance });

    private Diagnostic Single(string text)
    {
        var diagnostics = Compile(text).Diagnostics;
        return Assert.Single(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    private static string Spanned(string text, Diagnostic diagnostic) => text.Substring(diagnostic.Span.Start, diagnostic.Span.Length);

    private GradReport Read(string name)
    {
        using var reader = new StreamReader(Path.Combine(directory, name));
        return ResultSerializer.Read(reader);
    }

    private static TrainResult Train(GradReport report) => Assert.IsType<TrainResult>(Assert.Single(report.Runs!));

    private static double[] Flatten(TrainResult run) => run.FinalNetwork.Flatten();
}
