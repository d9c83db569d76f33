using System.Runtime.CompilerServices;
using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Networks;

/// <summary>
/// A chain of one-unit dense layers on one sample (a vanishing-gradient experiment's deep, narrow
/// network: W2 of bench/compare.sh), forward and backward as one straight loop over scalars, with
/// the activation chosen once per pass instead of once per layer. Each value is computed with the
/// same operations in the same order as the general path's narrow loops (<see cref="SmallDense"/>
/// with batch, units and fan-in 1), so the results are the general path's, bit for bit
/// (BackpropChainTests), and every buffer the general path fills (z, a and δ of each layer) is
/// filled the same way for the trace and the health measures.
/// </summary>
public sealed unsafe partial class Backprop
{
    private ChainShape chainShape;

    /// <summary>The chain path for the networks it fits; off only to test that it gives the general path's bits.</summary>
    internal bool UseChainPath { get; init; } = true;

    /// <summary>Whether the passes so far took the chain path (for tests).</summary>
    internal bool TookChainPath => chainShape is not (ChainShape.Undecided or ChainShape.NotAChain);

    /// <summary>Which activation the hidden layers of a chain share, decided at the first pass.</summary>
    private enum ChainShape : byte
    {
        Undecided,
        NotAChain,
        Sigmoid,
        Tanh,
        Relu,
        Other,
    }

    /// <summary>
    /// A pass of a one-sample batch through the chain path, when the network is a chain: every layer
    /// dense with one unit on one input, no residual block or norm layer, the hidden layers sharing one
    /// element-wise activation; false (nothing computed) for other networks.
    /// </summary>
    private bool TryRunChain(ReadOnlySpan<double> parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gradient, out double loss)
    {
        if (chainShape == ChainShape.Undecided)
        {
            chainShape = ShapeOfChain(Model, cures is null && UseChainPath && UseSmallKernels);
        }

        if (parameters.Length < Model.ParameterCount || gradient.Length < Model.ParameterCount)
        {
            // The general path says what is wrong.
            loss = double.NaN;
            return false;
        }

        var hidden = Model.Layers[0].Activation;
        loss = chainShape switch
        {
            ChainShape.Sigmoid => RunChain(new SigmoidLayer(), parameters, x, y, gradient),
            ChainShape.Tanh => RunChain(new TanhLayer(), parameters, x, y, gradient),
            ChainShape.Relu => RunChain(new ReluLayer(), parameters, x, y, gradient),
            ChainShape.Other => RunChain(new AnyLayer(hidden), parameters, x, y, gradient),
            _ => double.NaN,
        };
        return chainShape != ChainShape.NotAChain;
    }

    private static ChainShape ShapeOfChain(NetworkModel model, bool allowed)
    {
        var layers = model.Layers;
        // Only the last layer's activation may differ from the hidden layers' (it is applied once, outside the loop).
        if (!allowed || model.InputWidth != 1 || layers.Length == 0
            || layers.Any(l => l.IsNorm || l.ResidualFrom is not null || l.Units != 1 || l.Activation.Kind == ActivationKind.Softmax)
            || layers.Take(layers.Length - 1).Any(l => l.Activation != layers[0].Activation))
        {
            return ChainShape.NotAChain;
        }

        // The layout the loop indexes: W^l then b^l, one number each, layer after layer.
        for (var l = 0; l < layers.Length; l++)
        {
            if (layers[l].WeightOffset != 2 * l || layers[l].BiasOffset != 2 * l + 1)
            {
                return ChainShape.NotAChain;
            }
        }

        return layers[0].Activation.Kind switch
        {
            ActivationKind.Sigmoid => ChainShape.Sigmoid,
            ActivationKind.Tanh => ChainShape.Tanh,
            ActivationKind.Relu => ChainShape.Relu,
            _ => ChainShape.Other,
        };
    }

