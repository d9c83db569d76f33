using System.Collections.Immutable;

namespace Grad.LanguageServer.Analysis;

internal static class LinearAlgebra
{
    /// <summary>x with A x = b by Gaussian elimination with partial pivoting; null when A is singular.</summary>
    public static double[]? Solve(ImmutableArray<ImmutableArray<double>> matrix, ImmutableArray<double> vector)
    {
        var n = vector.Length;
        if (matrix.Length != n || matrix.Any(row => row.Length != n))
        {
            return null;
        }

        var a = new double[n, n + 1];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                a[i, j] = matrix[i][j];
            }

            a[i, n] = vector[i];
        }

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

            if (Math.Abs(a[pivot, column]) < 1e-300)
            {
                return null;
            }

            for (var j = 0; j <= n; j++)
            {
                (a[column, j], a[pivot, j]) = (a[pivot, j], a[column, j]);
            }

            for (var row = 0; row < n; row++)
            {
                if (row == column)
                {
                    continue;
                }

                var factor = a[row, column] / a[column, column];
                for (var j = column; j <= n; j++)
                {
                    a[row, j] -= factor * a[column, j];
                }
            }
        }

        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = a[i, n] / a[i, i];
        }

        return x;
    }
}
