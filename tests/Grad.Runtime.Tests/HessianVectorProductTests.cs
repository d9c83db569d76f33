using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

/// <summary>
/// Exact Hessian-vector products (forward-over-reverse) against the gradient they differentiate:
/// Hv equals central differences of <see cref="Backprop"/>'s exact gradient, for every hidden
/// activation and every loss/output pairing, and H is symmetric. (λmax from them is checked
/// against torch.autograd.functional.hessian in <see cref="JudgementAgreementTests"/>.)
/// </summary>
public class HessianVectorProductTests
{
    public static TheoryData<ActivationKind, LossKind, ActivationKind> Networks()
    {
        var data = new TheoryData<ActivationKind, LossKind, ActivationKind>();
        var hidden = new[] { ActivationKind.Sigmoid, ActivationKind.Tanh, ActivationKind.Relu, ActivationKind.LeakyRelu, ActivationKind.Elu, ActivationKind.Softplus, ActivationKind.Gelu, ActivationKind.Linear };
        var outputs = new (LossKind, ActivationKind)[]
        {
            (LossKind.Mse, ActivationKind.Linear), (LossKind.Mse, ActivationKind.Tanh), (LossKind.Mse, ActivationKind.Softmax),
            (LossKind.Bce, ActivationKind.Sigmoid), (LossKind.Bce, ActivationKind.Softmax),
            (LossKind.CrossEntropy, ActivationKind.Softmax), (LossKind.CrossEntropy, ActivationKind.Linear), (LossKind.CrossEntropy, ActivationKind.Tanh),
        };
        foreach (var activation in hidden)
        {
            foreach (var (loss, output) in outputs)
            {
                data.Add(activation, loss, output);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void ExactProductEqualsCentralDifferencesOfTheGradientAndIsSymmetric(ActivationKind hidden, LossKind loss, ActivationKind output)
    {
        var parameter = hidden switch { ActivationKind.LeakyRelu => 0.1, ActivationKind.Elu => 0.7, _ => 0.0 };
        var network = Network("n", 3, [Layer(1, 4, 3, new Activation(hidden, parameter)), Layer(2, 3, 4, new Activation(hidden, parameter)), Layer(3, 2, 3, new Activation(output))], loss, seed: 7);
        var model = NetworkModel.FromBound(network);
        var rng = new Rng(11);
        // Off the initial zero biases: a relu unit fed only zeros sits exactly on its kink, where
        // central differences straddle the jump of g' (the product itself takes g'(0) = 0, as torch).
        var parameters = NetworkModel.InitialParameters(network, model).Select(p => p + 0.1 * rng.NextGaussian()).ToArray();
        const int rows = 5;
        var x = Enumerable.Range(0, rows * 3).Select(_ => rng.NextGaussian()).ToArray();
        var y = loss switch
        {
            LossKind.CrossEntropy => Enumerable.Range(0, rows).SelectMany(i => i % 2 == 0 ? new[] { 1.0, 0.0 } : [0.0, 1.0]).ToArray(),
            LossKind.Bce => Enumerable.Range(0, rows * 2).Select(i => (double)(i % 3 == 0 ? 1 : 0)).ToArray(),
            _ => Enumerable.Range(0, rows * 2).Select(_ => rng.NextGaussian()).ToArray(),
        };
        var n = parameters.Length;
        var v = Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
        var w = Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();

        Assert.True(HessianVectorProduct.Supports(model));
        var product = new HessianVectorProduct(model, x, y, rows);
        var hv = new double[n];
        var hw = new double[n];
        product.Multiply(parameters, v, hv);
        product.Multiply(parameters, w, hw);

        // (∇C(θ + εv) − ∇C(θ − εv)) / 2ε, error O(ε²) plus rounding O(1e-16/ε).
        var backprop = new Backprop(model, rows);
        const double epsilon = 1e-5;
        var plus = new double[n];
        var minus = new double[n];
        backprop.Run([.. parameters.Select((p, i) => p + epsilon * v[i])], x, y, rows, plus);
        backprop.Run([.. parameters.Select((p, i) => p - epsilon * v[i])], x, y, rows, minus);
        var scale = hv.Max(Math.Abs);
        Assert.True(scale > 0, "the product is not zero");
        for (var i = 0; i < n; i++)
        {
            var difference = (plus[i] - minus[i]) / (2 * epsilon);
            Assert.True(Math.Abs(hv[i] - difference) <= 1e-6 * scale, $"Hv[{i}] = {hv[i]:R}, central difference {difference:R}");
        }

        // wᵀHv = vᵀHw.
        var left = w.Zip(hv, (a, b) => a * b).Sum();
        var right = v.Zip(hw, (a, b) => a * b).Sum();
        Assert.True(Math.Abs(left - right) <= 1e-12 * Math.Max(1, Math.Abs(left)), $"wᵀHv = {left:R}, vᵀHw = {right:R}");
    }

    [Fact]
    public void NetworksWithResidualBlocksOrNormLayersOrAHiddenSoftmaxAreLeftToCentralDifferences()
    {
        var hiddenSoftmax = Network("s", 2, [Layer(1, 3, 2, new Activation(ActivationKind.Softmax)), Layer(2, 1, 3, new Activation(ActivationKind.Linear))], LossKind.Mse);
        Assert.False(HessianVectorProduct.Supports(NetworkModel.FromBound(hiddenSoftmax)));
        foreach (var cure in new[] { "residual { dense 3 relu }", "norm layer", "norm batch" })
        {
            var compilation = Grad.Language.Compilation.Create($"network c {{\n  input 2\n  dense 3 relu\n  {cure}\n  dense 1 linear\n  loss mse\n}}\n");
            Assert.False(compilation.HasErrors, cure);
            Assert.False(HessianVectorProduct.Supports(NetworkModel.FromBound(compilation.Program.Networks[0])), cure);
        }

        var dense = Network("d", 2, [Layer(1, 3, 2, new Activation(ActivationKind.Tanh)), Layer(2, 2, 3, new Activation(ActivationKind.Softmax))], LossKind.CrossEntropy);
        Assert.True(HessianVectorProduct.Supports(NetworkModel.FromBound(dense)));
    }
}
