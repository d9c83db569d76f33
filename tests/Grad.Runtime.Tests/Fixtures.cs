using System.Collections.Immutable;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Runtime.Tests;

/// <summary>Bound-model objects built directly, with dummy syntax, for tests that do not go through the parser.</summary>
internal static class Fixtures
{
    private static readonly TextSpan NoSpan = new(0, 0);

    public static BoundParameter P(int index, string name) => new(index, name);

    public static BoundNumber N(double value) => new(value);

    public static BoundExpr Add(BoundExpr l, BoundExpr r) => new BoundBinary(BinaryOperator.Add, l, r);

    public static BoundExpr Sub(BoundExpr l, BoundExpr r) => new BoundBinary(BinaryOperator.Subtract, l, r);

    public static BoundExpr Mul(BoundExpr l, BoundExpr r) => new BoundBinary(BinaryOperator.Multiply, l, r);

    public static BoundExpr Div(BoundExpr l, BoundExpr r) => new BoundBinary(BinaryOperator.Divide, l, r);

    public static BoundExpr Pow(BoundExpr l, BoundExpr r) => new BoundBinary(BinaryOperator.Power, l, r);

    public static BoundExpr Call(MathFunction f, BoundExpr x) => new BoundCall(f, x);

    public static BoundCost Cost(string name, string[] parameters, BoundExpr body) =>
        new(name, [.. parameters], body, new CostDeclarationSyntax(new Identifier(name, NoSpan), [], null, NoSpan, NoSpan));

    /// <summary><c>cost bowl(w1, w2) = a * w1^2 + w2^2</c> with a = 0.001 already folded.</summary>
    public static BoundCost Bowl() =>
        Cost("bowl", ["w1", "w2"], Add(Mul(N(0.001), Pow(P(0, "w1"), N(2))), Pow(P(1, "w2"), N(2))));

    /// <summary>Rosenbrock (1 − x)² + 100 (y − x²)².</summary>
    public static BoundCost Rosenbrock() =>
        Cost("rosenbrock", ["x", "y"], Add(Pow(Sub(N(1), P(0, "x")), N(2)), Mul(N(100), Pow(Sub(P(1, "y"), Pow(P(0, "x"), N(2))), N(2)))));

    public static BoundLayer Layer(int index, int units, int inputs, Activation activation, double[,]? weights = null, double[]? bias = null, string? label = null) =>
        new(index, units, inputs, activation, weights, bias, label, new DenseLayerSyntax(null, null, null, null, null, [], NoSpan, NoSpan), null);

    public static BoundNetwork Network(string name, int input, IEnumerable<BoundLayer> layers, LossKind loss, InitSpec? init = null, long seed = 0) =>
        new(name, input, [.. layers], init ?? InitSpec.Default, loss, seed, new NetworkDeclarationSyntax(new Identifier(name, NoSpan), [], NoSpan, NoSpan));

    public static InlineBoundData Inline(string name, double[][] x, double[][] y) =>
        new(name, x, y, new InlineDataSyntax(new Identifier(name, NoSpan), [], NoSpan, new TextSpan(10, 5)));

    public static BoundRun Minimize(string name, BoundCost cost, double[] start, OptimizerSpec optimizer, int steps = 1000, StopCondition[]? until = null, int? recordEvery = null) =>
        new(name, RunKind.Minimize, cost, [.. start], null, null, optimizer, steps, null, null, [.. until ?? []], recordEvery, 0, RunSyntax(name));

    public static BoundRun Train(string name, BoundNetwork network, BoundData data, OptimizerSpec optimizer, int? steps = null, int? epochs = null, int? batch = null, long seed = 0, StopCondition[]? until = null, int? recordEvery = null) =>
        new(name, RunKind.Train, null, [], network, data, optimizer, epochs is null ? steps ?? 1000 : null, epochs, batch, [.. until ?? []], recordEvery, seed, RunSyntax(name));

    public static RunDeclarationSyntax RunSyntax(string name) => new(new Identifier(name, NoSpan), [], NoSpan, NoSpan);

    public static OptimizerSpec Sgd(double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0) =>
        new(OptimizerKind.Sgd, lr, Momentum: momentum, Dampening: dampening, Nesterov: nesterov, WeightDecay: weightDecay)
        {
            Arguments = [new("lr", lr)],
        };

    public static OptimizerSpec Adagrad(double lr = 0.01, double eps = 1e-10, double initialAccumulator = 0) =>
        new(OptimizerKind.Adagrad, lr, Eps: eps, InitialAccumulator: initialAccumulator) { Arguments = [new("lr", lr)] };

    public static double[,] Matrix(double[][] rows)
    {
        var m = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < rows[0].Length; j++)
            {
                m[i, j] = rows[i][j];
            }
        }

        return m;
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance·|expected| (or ≤ tolerance when expected is 0).</summary>
    public static void AssertRelative(double expected, double actual, double tolerance, string? what = null)
    {
        var scale = Math.Max(Math.Abs(expected), expected == 0 ? 1 : 0);
        Assert.True(Math.Abs(actual - expected) <= tolerance * scale, $"{what}: expected {expected:R}, got {actual:R} (relative tolerance {tolerance})");
    }
}
