using Grad.Language.Semantics;
using Grad.Runtime.Costs;
using Grad.Runtime.Data;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Analysis;

/// <summary>
/// Gradient descent on a quadratic with curvature λ is stable only when lr·λ &lt; 2 (the step
/// overshoots by a factor |1 − lr·λ|). This finds λmax, the largest eigenvalue of the Hessian of
/// what a run minimizes at its start (GRAD0508): exactly for a cost (its Hessian by automatic
/// differentiation), and for a network's loss on the run's first batch (at most
/// <see cref="NetworkAnalyzer.MaxAnalysisSamples"/> samples of it) by power iteration on
/// Hessian-vector products: exact ones (<see cref="HessianVectorProduct"/>) for dense networks,
/// central differences of the exact gradient for networks with residual blocks or norm layers.
/// </summary>
public static class StabilityLimit
{
    /// <summary>
    /// The largest learning rate for which the optimizer is stable on curvature λmax, or null when
    /// it has no such limit: sgd's lr·(1 − dampening)·(λmax + weight_decay) &lt; 2(1 + momentum)
    /// (heavy ball), with nesterov &lt; 2(1 + momentum)/(1 + 2·momentum). The adaptive optimizers
    /// (adagrad, rmsprop, adadelta, adam, adamw) scale each step themselves: no fixed limit.
    /// </summary>
    public static double? LearningRateLimit(OptimizerSpec optimizer, double lambdaMax)
    {
        if (optimizer.Kind != OptimizerKind.Sgd || !(lambdaMax + optimizer.WeightDecay > 0) || optimizer.Dampening >= 1)
        {
            return null;
        }

        return StableBound(optimizer) / ((1 - optimizer.Dampening) * (lambdaMax + optimizer.WeightDecay));
    }

    /// <summary>
    /// The same rule read the other way: the curvature above which a step of learning rate
    /// <paramref name="lr"/> is unstable, 2(1 + momentum)/((1 − dampening)·lr) − weight_decay (2/lr for
    /// plain sgd; nesterov as in <see cref="LearningRateLimit"/>); null for the adaptive optimizers.
    /// </summary>
    public static double? CurvatureLimit(OptimizerSpec optimizer, double lr)
    {
        if (optimizer.Kind != OptimizerKind.Sgd || !(lr > 0) || optimizer.Dampening >= 1)
        {
            return null;
        }

        return StableBound(optimizer) / ((1 - optimizer.Dampening) * lr) - optimizer.WeightDecay;
    }

    /// <summary>How <see cref="CurvatureLimit"/> is computed for this optimizer, in words for a chart's legend.</summary>
    public static string CurvatureLimitRule(OptimizerSpec optimizer) =>
        (optimizer.Momentum, optimizer.Dampening, optimizer.WeightDecay, optimizer.Nesterov) switch
        {
            (0, 0, 0, _) => "2/lr for plain sgd",
            (0, _, _, _) => "2/((1 − dampening)·lr) − weight_decay",
            (_, _, _, false) => "2(1 + momentum)/((1 − dampening)·lr) − weight_decay",
            _ => "2(1 + momentum)/((1 + 2·momentum)(1 − dampening)·lr) − weight_decay, nesterov",
        };

    /// <summary>What lr·(1 − dampening)·(λ + weight_decay) must stay below: 2(1 + momentum), or 2(1 + momentum)/(1 + 2·momentum) with nesterov.</summary>
    private static double StableBound(OptimizerSpec optimizer) =>
        optimizer.Nesterov ? 2 * (1 + optimizer.Momentum) / (1 + 2 * optimizer.Momentum) : 2 * (1 + optimizer.Momentum);

    /// <summary>
    /// A network's λmax at the start is measured only where its parameters × analysed samples are at
    /// most this: each power-iteration step costs a few passes over the samples, up to 500 steps, about
    /// 0.5 µs per unit of this work on the development VM (W3's 784-512-512-10 network on 128 samples,
    /// 85.7 million, took 42 s of a `grad check` and ran over the editor's budget): at most about a second.
    /// </summary>
    public const long MaxStartWork = 2_000_000;

