using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Costs;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Runs;
using static Grad.Runtime.Tests.BitPatterns;

namespace Grad.Runtime.Tests;

/// <summary>
/// ReLU treats NaN and −0 as PyTorch 1.13 does, in every path that computes it: torch.relu(nan) is nan and
/// torch.relu(−0.0) is −0.0, and its backward (threshold_backward on the output) passes the upstream gradient
/// where the input is NaN and gives 0 where it is ±0. So a NaN inside a network or a cost reaches the cost, and
/// the run stops as diverged, where max(z, 0) would have hidden it and trained on. The expected numbers are
/// PyTorch's (each one printed by torch 1.13 on this machine; the comments give the call).
/// </summary>
public sealed class ReluLikeTorchTests
{
    private static readonly Activation Relu = new(ActivationKind.Relu);

    [Fact]
    public void The_element_functions_keep_nan_and_negative_zero()
    {
        // torch.relu(tensor([nan, -0., 0., 1., -1.])) = [nan, -0., 0., 1., 0.]
        Assert.True(double.IsNaN(Activations.Value(Relu, double.NaN)));
        Assert.Equal(Bits(-0.0), Bits(Activations.Value(Relu, -0.0)));
        Assert.Equal(Bits(0.0), Bits(Activations.Value(Relu, 0.0)));
        Assert.Equal(Bits(0.0), Bits(Activations.Value(Relu, -1.0)));
        Assert.Equal(1.0, Activations.Value(Relu, 1.0));

        // Its gradient for upstream 2.5: [2.5, 0., 0., 2.5, 0.] (x.grad of relu(x).sum() is [1., 0., 0., 1., 0.]).
        Assert.Equal(2.5, Activations.Delta(Relu, double.NaN, double.NaN, 2.5));
        Assert.Equal(Bits(0.0), Bits(Activations.Delta(Relu, -0.0, -0.0, 2.5)));
        Assert.Equal(Bits(0.0), Bits(Activations.Delta(Relu, 0.0, 0.0, 2.5)));
        Assert.Equal(2.5, Activations.Delta(Relu, 1.0, 1.0, 2.5));
        Assert.Equal(Bits(0.0), Bits(Activations.Delta(Relu, -1.0, 0.0, 2.5)));
        Assert.Equal(1.0, Activations.Derivative(Relu, double.NaN, double.NaN));
        Assert.Equal(0.0, Activations.Derivative(Relu, -0.0, -0.0));

        // The rows (vectorized) as the elements, at every lane.
        double[] z = [double.NaN, -0.0, 0.0, 1.0, -1.0, 3.0, double.NaN, -0.0, -2.0];
        var a = new double[z.Length];
        Activations.Forward(Relu, z, a);
        Assert.Equal(z.Select(v => Bits(Activations.Value(Relu, v))), a.Select(Bits));
        var delta = new double[z.Length];
        Activations.Backward(Relu, z, a, Enumerable.Repeat(2.5, z.Length).ToArray(), delta);
        Assert.Equal([2.5, 0, 0, 2.5, 0, 2.5, 2.5, 0, 0], delta);
    }

