namespace Grad.Runtime.Data;

/// <summary>
/// A loaded data set: <see cref="Count"/> samples with <see cref="FeatureWidth"/> features and
/// <see cref="TargetWidth"/> targets each, stored row-major in flat arrays.
/// </summary>
public sealed class DataSet
{
    public DataSet(string name, double[] features, int featureWidth, double[] targets, int targetWidth)
    {
        if (featureWidth <= 0 || targetWidth <= 0 || features.Length % featureWidth != 0 || targets.Length % targetWidth != 0
            || features.Length / featureWidth != targets.Length / targetWidth)
        {
            throw new ArgumentException("features and targets must have the same number of rows");
        }

        Name = name;
        Features = features;
        FeatureWidth = featureWidth;
        Targets = targets;
        TargetWidth = targetWidth;
    }

    public string Name { get; }

    public double[] Features { get; }

    public int FeatureWidth { get; }

    public double[] Targets { get; }

    public int TargetWidth { get; }

    /// <summary>Target class names when the targets were one-hot encoded from a text column, else empty.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    public int Count => Features.Length / FeatureWidth;

    public static DataSet FromRows(string name, double[][] x, double[][] y)
    {
        if (x.Length == 0 || x.Length != y.Length)
        {
            throw new ArgumentException("x and y need the same, non-zero number of rows");
        }

        return new DataSet(name, [.. x.SelectMany(row => row)], x[0].Length, [.. y.SelectMany(row => row)], y[0].Length);
    }

    /// <summary>
    /// The targets a network with <paramref name="outputWidth"/> outputs trains on: these targets,
    /// or, when each target is a single class index 0 … K−1 and the network has K &gt; 1
    /// outputs, their one-hot encoding (the class-index form of cross_entropy). Null when neither fits.
    /// </summary>
    /// <summary>The first sample whose single target is not a class index 0 … K−1 of <paramref name="outputWidth"/> outputs, or null.</summary>
    public int? InvalidClassIndex(int outputWidth)
    {
        if (TargetWidth != 1 || outputWidth < 2)
        {
            return null;
        }

        for (var i = 0; i < Count; i++)
        {
            var value = Targets[i];
            if (value < 0 || value >= outputWidth || value != Math.Floor(value))
            {
                return i;
            }
        }

        return null;
    }

    public double[]? TargetsFor(int outputWidth)
    {
        if (TargetWidth == outputWidth)
        {
            return Targets;
        }

        if (TargetWidth != 1 || outputWidth < 2)
        {
            return null;
        }

        var oneHot = new double[Count * outputWidth];
        for (var i = 0; i < Count; i++)
        {
            var value = Targets[i];
            if (value < 0 || value >= outputWidth || value != Math.Floor(value))
            {
                return null;
            }

            oneHot[i * outputWidth + (int)value] = 1;
        }

        return oneHot;
    }
}
