namespace Grad.Runtime.Numerics;

/// <summary>Eigenvalues (and eigenvectors) of a small symmetric matrix by the cyclic Jacobi method (exact to rounding, fine for the handful of parameters a cost has, or a trajectory's Gram matrix).</summary>
public static class SymmetricEigen
{
    /// <summary>The eigenvalues in ascending order. The input is not modified.</summary>
    public static double[] Eigenvalues(double[,] matrix)
    {
        var a = Diagonalize(matrix, null);
        var values = new double[a.GetLength(0)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = a[i, i];
        }

        Array.Sort(values);
        return values;
    }

    /// <summary>
    /// The eigenvalues in ascending order and the unit eigenvectors as the columns of
    /// <c>Vectors</c> in the same order (the Jacobi rotations accumulated). The input is not modified.
    /// </summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var vectors = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            vectors[i, i] = 1;
        }

        var a = Diagonalize(matrix, vectors);
        var order = Enumerable.Range(0, n).OrderBy(i => a[i, i]).ToArray();
        var sorted = new double[n, n];
        for (var column = 0; column < n; column++)
        {
            for (var row = 0; row < n; row++)
            {
                sorted[row, column] = vectors[row, order[column]];
            }
        }

        return ([.. order.Select(i => a[i, i])], sorted);
    }

    /// <summary>Cyclic Jacobi sweeps until the off-diagonal part is 0; rotations are applied to <paramref name="vectors"/>' columns too when given.</summary>
    private static double[,] Diagonalize(double[,] matrix, double[,]? vectors)
    {
        var n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n)
        {
            throw new ArgumentException("the matrix must be square", nameof(matrix));
        }

        var a = (double[,])matrix.Clone();
        for (var sweep = 0; sweep < 100; sweep++)
        {
            var offDiagonal = 0.0;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    offDiagonal += a[p, q] * a[p, q];
                }
            }

            if (offDiagonal == 0 || double.IsNaN(offDiagonal))
            {
                break;
            }

            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    if (a[p, q] != 0)
                    {
                        Rotate(a, n, p, q, vectors);
                    }
                }
            }
        }

        return a;
    }

    /// <summary>|λ|max / |λ|min; infinity when an eigenvalue is 0, NaN for an empty matrix.</summary>
    public static double ConditionNumber(IReadOnlyList<double> eigenvalues)
    {
        if (eigenvalues.Count == 0)
        {
            return double.NaN;
        }

        var largest = eigenvalues.Max(Math.Abs);
        var smallest = eigenvalues.Min(Math.Abs);
        return smallest == 0 ? double.PositiveInfinity : largest / smallest;
    }

    /// <summary>One Jacobi rotation that zeroes a[p,q] (Numerical Recipes' stable formulation).</summary>
    private static void Rotate(double[,] a, int n, int p, int q, double[,]? vectors)
    {
        var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
        var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        if (theta == 0)
        {
            t = 1;
        }

        var c = 1 / Math.Sqrt(t * t + 1);
        var s = t * c;
        for (var k = 0; k < n; k++)
        {
            var akp = a[k, p];
            var akq = a[k, q];
            a[k, p] = c * akp - s * akq;
            a[k, q] = s * akp + c * akq;
        }

        for (var k = 0; k < n; k++)
        {
            var apk = a[p, k];
            var aqk = a[q, k];
            a[p, k] = c * apk - s * aqk;
            a[q, k] = s * apk + c * aqk;
        }

        for (var k = 0; vectors is not null && k < n; k++)
        {
            var vkp = vectors[k, p];
            var vkq = vectors[k, q];
            vectors[k, p] = c * vkp - s * vkq;
            vectors[k, q] = s * vkp + c * vkq;
        }
    }
}
