using Grad.Language.Semantics;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

public class BackpropTests
{
    public static TheoryData<ActivationKind, LossKind> ActivationsAndLosses()
    {
        var data = new TheoryData<ActivationKind, LossKind>();
        foreach (var activation in Enum.GetValues<ActivationKind>())
        {
            foreach (var loss in Enum.GetValues<LossKind>())
            {
                data.Add(activation, loss);
            }
        }

        return data;
    }

    [Fact]
    public void ChainOfFiveSigmoidsWithZeroPreActivationsHasExactDeltas()
    {
        // x = 2; layer 1: w = 1, b = −2; layers 2…5: w = 1, b = −0.5. Every z is 0, every a is ½,
        // σ'(0) = ¼, and with mse and y = 1: δ⁵ = (½ − 1)·¼ = −1/8, then each layer multiplies by w·σ' = ¼.
        var layers = Enumerable.Range(1, 5).Select(i => Layer(i, 1, 1, new Activation(ActivationKind.Sigmoid), Matrix([[1]]), [i == 1 ? -2 : -0.5]));
        var network = Network("chain", 1, layers, LossKind.Mse);
        var model = NetworkModel.FromBound(network);
        var parameters = NetworkModel.InitialParameters(network, model);
        var backprop = new Backprop(model, 1);
        var gradient = new double[model.ParameterCount];
        var loss = backprop.Run(parameters, [2.0], [1.0], 1, gradient);

        Assert.Equal(0.125, loss);
        double[] expected = [-0.00048828125, -0.001953125, -0.0078125, -0.03125, -0.125];
        for (var l = 0; l < 5; l++)
        {
            Assert.Equal(0.0, backprop.PreActivation(l)[0]);
            Assert.Equal(expected[l], backprop.Delta(l)[0]);
            Assert.Equal(Math.Abs(expected[l]), backprop.DeltaNorm(l));
            // ∂C/∂w^l = δ^l · a^(l−1): a^0 = 2, the others ½; ∂C/∂b^l = δ^l.
            Assert.Equal(expected[l] * (l == 0 ? 2 : 0.5), gradient[model.Layers[l].WeightOffset]);
            Assert.Equal(expected[l], gradient[model.Layers[l].BiasOffset]);
        }
    }

    [Theory]
    [MemberData(nameof(ActivationsAndLosses))]
    public void BackpropAgreesWithCentralFiniteDifferences(ActivationKind hidden, LossKind loss)
    {
        var rng = new Rng(1234 + (int)hidden * 10 + (int)loss);
        var activation = hidden switch
        {
            ActivationKind.LeakyRelu => new Activation(hidden, 0.05),
            ActivationKind.Elu => new Activation(hidden, 1.3),
            _ => new Activation(hidden),
        };
        var output = loss switch
        {
            LossKind.Bce => new Activation(ActivationKind.Sigmoid),
            LossKind.CrossEntropy => new Activation(ActivationKind.Softmax),
            _ => hidden == ActivationKind.Softmax ? new Activation(ActivationKind.Softmax) : activation,
        };

        // 3 → 4 (hidden) → 3 (hidden, softmax allowed here for the test) → 3 (output), batch of 5.
        var model = NetworkModel.Create("n", 3, [(4, activation, null), (3, activation, null), (3, output, null)], loss);
        var parameters = new double[model.ParameterCount];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = rng.NextGaussian(0, 0.8);
        }

        const int batch = 5;
        var x = Enumerable.Range(0, batch * 3).Select(_ => rng.NextGaussian()).ToArray();
        var y = new double[batch * 3];
        for (var i = 0; i < batch; i++)
        {
            switch (loss)
            {
                case LossKind.CrossEntropy:
                    y[i * 3 + rng.NextInt(3)] = 1;
                    break;
                case LossKind.Bce:
                    for (var j = 0; j < 3; j++)
                    {
                        y[i * 3 + j] = rng.NextInt(2);
                    }

                    break;
                default:
                    for (var j = 0; j < 3; j++)
                    {
                        y[i * 3 + j] = rng.NextGaussian();
                    }

                    break;
            }
        }

        var backprop = new Backprop(model, batch);
        var gradient = new double[model.ParameterCount];
        backprop.Run(parameters, x, y, batch, gradient);

        var h = 1e-6;
        var scale = gradient.Max(Math.Abs);
        for (var p = 0; p < parameters.Length; p++)
        {
            var saved = parameters[p];
            parameters[p] = saved + h;
            var plus = backprop.Forward(parameters, x, y, batch);
            parameters[p] = saved - h;
            var minus = backprop.Forward(parameters, x, y, batch);
            parameters[p] = saved;
            var numeric = (plus - minus) / (2 * h);
            var error = Math.Abs(numeric - gradient[p]) / Math.Max(Math.Abs(numeric), Math.Max(1e-3 * scale, 1e-8));
            Assert.True(error < 1e-6, $"parameter {p}: backprop {gradient[p]:R}, finite differences {numeric:R}, relative error {error:E2}");
        }
    }

    [Fact]
    public void ClassIndexTargetsAreOneHotEncoded()
    {
        var data = Data.DataSet.FromRows("d", [[0.0], [1.0], [2.0]], [[2.0], [0.0], [1.0]]);
        Assert.Equal([0, 0, 1, 1, 0, 0, 0, 1, 0], data.TargetsFor(3)!);
        Assert.Equal(data.Targets, data.TargetsFor(1)!);
        Assert.Null(data.TargetsFor(2));
    }

    /// <summary>65536·65537 weights overflowed the int weight count (a native crash in the GEMM); the sums are 64-bit and checked.</summary>
    [Fact]
    public void A_network_with_more_parameters_than_an_array_holds_is_refused_not_wrapped()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NetworkModel.Create("wide", 1, [(65536, new Activation(ActivationKind.Relu), null), (65537, new Activation(ActivationKind.Relu), null)], LossKind.Mse));
        Assert.Contains("more than", error.Message, StringComparison.Ordinal);

        var fits = NetworkModel.Create("fits", 3, [(4, new Activation(ActivationKind.Relu), null), (2, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        Assert.Equal([0, 16], fits.Layers.Select(l => l.WeightOffset));
        Assert.Equal([12, 24], fits.Layers.Select(l => l.BiasOffset));
        Assert.Equal(26, fits.ParameterCount);
    }
}