    [Theory]
    [InlineData(128, 64, 32)] // the column kernel, its ReLU in the registers
    [InlineData(40, 300, 200)] // the packed path
    [InlineData(3, 5, 2)] // small products, the epilogue applied afterwards
    public void The_products_relu_epilogue_keeps_a_nan_row(int m, int n, int k)
    {
        var rng = new Rng(m + n + k);
        var a = Enumerable.Range(0, m * k).Select(_ => rng.NextGaussian()).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => rng.NextGaussian()).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
        var nanRow = m / 2;
        a[nanRow * k] = double.NaN;
        var (c, rectified) = (new double[m * n], new double[m * n]);
        Gemm.MultiplyBiased(m, n, k, a, k, 1, b, n, 1, c, n, bias, rectified);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var expected = i == nanRow ? double.NaN : c[i * n + j] < 0 ? 0 : c[i * n + j];
                Assert.Equal(Bits(expected), Bits(rectified[i * n + j]));
            }
        }

        Assert.Contains(rectified, v => v == 0); // some units are cut off, so the NaN row is not an accident of the signs
    }

    [Fact]
    public void A_nan_inside_a_network_reaches_the_loss_and_the_gradient_on_both_paths()
    {
        // x = 1, w1 = +inf: z1 = inf, a1 = inf; w2 = 0: z2 = inf·0 = nan. With torch: relu(nan) = nan, so the
        // loss is nan (max(z, 0) would give a2 = 0, z3 = b3 and a finite loss), and every gradient below is nan.
        var model = NetworkModel.Create("hidden-nan", 1, [(1, Relu, (string?)null), (1, Relu, null), (1, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        double[] parameters = [double.PositiveInfinity, 0, 0, 0, 0.5, 0.25];
        foreach (var chainPath in new[] { true, false })
        {
            var backprop = new Backprop(model, 1) { UseChainPath = chainPath };
            var gradient = new double[model.ParameterCount];
            var loss = backprop.Run(parameters, [1.0], [2.0], 1, gradient);
            Assert.Equal(chainPath, backprop.TookChainPath);
            Assert.True(double.IsNaN(backprop.Activation(1)[0]), $"chain path {chainPath}: relu(nan) = {backprop.Activation(1)[0]}");
            Assert.True(double.IsNaN(loss), $"chain path {chainPath}: loss {loss}");
            Assert.True(double.IsNaN(gradient[2]), $"chain path {chainPath}: ∂C/∂w2 = {gradient[2]}");
        }
    }

    /// <summary>
    /// Weights of std 1e160: layer 2's z is ±∞, layer 3's ∞ − ∞ = NaN, and relu keeps the NaN, so the loss and every δ
    /// are NaN at the initial weights (FindingTests, ExportTests).
    /// </summary>
    internal const string OverflowingNetwork = """
            network blow {
              input 2
              dense 16 relu
              dense 16 linear
              dense 16 relu
              dense 1 linear
              init normal(mean = 0, std = 1e160)
              loss mse
              seed 3
            }
            """;

    private const string HiddenNan = """
        cost hinge(x) = relu(log(x)) + 0.1 * x^2

        run r {
          minimize hinge from x = -1
          optimizer sgd(lr = 0.1)
          steps 10
        }
        """;

    [Fact]
    public void A_cost_with_a_nan_under_relu_is_nan_with_torchs_gradient_on_both_evaluators()
    {
        // x = tensor(-1., dtype=float64, requires_grad=True); y = relu(log(x)) + 0.1*x**2; y.backward()
        // gives y = nan and x.grad = -1.2: the NaN passes relu's backward as a gradient of 1, then 1/x = -1.
        var compilation = Compilation.Create(HiddenNan, "hidden-nan.grad");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var cost = CompiledCost.Compile(compilation.Program.Costs.Single());
        var gradient = new double[1];
        Assert.True(double.IsNaN(cost.EvaluateWithGradient([-1.0], gradient)));
        Assert.Equal(-1.2, gradient[0], 15);
        var straightLineGradient = new double[1];
        Assert.True(double.IsNaN(cost.CompileStraightLine()([-1.0], straightLineGradient)));
        Assert.Equal(Bits(gradient[0]), Bits(straightLineGradient[0]));

        // relu(-x) at x = 0 is torch's -0.0 on both.
        var negated = CompiledCost.Compile(Compilation.Create("cost f(x) = relu(-x)\n", "f.grad").Program.Costs.Single());
        Assert.Equal(Bits(-0.0), Bits(negated.EvaluateWithGradient([0.0], new double[1])));
        Assert.Equal(Bits(-0.0), Bits(negated.CompileStraightLine()([0.0], new double[1])));
    }

    [Fact]
    public void A_run_whose_cost_is_nan_under_relu_stops_as_diverged_at_its_start()
    {
        // Before, relu(nan) = 0 made the cost 0.1·x² and the run walked on at x < 0, and its advice was "verified"
        // on the same hidden NaN; LANGUAGE.md: a run whose cost becomes NaN stops as diverged.
        var compilation = Compilation.Create(HiddenNan, "hidden-nan.grad");
        var result = Runner.Execute(compilation.Program.Runs.Single());
        var completed = Assert.IsAssignableFrom<CompletedRunResult>(result);
        Assert.Equal(StopReason.Diverged, completed.StopReason);
        Assert.Equal(0, completed.StepsTaken);
    }
}
