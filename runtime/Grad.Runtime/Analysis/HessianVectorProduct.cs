using Grad.Language.Semantics;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Analysis;

/// <summary>
/// Exact Hessian-vector products Hv of a dense network's batch-mean loss, by forward-over-reverse
/// differentiation (Pearlmutter's R-operator): the forward pass carries R{z} = ∂z/∂θ·v beside z,
/// the backward pass carries R{δ} beside δ, and R{∂C/∂θ} = Hv comes out where the gradient does.
/// No step size, so no truncation or cancellation error: Hv is as exact as the gradient itself.
/// For <see cref="Supports"/> networks (dense layers only, softmax only on the output layer);
/// residual blocks and norm layers are left to central differences of the exact gradient.
/// </summary>
public sealed class HessianVectorProduct
{
    private readonly NetworkModel model;
    private readonly double[] x;
    private readonly double[] y;
    private readonly int rows;
    private readonly double[][] z;
    private readonly double[][] a;
    private readonly double[][] rz;
    private readonly double[][] ra;
    private readonly double[][] delta;
    private readonly double[][] rdelta;

    /// <param name="x">The batch's inputs, row-major [rows, input width].</param>
    /// <param name="y">The batch's targets, row-major [rows, output width] (one-hot for cross_entropy).</param>
    public HessianVectorProduct(NetworkModel model, double[] x, double[] y, int rows)
    {
        if (!Supports(model))
        {
            throw new ArgumentException("exact Hessian-vector products need dense layers and softmax only on the output layer", nameof(model));
        }

        this.model = model;
        this.x = x;
        this.y = y;
        this.rows = rows;
        double[][] PerLayer() => [.. model.Layers.Select(l => new double[l.Units])];
        (z, a, rz, ra, delta, rdelta) = (PerLayer(), PerLayer(), PerLayer(), PerLayer(), PerLayer(), PerLayer());
    }

    /// <summary>Dense layers only (no residual block, no norm layer), and softmax, if any, only on the output layer.</summary>
    public static bool Supports(NetworkModel model) =>
        !model.HasCures && model.Layers.Length > 0
        && model.Layers.Take(model.Layers.Length - 1).All(l => l.Activation.Kind != ActivationKind.Softmax);

    /// <summary>Writes H·<paramref name="v"/> at <paramref name="parameters"/> to <paramref name="result"/> (all in the model's parameter layout).</summary>
    public void Multiply(ReadOnlySpan<double> parameters, ReadOnlySpan<double> v, Span<double> result)
    {
        result.Clear();
        var layers = model.Layers;
        var last = layers.Length - 1;
        for (var i = 0; i < rows; i++)
        {
            var input = x.AsSpan(i * model.InputWidth, model.InputWidth);

            // Forward with R{z} = V_W·a + W·R{a} + V_b and R{a} = g'(z)·R{z}; R{input} = 0.
            for (var l = 0; l <= last; l++)
            {
                var shape = layers[l];
                ReadOnlySpan<double> below = l == 0 ? input : a[l - 1];
                var rBelow = l == 0 ? null : ra[l - 1];
                for (var j = 0; j < shape.Units; j++)
                {
                    var row = shape.WeightOffset + j * shape.InputUnits;
                    var (value, rValue) = (parameters[shape.BiasOffset + j], v[shape.BiasOffset + j]);
                    for (var k = 0; k < shape.InputUnits; k++)
                    {
                        value += parameters[row + k] * below[k];
                        rValue += v[row + k] * below[k] + (rBelow is null ? 0 : parameters[row + k] * rBelow[k]);
                    }

                    (z[l][j], rz[l][j]) = (value, rValue);
                }

                Activations.Forward(shape.Activation, z[l], a[l]);
                if (shape.Activation.Kind == ActivationKind.Softmax)
                {
                    SoftmaxProduct(a[l], rz[l], ra[l]);
                }
                else
                {
                    for (var j = 0; j < shape.Units; j++)
                    {
                        ra[l][j] = Activations.Derivative(shape.Activation, z[l][j], a[l][j]) * rz[l][j];
                    }
                }
            }

            OutputDelta(layers[last], y.AsSpan(i * model.OutputWidth, model.OutputWidth));

            // Backward: R{∂ℓ/∂W} = R{δ}·aᵀ + δ·R{a}ᵀ, R{∂ℓ/∂b} = R{δ}; R{Wᵀδ} = V_Wᵀδ + WᵀR{δ}.
            for (var l = last; l >= 0; l--)
            {
                var shape = layers[l];
                ReadOnlySpan<double> below = l == 0 ? input : a[l - 1];
                for (var j = 0; j < shape.Units; j++)
                {
                    var row = shape.WeightOffset + j * shape.InputUnits;
                    for (var k = 0; k < shape.InputUnits; k++)
                    {
                        result[row + k] += rdelta[l][j] * below[k] + (l == 0 ? 0 : delta[l][j] * ra[l - 1][k]);
                    }

                    result[shape.BiasOffset + j] += rdelta[l][j];
                }

                if (l == 0)
                {
                    break;
                }

                var previous = layers[l - 1];
                for (var k = 0; k < shape.InputUnits; k++)
                {
                    double up = 0, rUp = 0;
                    for (var j = 0; j < shape.Units; j++)
                    {
                        var w = shape.WeightOffset + j * shape.InputUnits + k;
                        up += parameters[w] * delta[l][j];
                        rUp += v[w] * delta[l][j] + parameters[w] * rdelta[l][j];
                    }

                    (delta[l - 1][k], rdelta[l - 1][k]) = ThroughActivation(previous.Activation, z[l - 1][k], a[l - 1][k], rz[l - 1][k], up, rUp);
                }
            }
        }

        for (var p = 0; p < result.Length; p++)
        {
            result[p] /= rows;
        }
    }

