using Grad.Language;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;


namespace Grad.Runtime.Tests;

/// <summary>
/// The cures (residual blocks, norm layers, schedules, clipping) against PyTorch: each case of
/// torch_reference.json's "cures" is a Grad source that goes through the parser, the binder and
/// the runner, and must give torch's loss trace, per-layer δ norms, lr, gradient norm before
/// clipping, final parameters and BatchNorm running estimates to 1e-10 relative.
/// </summary>
public class CureAgreementTests
{
    public static TheoryData<string> Cases() => [.. TorchReference.Json["cures"]!.Select(c => (string)c["name"]!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingMatchesPyTorchTo1e10(string name)
    {
        var reference = TorchReference.Json["cures"]!.Single(c => (string)c["name"]! == name)!;
        var compilation = Compilation.Create((string)reference["source"]!);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        var run = Assert.Single(compilation.Program.Runs);
        var result = Assert.IsType<TrainResult>(Runner.Execute(run));

        var trace = (JArray)reference["trace"]!;
        Assert.Equal(trace.Count, result.Trace.Count);
        for (var k = 0; k < trace.Count; k++)
        {
            var expected = trace[k];
            var actual = result.Trace[k];
            Assert.Equal((int)expected["step"]!, actual.Step);
            Close([(double)expected["loss"]!], [actual.Loss], $"{name}: loss at step {k}");
            Close(TorchReference.Vector(expected["deltaNorms"]!), actual.DeltaNorms, $"{name}: ‖δ^l‖ at step {k}");
            if (run.Schedule is not null)
            {
                Close([(double)expected["lr"]!], [actual.Lr!.Value], $"{name}: lr at step {k}");
            }

            if (run.Clip is not null)
            {
                Close([(double)expected["gradNorm"]!], [actual.GradNorm!.Value], $"{name}: gradient norm at step {k}");
            }
        }

        Close(TorchReference.Vector(reference["parameters"]!), result.FinalParameters, $"{name}: final parameters");
        var running = (JArray)reference["running"]!;
        Assert.Equal(running.Count, result.RunningEstimates.Count);
        for (var i = 0; i < running.Count; i++)
        {
            Close(TorchReference.Vector(running[i][0]!), result.RunningEstimates[i].Mean, $"{name}: running mean {i}");
            Close(TorchReference.Vector(running[i][1]!), result.RunningEstimates[i].Variance, $"{name}: running variance {i}");
        }
    }

    [Fact]
    public void ClippedRunsRecordWhetherTheGradientWasClipped()
    {
        var reference = TorchReference.Json["cures"]!.Single(c => (string)c["name"]! == "clip norm, sgd")!;
        var result = (TrainResult)Runner.Execute(Compilation.Create((string)reference["source"]!).Program.Runs[0]);

        // clip norm 0.5: clipped exactly where torch's norm before clipping is above 0.5.
        foreach (var (point, expected) in result.Trace.Zip(reference["trace"]!))
        {
            Assert.Equal((double)expected["gradNorm"]! > 0.5, point.Clipped);
        }

        Assert.Contains(result.Trace, p => p.Clipped == true);
    }

    [Fact]
    public void TheJsonHasLrGradNormClippedAndTheNormLayersGainBiasAndRunningEstimates()
    {
        var reference = TorchReference.Json["cures"]!.Single(c => (string)c["name"]! == "every cure, adam")!;
        var result = (TrainResult)Runner.Execute(Compilation.Create((string)reference["source"]!).Program.Runs[0]);
        var json = ResultSerializer.ToJson(result);

        var point = json["trace"]![3]!;
        Assert.Equal(result.Trace[3].Lr!.Value, (double)point["lr"]!);
        Assert.Equal((double)reference["trace"]![3]!["gradNorm"]!, (double)point["gradNorm"]!, 1e-12);
        Assert.Equal((double)reference["trace"]![3]!["gradNorm"]! > 0.5, (bool)point["clipped"]!);

        // Layers: dense 4 relu, then twice (dense 4 relu, norm layer) in residual blocks, dense 4 tanh, norm batch, dense 1 sigmoid.
        var layers = (JArray)json["layers"]!;
        Assert.Equal(JTokenType.Null, layers[2]!["activation"]!.Type);
        Assert.Equal("relu", (string)layers[1]!["activation"]!);
        var network = (JArray)json["final"]!["network"]!["layers"]!;
        Assert.Equal(4, network[2]!["gain"]!.Count());
        Assert.Null(network[2]!["runningMean"]);
        var running = (JArray)reference["running"]![0]!;
        Close(TorchReference.Vector(running[0]!), TorchReference.Vector(network[6]!["runningMean"]!), "runningMean in JSON");
        Close(TorchReference.Vector(running[1]!), TorchReference.Vector(network[6]!["runningVar"]!), "runningVar in JSON");
    }

    /// <summary>Relative error per element against max(|expected|, 1e-3·max|expected|), as in <see cref="TorchAgreementTests"/>.</summary>
    private static void Close(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        for (var i = 0; i < expected.Length; i++)
        {
            var denominator = Math.Max(Math.Abs(expected[i]), 1e-3 * scale);
            var error = denominator == 0 ? Math.Abs(actual[i]) : Math.Abs(actual[i] - expected[i]) / denominator;
            Assert.True(error <= 1e-10, $"{what} [{i}]: torch {expected[i]:R}, Grad {actual[i]:R}, relative error {error:E2}");
        }
    }
}
