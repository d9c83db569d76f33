using Grad.Language;
using Grad.Runtime.Networks;

namespace Grad.Runtime.Tests;

/// <summary>
/// Finite-difference checks of the backward passes the cures add: the residual identity path,
/// LayerNorm and BatchNorm1d (training mode, samples coupled through the batch statistics).
/// Every parameter's ∂C/∂θ from backprop against the central difference (C(θ+h) − C(θ−h))/2h.
/// </summary>
public class CureGradientTests
{
    [Theory]
    [InlineData("dense 4 tanh  repeat 2 { residual { dense 4 tanh  dense 4 linear } }  dense 2 linear", "mse")]
    [InlineData("dense 4 sigmoid  residual { dense 4 relu }  residual { norm layer }  dense 1 sigmoid", "bce")]
    [InlineData("dense 5 tanh  norm layer  dense 3 elu  dense 1 sigmoid", "bce")]
    [InlineData("dense 5 tanh  norm batch  dense 4 softplus  norm batch  dense 3 linear", "cross_entropy")]
    [InlineData("dense 4 tanh  repeat 2 { residual { dense 4 tanh  norm batch } }  norm layer  dense 2 linear", "mse")]
    public void BackpropAgreesWithCentralDifferences(string layers, string loss)
    {
        var outputs = loss == "mse" ? 2 : loss == "bce" ? 1 : 3;
        var source = $"network n {{ input 3  {layers}  init normal(mean = 0, std = 0.8)  seed 5  loss {loss} }}";
        var compilation = Compilation.Create(source);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        var network = Assert.Single(compilation.Program.Networks);
        var model = NetworkModel.FromBound(network);
        var parameters = NetworkModel.InitialParameters(network, model);

        // Move gains and biases off 1 and 0, so that their gradients are exercised in general position.
        var rng = new Numerics.Rng(11);
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] += rng.NextUniform(-0.3, 0.3);
        }

        const int batch = 5;
        var x = Enumerable.Range(0, batch * 3).Select(_ => rng.NextGaussian(0, 1)).ToArray();
        var y = new double[batch * outputs];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < outputs; j++)
            {
                y[i * outputs + j] = loss == "mse" ? rng.NextGaussian(0, 1) : (loss == "bce" ? (i + j) % 2 : (i % outputs == j ? 1 : 0));
            }
        }

        var backprop = new Backprop(model, batch);
        var gradient = new double[parameters.Length];
        backprop.Run(parameters, x, y, batch, gradient);

        const double h = 1e-6;
        for (var i = 0; i < parameters.Length; i++)
        {
            var saved = parameters[i];
            parameters[i] = saved + h;
            var plus = backprop.Forward(parameters, x, y, batch);
            parameters[i] = saved - h;
            var minus = backprop.Forward(parameters, x, y, batch);
            parameters[i] = saved;
            var numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"∂C/∂θ[{i}]: backprop {gradient[i]:R}, central difference {numeric:R}");
        }
    }

    [Fact]
    public void TheIdentityPathCarriesDeltaPastAVanishingBlock()
    {
        // A residual block whose layer has zero weights passes δ through unchanged: δ at the
        // block's input is δ at its output (times g' of the layer before, linear here).
        var compilation = Compilation.Create("""
            network n {
              input 1
              dense 1 linear weights [[1]] bias [0]
              residual { dense 1 sigmoid weights [[0]] bias [0] }
              dense 1 linear weights [[2]] bias [0]
              loss mse
            }
            """);
        var network = Assert.Single(compilation.Program.Networks);
        var model = NetworkModel.FromBound(network);
        var backprop = new Backprop(model, 1);
        var gradient = new double[model.ParameterCount];
        backprop.Run(NetworkModel.InitialParameters(network, model), [1.0], [0.0], 1, gradient);

        // a¹ = 1, block output = 1 + σ(0) = 1.5, a³ = 3, δ³ = 3; ∂C/∂(block output) = 2·3 = 6;
        // δ² = 6·σ'(0) = 1.5; δ¹ = 6 (identity) + 0·δ² = 6.
        Assert.Equal(3.0, backprop.Delta(2)[0], 12);
        Assert.Equal(1.5, backprop.Delta(1)[0], 12);
        Assert.Equal(6.0, backprop.Delta(0)[0], 12);
    }
}
