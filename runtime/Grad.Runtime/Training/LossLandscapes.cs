using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Training;

/// <summary>
/// Loss landscapes of a training run (docs/training.md; Li et al. 2018, "Visualizing the Loss
/// Landscape of Neural Nets"): the loss along the straight line from θ0 to θT, and on a plane through
/// θT with the run's path projected onto it. Every value is one forward pass over the whole data set
/// (<paramref name="loss"/>); the grid is budgeted and checks <see cref="CancellationToken"/> before each pass.
/// </summary>
public static class LossLandscapes
{
    /// <summary>Computes the landscape; throws <see cref="OperationCanceledException"/> when cancelled, <see cref="ArgumentException"/> when a PCA plane has no trajectory to fit.</summary>
    /// <param name="workPerPass">Samples × parameters of one forward pass, for <see cref="LandscapeRequest.MaxWork"/>.</param>
    public static LossLandscape Compute(
        LandscapeRequest request, NetworkModel model, double[] start, double[] final, IReadOnlyList<(int Step, double[] Parameters)> path,
        long seed, Func<double[], double> loss, double workPerPass, CancellationToken cancellation = default)
    {
        var (n, note) = Resolution(request, workPerPass);
        var parameters = final.Length;
        var point = new double[parameters];
        var passes = 0;
        double Loss()
        {
            cancellation.ThrowIfCancellationRequested();
            passes++;
            return loss(point);
        }

        // The line's first point, α = −0.5 at every resolution; timed when the landscape has a time budget.
        for (var i = 0; i < parameters; i++)
        {
            point[i] = start[i] + LandscapeRequest.LineFrom * (final[i] - start[i]);
        }

        var timer = System.Diagnostics.Stopwatch.StartNew();
        var first = Loss();
        if (request.TimeBudget is { } budget)
        {
            var pass = timer.Elapsed;
            if (WithinTime(n, note, pass, budget).Resolution < n)
            {
                // The first pass may carry the compilation of the forward pass or a collection: one more pass at the
                // same point, timed warm, decides, so a cold start alone never lowers the resolution.
                timer.Restart();
                Loss();
                pass = TimeSpan.FromTicks(Math.Min(pass.Ticks, timer.Elapsed.Ticks));
            }

            (n, note) = WithinTime(n, note, pass, budget);
        }

        var alphas = ContourChart.Spaced(LandscapeRequest.LineFrom, LandscapeRequest.LineTo, n);
        var line = new double[n];
        line[0] = first;
        for (var k = 1; k < n; k++)
        {
            for (var i = 0; i < parameters; i++)
            {
                point[i] = start[i] + alphas[k] * (final[i] - start[i]);
            }

            line[k] = Loss();
        }

        var (d1, d2, explained) = request.Directions == LandscapeDirections.Random
            ? (FilterNormalized(model, final, Rng.Derive(seed, LandscapeRequest.DirectionStream), out var second), second, (double[]?)null)
            : Principal(path, final);
        var projected = path.Select(p => Project(p.Parameters, final, d1, d2)).ToList();
        var xs = projected.Select(p => p.X).Where(double.IsFinite).Append(0);
        var ys = projected.Select(p => p.Y).Where(double.IsFinite).Append(0);
        if (request.Directions == LandscapeDirections.Random)
        {
            xs = xs.Concat([-LandscapeRequest.RandomExtent, LandscapeRequest.RandomExtent]);
            ys = ys.Concat([-LandscapeRequest.RandomExtent, LandscapeRequest.RandomExtent]);
        }

        var (xMin, xMax) = ContourChart.Extent(xs);
        var (yMin, yMax) = ContourChart.Extent(ys);
        var gridX = ContourChart.Spaced(xMin, xMax, n);
        var gridY = ContourChart.Spaced(yMin, yMax, n);
        var plane = new double[n, n];
        for (var row = 0; row < n; row++)
        {
            for (var column = 0; column < n; column++)
            {
                for (var i = 0; i < parameters; i++)
                {
                    point[i] = final[i] + gridX[column] * d1[i] + gridY[row] * d2[i];
                }

                plane[row, column] = Loss();
            }
        }

        return new LossLandscape(n, alphas, line, request.Directions, gridX, gridY, plane,
            [.. path.Select(p => p.Step)], [.. projected.Select(p => p.X)], [.. projected.Select(p => p.Y)], passes)
        {
            ExplainedVariance = explained,
            Note = note,
            Direction1 = d1,
            Direction2 = d2,
        };
    }

    /// <summary>The resolution asked for, clamped to 3 … 99, then lowered until N + N² passes fit <see cref="LandscapeRequest.MaxForwardPasses"/> and <see cref="LandscapeRequest.MaxWork"/>.</summary>
    public static (int Resolution, string? Note) Resolution(LandscapeRequest request, double workPerPass)
    {
        var asked = Math.Clamp(request.Resolution, LandscapeRequest.MinResolution, LandscapeRequest.MaxResolution);
        var n = asked;
        while (n > LandscapeRequest.MinResolution && ((long)n + (long)n * n > LandscapeRequest.MaxForwardPasses || (n + (double)n * n) * workPerPass > LandscapeRequest.MaxWork))
        {
            n--;
        }

        return (n, n < asked ? $"resolution lowered from {asked} to {n}: (N + N²) passes × {workPerPass:G3} (samples × parameters) must stay within {LandscapeRequest.MaxWork:G3} (docs/training.md)" : null);
    }