    /// <summary>
    /// The chain's forward pass, the loss through the general <see cref="LossAndOutputDelta"/>, and
    /// the backward pass. Every operation below is the one <see cref="SmallDense"/> does for a batch,
    /// a width and a fan-in of 1, written out: a dot product of length 1 is 0 + fma(x, w, 0), a
    /// weight gradient 0 + scale·fma(δ, x, 0) with scale = 1/batch = 1, a bias gradient (0 + δ)·scale.
    /// Compiled optimised at its first call: a run takes it hundreds of thousands of times in a
    /// process that lives a second, so its ReadyToRun code would run until tiering replaced it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double RunChain<TLayer>(TLayer hidden, ReadOnlySpan<double> parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gradient)
        where TLayer : struct, IChainLayer
    {
        Prepare(x, 1);
        var layers = preActivations.Length;
        var last = Model.Layers[layers - 1].Activation;
        const double scale = 1.0;
        fixed (double* p = parameters, g = gradient)
        {
            var value = input[0];
            for (var l = 0; l < layers - 1; l++)
            {
                var z = DotPlusBias(value, p[2 * l], p[2 * l + 1]);
                preActivations[l][0] = z;
                value = hidden.Value(z);
                activations[l][0] = value;
            }

            var output = DotPlusBias(value, p[2 * layers - 2], p[2 * layers - 1]);
            preActivations[layers - 1][0] = output;
            activations[layers - 1][0] = Activations.Value(last, output);

            var loss = LossAndOutputDelta(y, computeDelta: true);
            var delta = deltas[layers - 1][0];
            for (var l = layers - 1; l > 0; l--)
            {
                var below = activations[l - 1][0];
                g[2 * l] = 0.0 + scale * Math.FusedMultiplyAdd(delta, below, 0.0);
                g[2 * l + 1] = (0.0 + delta) * scale;
                delta = hidden.Delta(preActivations[l - 1][0], below, Dot(delta, p[2 * l]));
                deltas[l - 1][0] = delta;
            }

            g[0] = 0.0 + scale * Math.FusedMultiplyAdd(delta, input[0], 0.0);
            g[1] = (0.0 + delta) * scale;
            return loss;
        }
    }

    /// <summary>
    /// A dot product of length 1 plus a bias, (0 + fma(x, w, 0)) + b, with the latency of one
    /// multiply-add and one add (each layer's forward waits for the last): the leading 0 + only turns
    /// a −0 product into +0, which changes the sum only when b is −0 as well, and then the sum is
    /// zero, so a zero sum is computed again the long way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double DotPlusBias(double x, double w, double b)
    {
        var product = Math.FusedMultiplyAdd(x, w, 0.0);
        var z = product + b;
        if (z == 0)
        {
            z = (0.0 + product) + b;
        }

        return z;
    }

    /// <summary>A dot product of length 1, 0 + fma(δ, w, 0), without the add's latency: 0 + u is u except that −0 becomes +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(double delta, double w)
    {
        var product = Math.FusedMultiplyAdd(delta, w, 0.0);
        if (product == 0)
        {
            product = 0.0;
        }

        return product;
    }

    /// <summary>A hidden layer's activation, fixed for a whole pass (a struct, so each kind gets its own compiled loop).</summary>
    private interface IChainLayer
    {
        double Value(double z);

        /// <summary>δ = upstream·g'(z), as <see cref="Activations.Delta"/> computes it.</summary>
        double Delta(double z, double a, double upstream);
    }

    private readonly struct SigmoidLayer : IChainLayer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Value(double z) => SpecialFunctions.Sigmoid(z);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Delta(double z, double a, double upstream) => upstream * (a * (1 - a));
    }

    private readonly struct TanhLayer : IChainLayer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Value(double z) => Math.Tanh(z);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Delta(double z, double a, double upstream) => upstream * (1 - a * a);
    }

    private readonly struct ReluLayer : IChainLayer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Value(double z) => z < 0 ? 0 : z;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Delta(double z, double a, double upstream) => z <= 0 ? 0 : upstream;
    }

    /// <summary>Any other element-wise activation, through the general functions.</summary>
    private readonly struct AnyLayer(Activation activation) : IChainLayer
    {
        public double Value(double z) => Activations.Value(activation, z);

        public double Delta(double z, double a, double upstream) => Activations.Delta(activation, z, a, upstream);
    }
}