    /// <summary>δ^L = ∂ℓ/∂z^L and R{δ^L} for one sample, by the loss rules of <see cref="Backprop"/>.</summary>
    private void OutputDelta(LayerShape shape, ReadOnlySpan<double> target)
    {
        var last = model.Layers.Length - 1;
        var (zL, aL, rzL, raL, d, rd) = (z[last], a[last], rz[last], ra[last], delta[last], rdelta[last]);
        var units = shape.Units;
        var upstream = new double[units];
        var rUpstream = new double[units];
        switch (model.Loss)
        {
            case LossKind.Mse:
                for (var j = 0; j < units; j++)
                {
                    (upstream[j], rUpstream[j]) = (aL[j] - target[j], raL[j]);
                }

                break;
            case LossKind.Bce when shape.Activation.Kind == ActivationKind.Sigmoid:
                // δ = σ(z) − y from the logits: R{δ} = R{a}.
                for (var j = 0; j < units; j++)
                {
                    (d[j], rd[j]) = (aL[j] - target[j], raL[j]);
                }

                return;
            case LossKind.Bce:
                // ∂ℓ/∂a = (a − y)/(a(1 − a)); its derivative in a is 1/(a(1 − a)) − (a − y)(1 − 2a)/(a(1 − a))².
                for (var j = 0; j < units; j++)
                {
                    var variance = aL[j] * (1 - aL[j]);
                    upstream[j] = (aL[j] - target[j]) / variance;
                    rUpstream[j] = (1 / variance - (aL[j] - target[j]) * (1 - 2 * aL[j]) / (variance * variance)) * raL[j];
                }

                break;
            default:
                // Cross-entropy of softmax(logits): ∂ℓ/∂logit = p·Σy − y, R{…} = Σy·(p ⊙ (R{logit} − p·R{logit})).
                var logitsAreZ = shape.Activation.Kind is ActivationKind.Softmax or ActivationKind.Linear;
                var logits = logitsAreZ ? zL : aL;
                var rLogits = logitsAreZ ? rzL : raL;
                var p = new double[units];
                Activations.Softmax(logits, p);
                var mass = 0.0;
                for (var j = 0; j < units; j++)
                {
                    mass += target[j];
                }

                SoftmaxProduct(p, rLogits, rUpstream);
                for (var j = 0; j < units; j++)
                {
                    (upstream[j], rUpstream[j]) = (p[j] * mass - target[j], rUpstream[j] * mass);
                }

                if (logitsAreZ)
                {
                    upstream.CopyTo(d, 0);
                    rUpstream.CopyTo(rd, 0);
                    return;
                }

                break;
        }

        if (shape.Activation.Kind == ActivationKind.Softmax)
        {
            // δ = a ⊙ (u − a·u): R{δ} = R{a} ⊙ (u − a·u) + a ⊙ (R{u} − R{a}·u − a·R{u}).
            double dot = 0, rDot = 0;
            for (var j = 0; j < units; j++)
            {
                dot += aL[j] * upstream[j];
                rDot += raL[j] * upstream[j] + aL[j] * rUpstream[j];
            }

            for (var j = 0; j < units; j++)
            {
                d[j] = aL[j] * (upstream[j] - dot);
                rd[j] = raL[j] * (upstream[j] - dot) + aL[j] * (rUpstream[j] - rDot);
            }

            return;
        }

        for (var j = 0; j < units; j++)
        {
            (d[j], rd[j]) = ThroughActivation(shape.Activation, zL[j], aL[j], rzL[j], upstream[j], rUpstream[j]);
        }
    }

    /// <summary>δ = u·g'(z) and R{δ} = R{u}·g'(z) + u·g''(z)·R{z}.</summary>
    private static (double Delta, double RDelta) ThroughActivation(Activation activation, double z, double a, double rz, double upstream, double rUpstream)
    {
        var first = Activations.Derivative(activation, z, a);
        return (upstream * first, rUpstream * first + upstream * SecondDerivative(activation, z, a) * rz);
    }

    /// <summary>g''(z), the derivative of <see cref="Activations.Derivative"/> (0 where that is piecewise constant).</summary>
    internal static double SecondDerivative(Activation activation, double z, double a) => activation.Kind switch
    {
        ActivationKind.Sigmoid => a * (1 - a) * (1 - 2 * a),
        ActivationKind.Tanh => -2 * a * (1 - a * a),
        ActivationKind.Elu => z > 0 ? 0 : activation.Parameter * Math.Exp(z),
        ActivationKind.Softplus => z > 20 ? 0 : SpecialFunctions.Sigmoid(z) * (1 - SpecialFunctions.Sigmoid(z)),
        ActivationKind.Gelu => SpecialFunctions.NormalDensity(z) * (2 - z * z),
        _ => 0, // relu, leaky_relu, linear
    };

    /// <summary>The softmax Jacobian times a vector: s ⊙ (r − s·r).</summary>
    private static void SoftmaxProduct(ReadOnlySpan<double> s, ReadOnlySpan<double> r, Span<double> result)
    {
        var dot = 0.0;
        for (var j = 0; j < s.Length; j++)
        {
            dot += s[j] * r[j];
        }

        for (var j = 0; j < s.Length; j++)
        {
            result[j] = s[j] * (r[j] - dot);
        }
    }
}
