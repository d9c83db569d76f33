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

/// <summary>
/// A minimize run that <c>until</c> stopped far from the minimum: the local quadratic model's
/// minimum is <see cref="Distance"/> away in <see cref="Parameter"/> (the largest Newton-step
/// component), <see cref="Ratio"/> times the last step's largest change.
/// </summary>
public sealed record EarlyStopFinding(string Parameter, double Distance, double LastChange, double Ratio, CostAnalysis Analysis);

public static class CostAnalyzer
{
    /// <summary>A Newton distance this many times the last step counts as "not a minimum".</summary>
    public const double EarlyStopRatio = 10;

    /// <summary>
    /// For a run stopped by <c>until</c>: the finding when, at the final point, the Hessian is
    /// positive definite and the Newton step is more than <see cref="EarlyStopRatio"/> times the
    /// last step (the seed's <c>early</c>: 0.998 away in w1 after a step of 0.000999). Null otherwise
    /// (also when the last two trace points are not consecutive steps).
    /// </summary>
    public static EarlyStopFinding? CheckEarlyStop(MinimizeResult result, BoundCost cost)
    {
        if (result.StopReason != StopReason.Until || result.Trace.Count < 2 || result.Trace[^1].Step != result.Trace[^2].Step + 1)
        {
            return null;
        }

        var last = result.Trace[^1].Parameters;
        var previous = result.Trace[^2].Parameters;
        var change = 0.0;
        for (var i = 0; i < last.Length; i++)
        {
            change = Math.Max(change, Math.Abs(last[i] - previous[i]));
        }

        var analysis = Analyze(cost, result.FinalParameters);
        if (analysis.NewtonStep is not { } newton)
        {
            return null;
        }

        var index = 0;
        for (var i = 1; i < newton.Length; i++)
        {
            if (Math.Abs(newton[i]) > Math.Abs(newton[index]))
            {
                index = i;
            }
        }

        var distance = Math.Abs(newton[index]);
        var ratio = change == 0 ? double.PositiveInfinity : distance / change;
        return ratio > EarlyStopRatio ? new EarlyStopFinding(cost.Parameters[index], distance, change, ratio, analysis) : null;
    }

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