    /// <summary>
    /// The resolution lowered (not below 3) until N + N² passes of <paramref name="pass"/> each fit <paramref name="budget"/>
    /// (<see cref="LandscapeRequest.TimeBudget"/>), with the note that says so.
    /// </summary>
    public static (int Resolution, string? Note) WithinTime(int resolution, string? note, TimeSpan pass, TimeSpan budget)
    {
        var n = resolution;
        while (n > LandscapeRequest.MinResolution && (n + (double)n * n) * pass.TotalSeconds > budget.TotalSeconds)
        {
            n--;
        }

        return n == resolution ? (n, note)
            : (n, $"resolution lowered from {resolution} to {n}: (N + N²) passes of {pass.TotalMilliseconds:G3} ms must stay within the time budget of {budget.TotalSeconds:G3} s (docs/training.md)");
    }

    /// <summary>
    /// Two random directions with Li et al.'s filter normalisation: Gaussian entries, then each
    /// neuron's row of a dense layer's weights scaled to the norm of that row in θT (a zero row
    /// stays zero); biases and norm layers' parameters get 0. d1 is drawn before d2.
    /// </summary>
    public static double[] FilterNormalized(NetworkModel model, double[] final, Rng rng, out double[] second)
    {
        var first = Draw();
        second = Draw();
        return first;

        double[] Draw()
        {
            var direction = new double[final.Length];
            foreach (var layer in model.Layers.Where(l => !l.IsNorm))
            {
                for (var unit = 0; unit < layer.Units; unit++)
                {
                    var row = direction.AsSpan(layer.WeightOffset + unit * layer.InputUnits, layer.InputUnits);
                    for (var k = 0; k < row.Length; k++)
                    {
                        row[k] = rng.NextGaussian();
                    }

                    var scale = Norm(final.AsSpan(layer.WeightOffset + unit * layer.InputUnits, layer.InputUnits)) / Norm(row);
                    for (var k = 0; k < row.Length; k++)
                    {
                        row[k] = double.IsFinite(scale) ? row[k] * scale : 0;
                    }
                }
            }

            return direction;
        }
    }

    /// <summary>
    /// The top two principal directions of the recorded points' differences θ_i − θT, centred (as
    /// sklearn's PCA in Li et al.'s code): the leading eigenvectors of the small Gram matrix of the
    /// centred differences, mapped back to parameter space and normalised; each signed so that θ0 has
    /// a coordinate ≤ 0. Also the fraction of the variance each explains.
    /// </summary>
    public static (double[] First, double[] Second, double[] Explained) Principal(IReadOnlyList<(int Step, double[] Parameters)> path, double[] final)
    {
        var m = path.Count;
        var p = final.Length;
        var mean = new double[p];
        foreach (var (_, parameters) in path)
        {
            for (var i = 0; i < p; i++)
            {
                mean[i] += (parameters[i] - final[i]) / m;
            }
        }

        double Centred(int point, int i) => path[point].Parameters[i] - final[i] - mean[i];
        var gram = new double[m, m];
        for (var a = 0; a < m; a++)
        {
            for (var b = a; b < m; b++)
            {
                var sum = 0.0;
                for (var i = 0; i < p; i++)
                {
                    sum += Centred(a, i) * Centred(b, i);
                }

                gram[a, b] = gram[b, a] = sum;
            }
        }

        var (values, vectors) = SymmetricEigen.Decompose(gram);
        var total = values.Sum(v => Math.Max(v, 0));
        if (m < 3 || !(values[^2] > 1e-12 * total))
        {
            throw new ArgumentException("a PCA plane needs a path that moves in two directions: at least 3 recorded points not on one line");
        }

        double[] Direction(int column)
        {
            var direction = new double[p];
            for (var point = 0; point < m; point++)
            {
                var weight = vectors[point, column];
                for (var i = 0; i < p; i++)
                {
                    direction[i] += weight * Centred(point, i);
                }
            }

            var norm = Norm(direction);
            var sign = Dot(path[0].Parameters, direction) - Dot(final, direction) > 0 ? -1 : 1;
            for (var i = 0; i < p; i++)
            {
                direction[i] *= sign / norm;
            }

            return direction;
        }

        return (Direction(m - 1), Direction(m - 2), [values[^1] / total, values[^2] / total]);
    }

    /// <summary>The least-squares coordinates (x, y) with θT + x·d1 + y·d2 closest to θ (the 2×2 normal equations; for orthonormal PCA directions, the dot products).</summary>
    public static (double X, double Y) Project(ReadOnlySpan<double> parameters, double[] final, double[] d1, double[] d2)
    {
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        for (var i = 0; i < final.Length; i++)
        {
            var difference = parameters[i] - final[i];
            a11 += d1[i] * d1[i];
            a12 += d1[i] * d2[i];
            a22 += d2[i] * d2[i];
            b1 += d1[i] * difference;
            b2 += d2[i] * difference;
        }

        var determinant = a11 * a22 - a12 * a12;
        return ((a22 * b1 - a12 * b2) / determinant, (a11 * b2 - a12 * b1) / determinant);
    }

    private static double Norm(ReadOnlySpan<double> values) => Math.Sqrt(Dot(values, values));

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
