using System.Collections.Immutable;
using Grad.Language.Semantics;
using Grad.Runtime.Costs;
using Grad.Runtime.Numerics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Analysis;

/// <summary>
/// A cost at a point: value, exact gradient and Hessian, the Hessian's eigenvalues (ascending),
/// condition number |λ|max/|λ|min, the simplified symbolic derivative per parameter
/// (<c>0.002*w1</c>) and, when the Hessian is positive definite, the Newton step
/// −H⁻¹∇f: how far the minimum of the local quadratic model is in each parameter.
/// </summary>
public sealed record CostAnalysis(
    string CostName,
    ImmutableArray<string> ParameterNames,
    double[] Point,
    double Value,
    double[] Gradient,
    double[,] Hessian,
    double[] Eigenvalues,
    double ConditionNumber,
    IReadOnlyList<string> Derivatives,
    double[]? NewtonStep)
{
    /// <summary>One line per parameter: <c>∂bowl/∂w1 = 0.002*w1</c>.</summary>
    public IReadOnlyList<string> SymbolicGradient =>
        [.. ParameterNames.Zip(Derivatives, (name, derivative) => SymbolicDerivative.GradientLine(CostName, name, derivative))];
}

public static class CostAnalyzer
{
    public static CostAnalysis Analyze(BoundCost cost, ReadOnlySpan<double> point)
    {
        var compiled = CompiledCost.Compile(cost);
        var gradient = new double[compiled.ParameterCount];
        var value = compiled.EvaluateWithGradient(point, gradient);
        var hessian = compiled.Hessian(point);
        var eigenvalues = SymmetricEigen.Eigenvalues(hessian);
        var newton = eigenvalues.Length > 0 && eigenvalues[0] > 0 ? Solve(hessian, gradient) : null;
        if (newton is not null)
        {
            for (var i = 0; i < newton.Length; i++)
            {
                newton[i] = -newton[i];
            }
        }

        return new CostAnalysis(cost.Name, cost.Parameters, point.ToArray(), value, gradient, hessian, eigenvalues,
            SymmetricEigen.ConditionNumber(eigenvalues), [.. cost.Parameters.Select((_, i) => SymbolicDerivative.DerivativeText(cost, i))], newton);
    }

    /// <summary>The cost at the start point of the first run that minimizes it, or null when none does.</summary>
    public static CostAnalysis? AnalyzeAtFirstRun(BoundProgram program, BoundCost cost) =>
        program.Runs.FirstOrDefault(r => r.Kind == RunKind.Minimize && r.Cost is { } c && c.Name == cost.Name) is { } run
            ? Analyze(cost, run.Start.AsSpan())
            : null;

    /// <summary>Solves H x = b by Gaussian elimination with partial pivoting; null when H is singular.</summary>
    private static double[]? Solve(double[,] matrix, double[] rightHandSide)
    {
        var n = rightHandSide.Length;
        var a = (double[,])matrix.Clone();
        var b = (double[])rightHandSide.Clone();
        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < n; row++)
            {
                if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column]))
                {
                    pivot = row;
                }
            }

            if (a[pivot, column] == 0)
            {
                return null;
            }

            for (var k = 0; k < n; k++)
            {
                (a[column, k], a[pivot, k]) = (a[pivot, k], a[column, k]);
            }

            (b[column], b[pivot]) = (b[pivot], b[column]);
            for (var row = column + 1; row < n; row++)
            {
                var factor = a[row, column] / a[column, column];
                for (var k = column; k < n; k++)
                {
                    a[row, k] -= factor * a[column, k];
                }

                b[row] -= factor * b[column];
            }
        }

        var x = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = b[row];
            for (var k = row + 1; k < n; k++)
            {
                sum -= a[row, k] * x[k];
            }

            x[row] = sum / a[row, row];
        }

        return x;
    }
}
