using Grad.Language.Semantics;
using System.Collections.Immutable;
using Grad.Runtime.Networks;

namespace Grad.Runtime.Contracts;

/// <summary>A network's parameters layer by layer (<c>final.network</c> of a training run).</summary>
public sealed record NetworkWeights(ImmutableArray<LayerWeights> Layers)
{
    /// <summary>The layers of a flat parameter vector laid out as <paramref name="model"/> lays it out.</summary>
    /// <param name="running">The running estimates of the <c>norm batch</c> layers, by layer index.</param>
    public static NetworkWeights From(NetworkModel model, ReadOnlySpan<double> parameters, IReadOnlyList<RunningEstimates>? running = null)
    {
        var layers = ImmutableArray.CreateBuilder<LayerWeights>(model.Layers.Length);
        foreach (var shape in model.Layers)
        {
            var estimates = running?.FirstOrDefault(r => r.Index == shape.Index);
            layers.Add(new LayerWeights(
                shape.Index,
                shape.Units,
                shape.IsNorm ? shape.Units : shape.InputUnits,
                parameters.Slice(shape.WeightOffset, shape.WeightCount).ToArray(),
                parameters.Slice(shape.BiasOffset, shape.Units).ToArray())
            {
                Kind = shape.Kind,
                RunningMean = estimates?.Mean,
                RunningVariance = estimates?.Variance,
            });
        }

        return new NetworkWeights(layers.MoveToImmutable());
    }

    /// <summary>The parameters as one vector: W^1, b^1, W^2, b^2, … (the runtime's layout).</summary>
    public double[] Flatten()
    {
        var flat = new double[Layers.Sum(l => l.Weights.Length + l.Bias.Length)];
        var offset = 0;
        foreach (var layer in Layers)
        {
            layer.Weights.CopyTo(flat, offset);
            offset += layer.Weights.Length;
            layer.Bias.CopyTo(flat, offset);
            offset += layer.Bias.Length;
        }

        return flat;
    }
}
