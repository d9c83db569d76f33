using Grad.Language.Semantics;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Optimizers;
using static Grad.Runtime.Tests.BitPatterns;

namespace Grad.Runtime.Tests;

/// <summary>
/// The chain path (one-unit layers, one sample: Backprop.Chain.cs) gives the general path's
/// numbers, bit for bit: the loss, the gradient, every layer's z, a and δ, and the parameters
/// after many sgd steps, on random chains of every element-wise activation and every loss.
/// </summary>
public class BackpropChainTests
{
    private static readonly ActivationKind[] Hidden =
        [ActivationKind.Sigmoid, ActivationKind.Tanh, ActivationKind.Relu, ActivationKind.LeakyRelu, ActivationKind.Elu, ActivationKind.Softplus, ActivationKind.Gelu, ActivationKind.Linear];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomChainsTrainToTheGeneralPathsBits(int seed)
    {
        var rng = new Rng(seed);
        var depth = 1 + rng.NextInt(60);
        var hidden = new Activation(Hidden[rng.NextInt(Hidden.Length)], 0.01 + rng.NextDouble());
        var loss = (LossKind)rng.NextInt(3);
        var output = loss == LossKind.Bce || rng.NextInt(2) == 0 ? new Activation(ActivationKind.Sigmoid) : hidden;
        var layers = Enumerable.Range(0, depth).Select(l => (1, l == depth - 1 ? output : hidden, (string?)null));
        var model = NetworkModel.Create("chain", 1, layers, loss);
        var std = 0.3 + 2 * rng.NextDouble();
        var parameters = Enumerable.Range(0, model.ParameterCount).Select(_ => rng.NextGaussian(0, std)).ToArray();
        double[] x = [rng.NextGaussian()];
        double[] y = [loss == LossKind.CrossEntropy ? 0 : rng.NextDouble()];

        var chain = new Backprop(model, 1);
        var general = new Backprop(model, 1) { UseChainPath = false };
        var chainParameters = parameters.ToArray();
        var generalParameters = parameters.ToArray();
        var chainGradient = new double[model.ParameterCount];
        var generalGradient = new double[model.ParameterCount];
        var spec = new OptimizerSpec(OptimizerKind.Sgd, 0.05 + rng.NextDouble());
        var chainOptimizer = Optimizer.Create(spec, model.ParameterCount);
        var generalOptimizer = Optimizer.Create(spec, model.ParameterCount);
        for (var step = 0; step < 50; step++)
        {
            var chainLoss = chain.Run(chainParameters, x, y, 1, chainGradient);
            var generalLoss = general.Run(generalParameters, x, y, 1, generalGradient);
            Assert.True(chain.TookChainPath);
            Assert.False(general.TookChainPath);
            Assert.Equal(Bits(generalLoss), Bits(chainLoss));
            Assert.Equal(Bits(generalGradient), Bits(chainGradient));
            for (var l = 0; l < depth; l++)
            {
                Assert.Equal(Bits(general.PreActivation(l)), Bits(chain.PreActivation(l)));
                Assert.Equal(Bits(general.Activation(l)), Bits(chain.Activation(l)));
                Assert.Equal(Bits(general.Delta(l)), Bits(chain.Delta(l)));
            }

            chainOptimizer.Step(chainParameters, chainGradient);
            generalOptimizer.Step(generalParameters, generalGradient);
        }

        Assert.Equal(Bits(generalParameters), Bits(chainParameters));
    }

    /// <summary>
    /// Signed zeros: the general path's 0 + fma(x, w, 0) turns a −0 product (an underflow) into +0,
    /// which the chain path reproduces without the add; biases of −0, weights so small that the
    /// products underflow, and relu's exact zeros exercise every case.
    /// </summary>
    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Linear)]
    public void SignedZerosGiveTheGeneralPathsBits(ActivationKind kind)
    {
        const double tiny = 1e-320;
        double[][] cases =
        [
            [-1e-200, -0.0, 2, 0.5, -tiny, -0.0, 1, 0.1],
            [-1e-200, -0.0, -1e-200, -0.0, -1e-200, -0.0, -tiny, -0.0],
            [tiny, -0.0, -tiny, 0.0, -3, -0.0, -tiny, -0.0],
            [-2, -0.0, -tiny, -0.0, 1.5, -0.0, -0.0, -0.0],
        ];
        foreach (var x in new[] { 1e-200, -1e-200, 0.0, -0.0, 0.7 })
        {
            foreach (var parameters in cases)
            {
                var model = NetworkModel.Create("zeros", 1, Enumerable.Repeat((1, new Activation(kind), (string?)null), parameters.Length / 2), LossKind.Mse);
                var chain = new Backprop(model, 1);
                var general = new Backprop(model, 1) { UseChainPath = false };
                var chainGradient = new double[model.ParameterCount];
                var generalGradient = new double[model.ParameterCount];
                double[] y = [0.25];
                Assert.Equal(Bits(general.Run(parameters, [x], y, 1, generalGradient)), Bits(chain.Run(parameters, [x], y, 1, chainGradient)));
                Assert.True(chain.TookChainPath);
                Assert.Equal(Bits(generalGradient), Bits(chainGradient));
                for (var l = 0; l < model.Layers.Length; l++)
                {
                    Assert.Equal(Bits(general.PreActivation(l)), Bits(chain.PreActivation(l)));
                    Assert.Equal(Bits(general.Delta(l)), Bits(chain.Delta(l)));
                }
            }
        }
    }

    [Fact]
    public void OtherNetworksTakeTheGeneralPath()
    {
        var sigmoid = new Activation(ActivationKind.Sigmoid);
        NetworkModel[] others =
        [
            NetworkModel.Create("wide", 1, [(1, sigmoid, null), (2, sigmoid, null), (1, sigmoid, null)], LossKind.Mse),
            NetworkModel.Create("two inputs", 2, [(1, sigmoid, null), (1, sigmoid, null)], LossKind.Mse),
            NetworkModel.Create("mixed", 1, [(1, sigmoid, null), (1, new Activation(ActivationKind.Tanh), null), (1, sigmoid, null)], LossKind.Mse),
            NetworkModel.Create("softmax", 1, [(1, sigmoid, null), (1, new Activation(ActivationKind.Softmax), null)], LossKind.CrossEntropy),
        ];
        foreach (var model in others)
        {
            var backprop = new Backprop(model, 1);
            var parameters = Enumerable.Repeat(0.5, model.ParameterCount).ToArray();
            backprop.Run(parameters, new double[model.InputWidth], new double[model.OutputWidth], 1, new double[model.ParameterCount]);
            Assert.False(backprop.TookChainPath, model.Name);
        }
    }

    [Fact]
    public void ABatchOfTwoTakesTheGeneralPath()
    {
        var model = NetworkModel.Create("chain", 1, Enumerable.Repeat((1, new Activation(ActivationKind.Sigmoid), (string?)null), 5), LossKind.Mse);
        var backprop = new Backprop(model, 2);
        backprop.Run(new double[model.ParameterCount], [0.1, 0.2], [1, 0], 2, new double[model.ParameterCount]);
        Assert.False(backprop.TookChainPath);
    }
}
