using Grad.Language;
using Grad.Runtime.Analysis;
using Grad.Runtime.Networks;

namespace Grad.Runtime.Tests;

/// <summary>
/// The identity term of the chain rule that the editor shows for residual blocks, against the
/// chain rule worked by hand on a one-unit chain: a¹ = σ(z¹); o² = σ(z²) + a¹ (block of layer 2);
/// o³ = σ(z³) + o² (block of layer 3); a⁴ = σ(z⁴); C = ½(a⁴ − y)².
/// </summary>
public class IdentityPathTests
{
    private const string Source = """
        network skip {
          input 1
          dense 1 sigmoid
          residual { dense 1 sigmoid }
          residual { dense 1 sigmoid }
          dense 1 sigmoid
          init normal(mean = 0, std = 1)
          loss mse
          seed 3
        }
        """;

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    [Fact]
    public void The_skip_and_layers_parts_are_the_hand_worked_chain_rules_terms()
    {
        var compilation = Compilation.Create(Source);
        Assert.False(compilation.HasErrors);
        var network = compilation.Program.Networks.Single();
        var model = NetworkModel.FromBound(network);
        var p = NetworkModel.InitialParameters(network, model);
        double W(int l) => p[model.Layers[l - 1].WeightOffset];
        double B(int l) => p[model.Layers[l - 1].BiasOffset];
        const double x = 0.7, y = 0.2;

        var a1 = Sigmoid(W(1) * x + B(1));
        var a2 = Sigmoid(W(2) * a1 + B(2));
        var o2 = a2 + a1;
        var a3 = Sigmoid(W(3) * o2 + B(3));
        var o3 = a3 + o2;
        var a4 = Sigmoid(W(4) * o3 + B(4));
        var delta4 = (a4 - y) * a4 * (1 - a4);
        var dO3 = W(4) * delta4;
        var delta3 = dO3 * a3 * (1 - a3);
        var dO2 = dO3 + W(3) * delta3;             // skip: ∂C/∂o³; layers: w³δ³
        var delta2 = dO2 * a2 * (1 - a2);
        var dA1 = dO2 + W(2) * delta2;             // skip: ∂C/∂o²; layers: w²δ²
        var delta1 = dA1 * a1 * (1 - a1);

        var analysis = NetworkAnalyzer.Analyze(network, p, [x], [y], 1);
        var first = analysis.Layers[0].Identity!;
        Assert.Equal((2, 2), (first.BlockFirst, first.BlockLast));
        AssertClose(dO2, first.Skip!.Value);
        AssertClose(W(2) * delta2, first.Layers!.Value);
        AssertClose(a1 * (1 - a1), first.ActivationDerivative!.Value);
        AssertClose(delta1, first.Delta!.Value);
        AssertClose(Math.Abs(dO2), first.SkipNorm);
        AssertClose(Math.Abs(dA1), first.SumNorm);

        var second = analysis.Layers[1].Identity!;
        Assert.Equal((3, 3), (second.BlockFirst, second.BlockLast));
        AssertClose(dO3, second.Skip!.Value);
        AssertClose(W(3) * delta3, second.Layers!.Value);
        AssertClose(delta2, second.Delta!.Value);
        AssertClose(Math.Abs(dO3) / (Math.Abs(dO3) + Math.Abs(W(3) * delta3)), second.SkipShare);

        // Layer 3 ends the last block and feeds a dense layer; layer 4 is the output: no identity term.
        Assert.Null(analysis.Layers[2].Identity);
        Assert.Null(analysis.Layers[3].Identity);
    }

    [Fact]
    public void Wide_layers_report_batch_mean_norms_of_both_parts_and_no_scalars()
    {
        var compilation = Compilation.Create("network n { input 3  dense 4 tanh  repeat 2 { residual { dense 4 tanh  dense 4 linear } }  dense 1 linear  init normal(mean = 0, std = 0.5)  seed 2  loss mse }");
        var network = compilation.Program.Networks.Single();
        var model = NetworkModel.FromBound(network);
        var p = NetworkModel.InitialParameters(network, model);
        double[] x = [0.1, -0.4, 0.9, 1.2, 0.3, -0.7];
        double[] y = [0.5, -0.5];
        var analysis = NetworkAnalyzer.Analyze(network, p, x, y, 2);
        Assert.Equal([1, 3], analysis.Layers.Where(l => l.Identity is not null).Select(l => l.Index));
        var split = analysis.Layers[0].Identity!;
        Assert.Equal((2, 3), (split.BlockFirst, split.BlockLast));
        Assert.Null(split.Skip);
        Assert.True(split.SkipNorm > 0 && split.LayersNorm > 0);
        Assert.True(split.SumNorm <= split.SkipNorm + split.LayersNorm + 1e-15);

        // The skip part at the first block's input is the whole gradient at that block's output (layer 3's ∂C/∂a),
        // which is itself the sum of layer 3's two parts.
        var next = analysis.Layers[2].Identity!;
        AssertClose(next.SumNorm, split.SkipNorm);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-14 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
