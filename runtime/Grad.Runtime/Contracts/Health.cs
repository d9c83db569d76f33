namespace Grad.Runtime.Contracts;

/// <summary>
/// A layer's health at one trace point of a training run (docs/training.md), layer 1 first:
/// <see cref="DeadFractions"/> and <see cref="SaturatedFractions"/> by the findings' rules (a relu
/// unit is dead when δ = 0 for every sample of the point's batch, a sigmoid/tanh unit saturated
/// when |g'(z)| &lt; 1e-3 for every sample; 0 for layers of other activations);
/// <see cref="UpdateRatios"/>, ‖ΔW^l‖_F/‖W^l‖_F of the update that led to this point (null at step 0,
/// or where the weights before it were not kept); <see cref="Sharpness"/>, λmax of the Hessian of the
/// point's batch loss, at a few points only, beside <see cref="SharpnessLimit"/>, the curvature
/// above which the optimizer's step is unstable (2/lr for plain sgd; null for adaptive optimizers).
/// </summary>
public sealed record TraceHealth(double[] DeadFractions, double[] SaturatedFractions)
{
    public double[]? UpdateRatios { get; init; }

    public double? Sharpness { get; init; }

    public double? SharpnessLimit { get; init; }
}

/// <summary>What a <see cref="LayerHistogram"/> counts: each sample's δ^l, or the layer's weights W^l.</summary>
public enum HistogramQuantity { Delta, Weights }

/// <summary>
/// A histogram of one layer's δ^l (every sample of the point's batch, every unit) or of its weights
/// at step <see cref="Step"/>, as <c>numpy.histogram(values, bins=32)</c> makes it: equal-width bins
/// from the smallest to the largest finite value (the last bin includes its right edge; a single
/// value v gets the range v ± 0.5). <see cref="Edges"/> has one more entry than <see cref="Counts"/>.
/// Non-finite values are left out and counted in <see cref="NonFinite"/>.
/// </summary>
public sealed record LayerHistogram(int Step, int Layer, HistogramQuantity Quantity, double[] Edges, long[] Counts)
{
    public long NonFinite { get; init; }
}
