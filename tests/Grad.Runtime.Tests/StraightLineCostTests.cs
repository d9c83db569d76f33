using Grad.Language;
using Grad.Runtime.Costs;

namespace Grad.Runtime.Tests;

/// <summary>The straight-line compiled cost gives the tape interpreter's value and gradient, bit for bit.</summary>
public class StraightLineCostTests
{
    private const string Costs = """
        let a = 0.001
        cost bowl(w1, w2) = a * w1^2 + w2^2
        cost rosenbrock(x, y) = (1 - x)^2 + 100 * (y - x^2)^2
        cost powers(x, y) = x^3 + x^-1 + x^0.5 + x^0 + x^1 + x^2.5 + y^x + (x * y)^-2
        cost functions(x, y) = 1.3 * exp(x * y) + log(y) / 3 + sqrt(x) * y + sin(x) * cos(y) + 0.7 * tanh(y * x) + x * sigmoid(-x * y) + softplus(y * 30) / 7 + 1.1 * softplus(x)
        cost kinks(x, y) = 0.3 * abs(x - y) + y * relu(x) + 1.7 * relu(-y) + abs(3) * x / (y + 2) - -x
        cost shared(x) = x * x * x - x / x + (x - 1) * (x + 1)
        """;

    public static TheoryData<string> CostNames() => ["bowl", "rosenbrock", "powers", "functions", "kinks", "shared"];

    [Theory]
    [MemberData(nameof(CostNames))]
    public void ValueAndGradientAreTheTapesBitForBit(string name)
    {
        var compilation = Compilation.Create(Costs, "costs.grad");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var cost = CompiledCost.Compile(compilation.Program.Costs.Single(c => c.Name == name));
        var straightLine = cost.CompileStraightLine();
        double[][] special = [[1, 1], [0.5, 2], [-1.2, 1], [0, 0], [-0.0, 3], [1e-300, 1e300], [25, -25], [0.3, -0.7], [2, double.PositiveInfinity]];
        var rng = new Numerics.Rng(13);
        var random = Enumerable.Range(0, 200).Select(_ => new[] { rng.NextUniform(-3, 3), rng.NextUniform(-3, 3) });
        foreach (var point in special.Concat(random))
        {
            var parameters = point[..cost.ParameterCount];
            var expectedGradient = new double[cost.ParameterCount];
            var expected = cost.EvaluateWithGradient(parameters, expectedGradient);
            var gradient = new double[cost.ParameterCount];
            var value = straightLine(parameters, gradient);
            Assert.Equal(Bits(expected), Bits(value));
            Assert.Equal(expectedGradient.Select(Bits), gradient.Select(Bits));
        }
    }

    /// <summary>The bits of a number; every NaN counts as one (its sign and payload depend on how the JIT compiled an invalid operation, and no output shows them).</summary>
    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(double.IsNaN(value) ? double.NaN : value);
}
