using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Data;

/// <summary>
/// The data generators. Each draws from <c>new Rng(seed)</c>, so a seed gives the same set on
/// every machine. Classification targets are one 0/1 column for two classes (for a sigmoid
/// output with bce) and one-hot rows for more; sample i belongs to class i mod K, so classes
/// are interleaved and balanced. Definitions (N(0,1) is a standard normal draw):
/// <list type="bullet">
/// <item><c>xor</c>: x uniform in [−1, 1]², y = 1 when the two signs differ.</item>
/// <item><c>circles(noise)</c>: class 0 on the circle of radius 1, class 1 on radius 0.5, uniform angle, + noise·N(0,1) per coordinate.</item>
/// <item><c>moons(noise)</c>: class 0 (cos t, sin t), class 1 (1 − cos t, 0.5 − sin t), t uniform in [0, π], + noise·N(0,1).</item>
/// <item><c>spirals(noise, classes)</c>: class k, r uniform in [0, 1], θ = 2πk/K + 3πr, x = r(cos θ, sin θ) + noise·N(0,1).</item>
/// <item><c>gaussians(classes, spread)</c>: class k around (2 cos 2πk/K, 2 sin 2πk/K) with standard deviation spread.</item>
/// <item><c>linear(slope, intercept, noise)</c>: x uniform in [−1, 1], y = slope·x + intercept + noise·N(0,1).</item>
/// </list>
/// </summary>
public static class Generators
{
    /// <summary>The target width the generator produces (1 for binary and regression sets, K for K ≥ 3 classes).</summary>
    public static int TargetWidth(GeneratorKind generator, int classes) => generator switch
    {
        GeneratorKind.Spirals or GeneratorKind.Gaussians => classes >= 3 ? classes : 1,
        _ => 1,
    };

    /// <summary>The feature width (1 for <c>linear</c>, 2 for the others).</summary>
    public static int FeatureWidth(GeneratorKind generator) => generator == GeneratorKind.Linear ? 1 : 2;

    public static DataSet Generate(GeneratedBoundData data)
    {
        var n = Math.Max(1, data.N);
        var rng = new Rng(data.Seed);
        var featureWidth = FeatureWidth(data.Generator);
        var classes = data.Generator switch
        {
            GeneratorKind.Spirals or GeneratorKind.Gaussians => Math.Max(2, data.Classes),
            GeneratorKind.Linear => 1,
            _ => 2,
        };
        var targetWidth = TargetWidth(data.Generator, classes);
        var x = new double[n * featureWidth];
        var y = new double[n * targetWidth];
        for (var i = 0; i < n; i++)
        {
            var label = i % classes;
            double x0, x1 = 0, target = label;
            switch (data.Generator)
            {
                case GeneratorKind.Xor:
                    x0 = rng.NextUniform(-1, 1);
                    x1 = rng.NextUniform(-1, 1);
                    target = (x0 > 0) != (x1 > 0) ? 1 : 0;
                    break;
                case GeneratorKind.Circles:
                    var angle = rng.NextUniform(0, 2 * Math.PI);
                    var radius = label == 0 ? 1.0 : 0.5;
                    x0 = radius * Math.Cos(angle) + data.Noise * rng.NextGaussian();
                    x1 = radius * Math.Sin(angle) + data.Noise * rng.NextGaussian();
                    break;
                case GeneratorKind.Moons:
                    var t = rng.NextUniform(0, Math.PI);
                    x0 = label == 0 ? Math.Cos(t) : 1 - Math.Cos(t);
                    x1 = label == 0 ? Math.Sin(t) : 0.5 - Math.Sin(t);
                    x0 += data.Noise * rng.NextGaussian();
                    x1 += data.Noise * rng.NextGaussian();
                    break;
                case GeneratorKind.Spirals:
                    var r = rng.NextDouble();
                    var theta = 2 * Math.PI * label / classes + 3 * Math.PI * r;
                    x0 = r * Math.Cos(theta) + data.Noise * rng.NextGaussian();
                    x1 = r * Math.Sin(theta) + data.Noise * rng.NextGaussian();
                    break;
                case GeneratorKind.Gaussians:
                    var centre = 2 * Math.PI * label / classes;
                    x0 = 2 * Math.Cos(centre) + data.Spread * rng.NextGaussian();
                    x1 = 2 * Math.Sin(centre) + data.Spread * rng.NextGaussian();
                    break;
                default:
                    x0 = rng.NextUniform(-1, 1);
                    target = data.Slope * x0 + data.Intercept + data.Noise * rng.NextGaussian();
                    break;
            }

            x[i * featureWidth] = x0;
            if (featureWidth == 2)
            {
                x[i * featureWidth + 1] = x1;
            }

            if (targetWidth == 1)
            {
                y[i] = target;
            }
            else
            {
                y[i * targetWidth + label] = 1;
            }
        }

        return new DataSet(data.Name, x, featureWidth, y, targetWidth);
    }
}
