using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Networks;

/// <summary>Activations and their derivatives, written as PyTorch computes them (softplus threshold 20, exact-erf GELU, relu'(0) = 0).</summary>
public static class Activations
{
    private const double InverseSqrt2 = 0.70710678118654752440;

    /// <summary>a = g(z) for one sample's row (softmax needs the whole row).</summary>
    public static void Forward(Activation activation, ReadOnlySpan<double> z, Span<double> a)
    {
        var parameter = activation.Parameter;
        switch (activation.Kind)
        {
            case ActivationKind.Sigmoid:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = SpecialFunctions.Sigmoid(z[i]);
                }

                break;
            case ActivationKind.Tanh:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = Math.Tanh(z[i]);
                }

                break;
            case ActivationKind.Relu:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = z[i] > 0 ? z[i] : 0;
                }

                break;
            case ActivationKind.LeakyRelu:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = z[i] > 0 ? z[i] : z[i] * parameter;
                }

                break;
            case ActivationKind.Elu:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = z[i] > 0 ? z[i] : parameter * SpecialFunctions.ExpMinusOne(z[i]);
                }

                break;
            case ActivationKind.Softplus:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = SpecialFunctions.Softplus(z[i]);
                }

                break;
            case ActivationKind.Gelu:
                for (var i = 0; i < z.Length; i++)
                {
                    a[i] = z[i] * 0.5 * (1 + SpecialFunctions.Erf(z[i] * InverseSqrt2));
                }

                break;
            case ActivationKind.Linear:
                z.CopyTo(a);
                break;
            case ActivationKind.Softmax:
                Softmax(z, a);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    /// <summary>Numerically stable softmax: e^(z − max z) / Σ.</summary>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> output)
    {
        var max = double.NegativeInfinity;
        foreach (var value in z)
        {
            max = Math.Max(max, value);
        }

        var sum = 0.0;
        for (var i = 0; i < z.Length; i++)
        {
            output[i] = Math.Exp(z[i] - max);
            sum += output[i];
        }

        for (var i = 0; i < z.Length; i++)
        {
            output[i] /= sum;
        }
    }

    /// <summary>g'(z) element-wise (not for softmax, whose Jacobian is not diagonal).</summary>
    public static double Derivative(Activation activation, double z, double a) => activation.Kind switch
    {
        ActivationKind.Sigmoid => a * (1 - a),
        ActivationKind.Tanh => 1 - a * a,
        ActivationKind.Relu => z > 0 ? 1 : 0,
        ActivationKind.LeakyRelu => z > 0 ? 1 : activation.Parameter,
        ActivationKind.Elu => z > 0 ? 1 : activation.Parameter * Math.Exp(z),
        ActivationKind.Softplus => SpecialFunctions.SoftplusDerivative(z),
        ActivationKind.Gelu => GeluDerivative(z),
        ActivationKind.Linear => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), "softmax has no element-wise derivative"),
    };

    /// <summary>δ = ∂C/∂z from g = ∂C/∂a for one sample's row: g ⊙ g'(z), or the softmax Jacobian-vector product a ⊙ (g − a·g).</summary>
    public static void Backward(Activation activation, ReadOnlySpan<double> z, ReadOnlySpan<double> a, ReadOnlySpan<double> upstream, Span<double> delta)
    {
        switch (activation.Kind)
        {
            case ActivationKind.Softmax:
                var dot = 0.0;
                for (var i = 0; i < a.Length; i++)
                {
                    dot += a[i] * upstream[i];
                }

                for (var i = 0; i < a.Length; i++)
                {
                    delta[i] = a[i] * (upstream[i] - dot);
                }

                break;
            case ActivationKind.Linear:
                upstream.CopyTo(delta);
                break;
            case ActivationKind.Relu:
                for (var i = 0; i < z.Length; i++)
                {
                    delta[i] = z[i] > 0 ? upstream[i] : 0;
                }

                break;
            case ActivationKind.Sigmoid:
                for (var i = 0; i < z.Length; i++)
                {
                    delta[i] = upstream[i] * (a[i] * (1 - a[i]));
                }

                break;
            default:
                for (var i = 0; i < z.Length; i++)
                {
                    delta[i] = upstream[i] * Derivative(activation, z[i], a[i]);
                }

                break;
        }
    }

    /// <summary>Φ(z) + z·φ(z), the derivative of the exact GELU.</summary>
    public static double GeluDerivative(double z)
    {
        var cdf = 0.5 * (1 + SpecialFunctions.Erf(z * InverseSqrt2));
        return cdf + z * SpecialFunctions.NormalDensity(z);
    }
}
