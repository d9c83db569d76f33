using Grad.Language.Semantics;
using Grad.Runtime.Costs;
using Grad.Runtime.Numerics;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

public class CostTests
{
    [Fact]
    public void BowlValueAndGradientAreExact()
    {
        var cost = CompiledCost.Compile(Bowl());
        var gradient = new double[2];
        var value = cost.EvaluateWithGradient([1, 1], gradient);
        Assert.Equal(1.001, value);
        Assert.Equal(0.002, gradient[0]);
        Assert.Equal(2.0, gradient[1]);
    }

    [Fact]
    public void RosenbrockGradientMatchesTheClosedForm()
    {
        var cost = CompiledCost.Compile(Rosenbrock());
        var gradient = new double[2];
        var (x, y) = (-1.2, 1.0);
        var value = cost.EvaluateWithGradient([x, y], gradient);
        AssertRelative(Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2), value, 1e-15);
        AssertRelative(-2 * (1 - x) - 400 * x * (y - x * x), gradient[0], 1e-14);
        AssertRelative(200 * (y - x * x), gradient[1], 1e-14);
    }

    [Fact]
    public void HessianOfRosenbrockAtTheMinimum()
    {
        var hessian = CompiledCost.Compile(Rosenbrock()).Hessian([1, 1]);
        Assert.Equal(802, hessian[0, 0], 12);
        Assert.Equal(-400, hessian[0, 1], 12);
        Assert.Equal(-400, hessian[1, 0], 12);
        Assert.Equal(200, hessian[1, 1], 12);
    }

    [Fact]
    public void HessianOfTheBowlGivesItsConditionNumber()
    {
        var hessian = CompiledCost.Compile(Bowl()).Hessian([0.3, -2]);
        Assert.Equal(0.002, hessian[0, 0], 15);
        Assert.Equal(2, hessian[1, 1], 15);
        Assert.Equal(0, hessian[0, 1]);
        var eigenvalues = SymmetricEigen.Eigenvalues(hessian);
        Assert.Equal(0.002, eigenvalues[0], 15);
        Assert.Equal(2, eigenvalues[1], 15);
        AssertRelative(1000, SymmetricEigen.ConditionNumber(eigenvalues), 1e-12);
    }

    /// <summary>torch.pow's backward (float64): (x, y) → x^y, ∂/∂x, ∂/∂y, printed by PyTorch for these points.</summary>
    [Theory]
    [InlineData(0.0, 0.0, 1.0, 0.0, 0.0)]
    [InlineData(0.0, 1.0, 0.0, 1.0, 0.0)]
    [InlineData(0.0, 2.0, 0.0, 0.0, 0.0)]
    [InlineData(2.0, 0.0, 1.0, 0.0, 0.6931471805599453)]
    public void PowerGradientFollowsTorchPowWhereTheExponentOrTheBaseIsZero(double x, double y, double value, double dx, double dy)
    {
        var cost = CompiledCost.Compile(Cost("f", ["x", "y"], Pow(P(0, "x"), P(1, "y"))));
        var gradient = new double[2];
        Assert.Equal(value, cost.EvaluateWithGradient([x, y], gradient));
        Assert.Equal(dx, gradient[0]);
        Assert.Equal(dy, gradient[1]);
    }

    [Fact]
    public void HessianOfFunctionsAgreesWithTheirSecondDerivatives()
    {
        // f(x, y) = exp(x·y) + sin(x) + log(y) + sqrt(x) + tanh(y) + sigmoid(x) + softplus(y) + x^y
        var x = P(0, "x");
        var y = P(1, "y");
        var body = Add(Add(Add(Call(MathFunction.Exp, Mul(x, y)), Call(MathFunction.Sin, x)), Add(Call(MathFunction.Log, y), Call(MathFunction.Sqrt, x))),
            Add(Add(Call(MathFunction.Tanh, y), Call(MathFunction.Sigmoid, x)), Add(Call(MathFunction.Softplus, y), Pow(x, y))));
        var cost = CompiledCost.Compile(Cost("f", ["x", "y"], body));
        double[] point = [0.7, 1.3];
        var hessian = cost.Hessian(point);

        // Central differences of the exact AD gradient, as an independent check.
        var h = 1e-5;
        for (var j = 0; j < 2; j++)
        {
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[j] += h;
            minus[j] -= h;
            var gPlus = new double[2];
            var gMinus = new double[2];
            cost.EvaluateWithGradient(plus, gPlus);
            cost.EvaluateWithGradient(minus, gMinus);
            for (var i = 0; i < 2; i++)
            {
                AssertRelative((gPlus[i] - gMinus[i]) / (2 * h), hessian[i, j], 1e-7, $"H[{i},{j}]");
            }
        }
    }

    [Fact]
    public void EigenvaluesOfAKnownSymmetricMatrix()
    {
        // [[2,1,0],[1,2,1],[0,1,2]] has eigenvalues 2 − √2, 2, 2 + √2.
        var eigenvalues = SymmetricEigen.Eigenvalues(Matrix([[2, 1, 0], [1, 2, 1], [0, 1, 2]]));
        AssertRelative(2 - Math.Sqrt(2), eigenvalues[0], 1e-13);
        AssertRelative(2, eigenvalues[1], 1e-13);
        AssertRelative(2 + Math.Sqrt(2), eigenvalues[2], 1e-13);
    }

    [Fact]
    public void SymbolicGradientOfTheBowlIsSimplified()
    {
        var lines = SymbolicDerivative.GradientLines(Bowl());
        Assert.Equal(["∂bowl/∂w1 = 0.002*w1", "∂bowl/∂w2 = 2*w2"], lines);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("y")]
    public void SymbolicGradientOfRosenbrockHasTheGradientsValue(string parameter)
    {
        var cost = Rosenbrock();
        var text = SymbolicDerivative.DerivativeText(cost, cost.Parameters.IndexOf(parameter));
        // Check the text by its value: parse-free, evaluate the derivative tree itself.
        var tree = SymbolicDerivative.Differentiate(cost.Body, cost.Parameters.IndexOf(parameter));
        var compiled = CompiledCost.Compile("d", cost.Parameters, tree);
        var gradient = new double[2];
        CompiledCost.Compile(cost).EvaluateWithGradient([0.3, 0.8], gradient);
        AssertRelative(gradient[cost.Parameters.IndexOf(parameter)], compiled.Evaluate([0.3, 0.8]), 1e-14, text);
    }

    [Fact]
    public void SymbolicDerivativesReadNaturally()
    {
        var x = P(0, "x");
        Assert.Equal("cos(x)", Text(Call(MathFunction.Sin, x)));
        Assert.Equal("3*x^2", Text(Pow(x, N(3))));
        Assert.Equal("2*exp(2*x)", Text(Call(MathFunction.Exp, Mul(N(2), x))));
        Assert.Equal("-1/x^2", Text(Div(N(1), x)));
        Assert.Equal("1e-6", Text(Mul(N(1e-6), x)));
        Assert.Equal("400*(2*x - 1)", Text(Mul(N(100), Pow(Sub(Mul(N(2), x), N(1)), N(2)))));
        Assert.Equal("-sin(x)", Text(Call(MathFunction.Cos, x)));
    }

    private static string Text(BoundExpr body) => SymbolicDerivative.DerivativeText(Cost("f", ["x"], body), 0);
}