    /// <summary>λmax of the Hessian of what the run minimizes at its start; null when it cannot be measured (data that does not load or fit).</summary>
    public static double? LambdaMaxAtStart(BoundRun run, Func<BoundData, DataLoadResult> loadData, CancellationToken cancellation = default)
    {
        if (run.Kind == RunKind.Minimize && run.Cost is { } cost)
        {
            var hessian = CompiledCost.Compile(cost).Hessian(run.Start.AsSpan());
            var eigenvalues = SymmetricEigen.Eigenvalues(hessian);
            return eigenvalues.Length == 0 || !eigenvalues.All(double.IsFinite) ? null : eigenvalues[^1];
        }

        if (run.Network is not { } network || run.Data is not { } boundData || loadData(boundData).Data is not { } data)
        {
            return null;
        }

        var model = NetworkModel.FromBound(network);
        if (data.FeatureWidth != model.InputWidth || data.TargetsFor(model.OutputWidth) is not { } targets)
        {
            return null;
        }

        var (x, y, rows, _) = NetworkAnalyzer.AnalysisSample(model, data.Features, targets, data.Count, run);
        if ((long)model.ParameterCount * rows > MaxStartWork)
        {
            return null;
        }

        var parameters = NetworkModel.InitialParameters(network, model);
        if (HessianVectorProduct.Supports(model))
        {
            var product = new HessianVectorProduct(model, x, y, rows);
            return LargestEigenvalue(parameters.Length, (v, result) => product.Multiply(parameters, v, result), cancellation);
        }

        var backprop = new Backprop(model, rows);
        return LargestEigenvalue(parameters, (point, gradient) => backprop.Run(point, x, y, rows, gradient), cancellation);
    }

    /// <summary>
    /// λmax of the Hessian of a function given only by its exact gradient, at <paramref name="point"/>:
    /// <see cref="LargestEigenvalue(int, Action{double[], double[]}, CancellationToken, int)"/> on
    /// Hessian-vector products Hv ≈ (∇f(θ + εv) − ∇f(θ − εv)) / 2ε (central differences of the
    /// exact gradient, error O(ε²)): for networks <see cref="HessianVectorProduct"/> does not cover.
    /// </summary>
    public static double? LargestEigenvalue(double[] point, Action<double[], double[]> gradient, CancellationToken cancellation = default, int maxIterations = 500)
    {
        var n = point.Length;
        var scale = Math.Max(1, Runner.MaxAbs(point));
        var epsilon = 1e-5 * scale;
        var plus = new double[n];
        var minus = new double[n];
        var gradientPlus = new double[n];
        var gradientMinus = new double[n];
        return LargestEigenvalue(n, (v, result) =>
        {
            for (var i = 0; i < n; i++)
            {
                plus[i] = point[i] + epsilon * v[i];
                minus[i] = point[i] - epsilon * v[i];
            }

            gradient(plus, gradientPlus);
            gradient(minus, gradientMinus);
            for (var i = 0; i < n; i++)
            {
                result[i] = (gradientPlus[i] - gradientMinus[i]) / (2 * epsilon);
            }
        }, cancellation, maxIterations);
    }

    /// <summary>
    /// λmax of a symmetric n×n matrix H given by its products Hv (<paramref name="multiply"/>(v, result)):
    /// power iteration from a fixed seeded start vector until the Rayleigh quotient settles to 1e-11
    /// relative. When the dominant eigenvalue is negative the iteration is repeated on H − μI to
    /// find the largest. Null when a product is not finite.
    /// </summary>
    public static double? LargestEigenvalue(int n, Action<double[], double[]> multiply, CancellationToken cancellation = default, int maxIterations = 500)
    {
        if (n == 0)
        {
            return null;
        }

        void Multiply(double[] v, double[] result, double shift)
        {
            multiply(v, result);
            for (var i = 0; i < n; i++)
            {
                result[i] -= shift * v[i];
            }
        }

        double? Dominant(double shift)
        {
            var rng = new Rng(0x5EED);
            var v = new double[n];
            for (var i = 0; i < n; i++)
            {
                v[i] = rng.NextGaussian();
            }

            Normalize(v);
            var w = new double[n];
            var previous = double.NaN;
            for (var iteration = 0; iteration < maxIterations; iteration++)
            {
                cancellation.ThrowIfCancellationRequested();
                Multiply(v, w, shift);
                var rayleigh = Dot(v, w);
                if (!double.IsFinite(rayleigh))
                {
                    return null;
                }

                var norm = Math.Sqrt(Dot(w, w));
                if (norm == 0)
                {
                    return 0;
                }

                for (var i = 0; i < n; i++)
                {
                    v[i] = w[i] / norm;
                }

                if (Math.Abs(rayleigh - previous) <= 1e-11 * Math.Max(Math.Abs(rayleigh), 1e-300))
                {
                    return rayleigh;
                }

                previous = rayleigh;
            }

            return previous;
        }

        var dominant = Dominant(0);
        if (dominant is not { } mu || mu >= 0)
        {
            return dominant;
        }

        return Dominant(mu) is { } shifted ? shifted + mu : null;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void Normalize(double[] v)
    {
        var norm = Math.Sqrt(Dot(v, v));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] /= norm;
        }
    }
}
