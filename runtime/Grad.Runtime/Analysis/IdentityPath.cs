using Grad.Runtime.Networks;

namespace Grad.Runtime.Analysis;

/// <summary>
/// The chain rule of a layer l whose output enters a residual block (layers
/// <see cref="BlockFirst"/>…<see cref="BlockLast"/>): ∂C/∂aˡ = ∂C/∂a^out + (what comes back
/// through the block's layers, W^(l+1)ᵀδ^(l+1) when the first is dense), and δˡ = ∂C/∂aˡ ⊙ g'(zˡ).
/// Norms are means over the batch's samples of each part's ‖·‖₂; the scalars are the first
/// sample's values when layer l has one unit, so that Delta = (Layers + Skip) · ActivationDerivative.
/// </summary>
public sealed record IdentityPath(
    int BlockFirst,
    int BlockLast,
    double LayersNorm,
    double SkipNorm,
    double SumNorm,
    double? Layers,
    double? Skip,
    double? ActivationDerivative,
    double? Delta)
{
    /// <summary>The skip path's share of the two parts' sizes, ‖skip‖/(‖skip‖ + ‖layers‖).</summary>
    public double SkipShare => SkipNorm + LayersNorm > 0 ? SkipNorm / (SkipNorm + LayersNorm) : double.NaN;

    /// <summary>The split at layer position <paramref name="layer"/> of the last pass, or null when no residual block starts after it.</summary>
    public static IdentityPath? Of(NetworkModel model, Backprop backprop, int layer)
    {
        if (!backprop.TryGetIdentitySplit(layer, out var layers, out var skip))
        {
            return null;
        }

        var units = model.Layers[layer].Units;
        var last = model.Layers.First(l => l.ResidualFrom == layer + 1);
        double layersNorm = 0, skipNorm = 0, sumNorm = 0;
        for (var i = 0; i < backprop.BatchSize; i++)
        {
            double l2 = 0, s2 = 0, t2 = 0;
            for (var j = 0; j < units; j++)
            {
                var k = i * units + j;
                l2 += layers[k] * layers[k];
                s2 += skip[k] * skip[k];
                t2 += (layers[k] + skip[k]) * (layers[k] + skip[k]);
            }

            layersNorm += Math.Sqrt(l2);
            skipNorm += Math.Sqrt(s2);
            sumNorm += Math.Sqrt(t2);
        }

        var count = Math.Max(1, backprop.BatchSize);
        var scalar = units == 1 && backprop.BatchSize > 0;
        var shape = model.Layers[layer];
        double? derivative = scalar ? Activations.Derivative(shape.Activation, backprop.PreActivation(layer)[0], backprop.Activation(layer)[0]) : null;
        return new IdentityPath(
            layer + 2,
            last.Index,
            layersNorm / count,
            skipNorm / count,
            sumNorm / count,
            scalar ? layers[0] : null,
            scalar ? skip[0] : null,
            derivative,
            scalar ? backprop.Delta(layer)[0] : null);
    }
}
