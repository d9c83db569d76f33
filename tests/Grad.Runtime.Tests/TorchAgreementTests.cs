using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

/// <summary>
/// Grad against PyTorch (tests/reference/torch_reference.json, written by make_reference.py
/// with torch in float64). Relative errors are measured per element against
/// max(|reference|, 1e-3·max|reference of that tensor|), so that an element that is zero
/// up to rounding in a tensor of much larger ones is judged on the tensor's scale.
/// </summary>
public class TorchAgreementTests
{
    public static TheoryData<string> GradientCases() => [.. TorchReference.Json["gradients"]!.Select(c => (string)c["name"]!)];

    public static TheoryData<int> OptimizerCases() => [.. Enumerable.Range(0, TorchReference.Json["optimizers"]!.Count())];

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void NetworkGradientsMatchAutogradTo1e12(string name)
    {
        var reference = TorchReference.Json["gradients"]!.Single(c => (string)c["name"]! == name)!;
        var network = TorchReference.Network(reference["network"]!);
        var model = NetworkModel.FromBound(network);
        var parameters = NetworkModel.InitialParameters(network, model);
        var x = TorchReference.Rows(reference["network"]!["x"]!);
        var y = TorchReference.Rows(reference["network"]!["y"]!);
        var backprop = new Backprop(model, x.Length);
        var gradient = new double[model.ParameterCount];
        var loss = backprop.Run(parameters, [.. x.SelectMany(r => r)], [.. y.SelectMany(r => r)], x.Length, gradient);

        AssertClose([(double)reference["loss"]!], [loss], 1e-12, $"{name} loss");
        var layers = (JArray)reference["gradients"]!;
        for (var l = 0; l < layers.Count; l++)
        {
            var shape = model.Layers[l];
            AssertClose(TorchReference.Rows(layers[l]["weights"]!).SelectMany(r => r).ToArray(), gradient.AsSpan(shape.WeightOffset, shape.WeightCount).ToArray(), 1e-12, $"{name} ∂C/∂W^{l + 1}");
            AssertClose(TorchReference.Vector(layers[l]["bias"]!), gradient.AsSpan(shape.BiasOffset, shape.Units).ToArray(), 1e-12, $"{name} ∂C/∂b^{l + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerCases))]
    public void OptimizerMatchesTorchOptimFor100StepsOnRosenbrock(int index)
    {
        var reference = TorchReference.Json["optimizers"]![index]!;
        var spec = TorchReference.Optimizer((string)reference["optimizer"]!, (JObject)reference["args"]!);
        var result = (MinimizeResult)Runner.Execute(Minimize("r", Rosenbrock(), [-1.2, 1.0], spec, steps: 100));
        var trajectory = TorchReference.Rows(reference["rosenbrock"]!);
        Assert.Equal(100, result.StepsTaken);
        for (var k = 1; k <= 100; k++)
        {
            AssertClose(trajectory[k - 1], result.Trace[k].Parameters, 1e-10, $"{Describe(reference)} step {k}");
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerCases))]
    public void OptimizerMatchesTorchOptimFor100StepsOnATwoLayerNetwork(int index)
    {
        var reference = TorchReference.Json["optimizers"]![index]!;
        var spec = TorchReference.Optimizer((string)reference["optimizer"]!, (JObject)reference["args"]!);
        var networkJson = TorchReference.Json["trainingNetwork"]!;
        var network = TorchReference.Network(networkJson);
        var data = Inline("d", TorchReference.Rows(networkJson["x"]!), TorchReference.Rows(networkJson["y"]!));
        var result = (TrainResult)Runner.Execute(Train("t", network, data, spec, steps: 100));
        var losses = TorchReference.Vector(reference["network"]!["losses"]!);
        Assert.Equal(101, result.Trace.Count);
        for (var k = 0; k <= 100; k++)
        {
            AssertClose([losses[k]], [result.Trace[k].Loss], 1e-10, $"{Describe(reference)} loss at step {k}");
        }

        AssertClose(TorchReference.Vector(reference["network"]!["parameters"]!), result.FinalParameters, 1e-10, $"{Describe(reference)} final parameters");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void InitsMatchTorchsFormulasInDistribution(int index)
    {
        var reference = TorchReference.Json["inits"]![index]!;
        var units = (int)reference["units"]!;
        var inputs = (int)reference["inputs"]!;
        var kind = (string)reference["init"]! switch
        {
            "xavier_uniform" => Language.Semantics.InitKind.XavierUniform,
            "xavier_normal" => Language.Semantics.InitKind.XavierNormal,
            "he_uniform" => Language.Semantics.InitKind.HeUniform,
            _ => Language.Semantics.InitKind.HeNormal,
        };
        var weights = new double[units * inputs];
        NetworkModel.Initialize(new Language.Semantics.InitSpec(kind), inputs, units, new Rng(42), weights);

        // The formulas: the standard deviation of U(±bound) is bound/√3.
        var expectedStd = kind switch
        {
            Language.Semantics.InitKind.XavierUniform => Math.Sqrt(6.0 / (inputs + units)) / Math.Sqrt(3),
            Language.Semantics.InitKind.XavierNormal => Math.Sqrt(2.0 / (inputs + units)),
            _ => Math.Sqrt(2.0 / inputs),
        };
        var mean = weights.Average();
        var std = Math.Sqrt(weights.Sum(w => (w - mean) * (w - mean)) / (weights.Length - 1));
        var torchStd = (double)reference["std"]!;
        var n = weights.Length;

        // Both samples' standard deviations are within 4 standard errors (≈ σ·√(2/n)·2) of the formula's.
        var tolerance = 4 * expectedStd * Math.Sqrt(2.0 / n);
        Assert.InRange(std, expectedStd - tolerance, expectedStd + tolerance);
        Assert.InRange(torchStd, expectedStd - tolerance, expectedStd + tolerance);
        Assert.InRange(mean, -4 * expectedStd / Math.Sqrt(n), 4 * expectedStd / Math.Sqrt(n));
        if (kind is Language.Semantics.InitKind.XavierUniform or Language.Semantics.InitKind.HeUniform)
        {
            // Same bound: torch's largest |w| and ours are just below √3·σ.
            var bound = expectedStd * Math.Sqrt(3);
            Assert.True(weights.Max(Math.Abs) <= bound);
            Assert.True((double)reference["maxAbs"]! <= bound);
            Assert.True(weights.Max(Math.Abs) > 0.99 * bound);
            Assert.True((double)reference["maxAbs"]! > 0.99 * bound);
        }
    }

    private static string Describe(JToken reference) => $"{reference["optimizer"]}{reference["args"]!.ToString(Newtonsoft.Json.Formatting.None)}";

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Max(Math.Abs);
        for (var i = 0; i < expected.Length; i++)
        {
            var denominator = Math.Max(Math.Abs(expected[i]), 1e-3 * scale);
            var error = denominator == 0 ? Math.Abs(actual[i]) : Math.Abs(actual[i] - expected[i]) / denominator;
            Assert.True(error <= tolerance, $"{what} [{i}]: torch {expected[i]:R}, Grad {actual[i]:R}, relative error {error:E2}");
        }
    }
}
