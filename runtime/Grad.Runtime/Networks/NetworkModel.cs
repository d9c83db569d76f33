using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Networks;

/// <summary>
/// The shape of one layer and where its parameters sit in the flat parameter vector: a dense
/// layer's W^l and b^l, or a norm layer's gain (at <see cref="WeightOffset"/>) and bias. On the
/// last layer of a residual block, <see cref="ResidualFrom"/> is the index of the layer whose
/// output is added to this layer's (0 = the network's input).
/// </summary>
/// <remarks>Every count and offset fits an <c>int</c> (the parameters are one array): <see cref="NetworkModel.Create"/> checks the sums in 64 bits.</remarks>
public sealed record LayerShape(
    int Index, int Units, int InputUnits, Activation Activation, string? Label, int WeightOffset, int BiasOffset,
    LayerKind Kind = LayerKind.Dense, int? ResidualFrom = null)
{
    public int WeightCount
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Kind == LayerKind.Dense ? checked(Units * InputUnits) : Units;
    }

    public bool IsNorm => Kind != LayerKind.Dense;
}

/// <summary>
/// A network's architecture and loss, with all parameters in one flat vector laid out layer by
/// layer as W^l (row-major, [units, inputUnits]) then b^l, so optimizers see one vector.
/// </summary>
public sealed class NetworkModel
{
    public NetworkModel(string name, int inputWidth, ImmutableArray<LayerShape> layers, LossKind loss)
    {
        Name = name;
        InputWidth = inputWidth;
        Layers = layers;
        Loss = loss;
        ParameterCount = layers.Length == 0 ? 0 : layers[^1].BiasOffset + layers[^1].Units;
    }

    /// <summary>The most parameters one network can have: they live in one array of doubles.</summary>
    public static readonly long MaxParameters = Array.MaxLength;

    public string Name { get; }

    public int InputWidth { get; }

    public ImmutableArray<LayerShape> Layers { get; }

    public LossKind Loss { get; }

    public int ParameterCount { get; }

    public int OutputWidth => Layers.Length == 0 ? InputWidth : Layers[^1].Units;

    public int MaxWidth => Layers.Aggregate(InputWidth, (max, layer) => Math.Max(max, layer.Units));

    /// <summary>True when some layer is a residual block's last layer or a norm layer (the general backward pass).</summary>
    public bool HasCures => Layers.Any(l => l.IsNorm || l.ResidualFrom is not null);

    /// <summary>True when some layer is <c>norm batch</c>: its samples are coupled, and it keeps running estimates.</summary>
    public bool HasBatchNorm => Layers.Any(l => l.Kind == LayerKind.BatchNorm);

    /// <summary>The model of a bound network (shapes only; see <see cref="InitialParameters"/>).</summary>
    public static NetworkModel FromBound(BoundNetwork network) =>
        Build(network.Name, network.InputWidth, network.Layers.Select(l => (l.Units, l.Activation, l.Label, l.Kind, l.ResidualFrom)), network.Loss);

    /// <summary>A model of dense layers from their widths and activations, e.g. for tests and benchmarks.</summary>
    public static NetworkModel Create(string name, int inputWidth, IEnumerable<(int Units, Activation Activation, string? Label)> layers, LossKind loss) =>
        Build(name, inputWidth, layers.Select(l => (l.Units, l.Activation, l.Label, LayerKind.Dense, (int?)null)), loss);

    private static NetworkModel Build(
        string name, int inputWidth, IEnumerable<(int Units, Activation Activation, string? Label, LayerKind Kind, int? ResidualFrom)> layers, LossKind loss)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputWidth);
        var shapes = ImmutableArray.CreateBuilder<LayerShape>();
        var offset = 0L;
        var previous = inputWidth;
        var index = 1;
        foreach (var (units, activation, label, kind, residualFrom) in layers)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(units);
            var biasOffset = offset + (kind == LayerKind.Dense ? (long)units * previous : units);
            var end = biasOffset + units;
            if (end > MaxParameters)
            {
                throw new ArgumentOutOfRangeException(nameof(layers), $"network '{name}' has more than {MaxParameters} parameters (layer {index} ends at {end})");
            }

            var shape = new LayerShape(index++, units, previous, activation, label, (int)offset, (int)biasOffset, kind, residualFrom);
            shapes.Add(shape);
            offset = end;
            previous = units;
        }

        return new NetworkModel(name, inputWidth, shapes.ToImmutable(), loss);
    }

    public Span<double> Weights(Span<double> parameters, int layer) => parameters.Slice(Layers[layer].WeightOffset, Layers[layer].WeightCount);

    public Span<double> Bias(Span<double> parameters, int layer) => parameters.Slice(Layers[layer].BiasOffset, Layers[layer].Units);

    /// <summary>
    /// The initial parameters: explicit <c>weights</c>/<c>bias</c> where given, otherwise the
    /// weights of <c>init from</c> (<see cref="BoundNetwork.StartingWeights"/>), otherwise the
    /// network's init with biases 0. Layer l draws from its own stream <c>Rng.Derive(seed, l)</c>,
    /// so giving one layer explicit weights leaves the others' draws unchanged.
    /// </summary>
    public static double[] InitialParameters(BoundNetwork network, NetworkModel model)
    {
        var parameters = new double[model.ParameterCount];
        for (var l = 0; l < model.Layers.Length; l++)
        {
            var bound = network.Layers[l];
            var weights = model.Weights(parameters, l);
            if (network.StartingWeights is { } starting)
            {
                // `init from`: the binder checked that every layer's kind and widths match.
                starting[l].Weights.CopyTo(weights);
                starting[l].Bias.CopyTo(model.Bias(parameters, l));
            }
            else if (bound.IsNorm)
            {
                // torch.nn.LayerNorm / BatchNorm1d: gain 1, bias 0.
                weights.Fill(1.0);
            }
            else if (bound.Weights is null)
            {
                Initialize(network.Init, bound.InputUnits, bound.Units, Rng.Derive(network.Seed, bound.Index), weights);
            }

            if (bound.Weights is { } explicitWeights)
            {
                for (var i = 0; i < bound.Units; i++)
                {
                    for (var j = 0; j < bound.InputUnits; j++)
                    {
                        weights[i * bound.InputUnits + j] = explicitWeights[i, j];
                    }
                }
            }

            bound.Bias?.CopyTo(model.Bias(parameters, l));
        }

        return parameters;
    }

    /// <summary>
    /// The running estimates that <c>init from</c> carries over for the <c>norm batch</c> layers,
    /// by layer position (null for other layers), as <see cref="Backprop.SetRunningStatistics"/> takes them.
    /// </summary>
    public static IReadOnlyList<(double[] Mean, double[] Variance)?>? StartingRunningStatistics(BoundNetwork network) =>
        network.StartingWeights?.Select(l => l.RunningMean is { } mean && l.RunningVariance is { } variance ? ((double[], double[])?)(mean, variance) : null).ToList();

    /// <summary>
    /// Fills a weight matrix with PyTorch's formulas (gain 1 for Xavier, √2 for He, fan_in =
    /// inputs, fan_out = units): xavier_uniform U(±√(6/(fan_in+fan_out))), xavier_normal
    /// N(0, 2/(fan_in+fan_out)), he_uniform U(±√(6/fan_in)), he_normal N(0, 2/fan_in).
    /// </summary>
    public static void Initialize(InitSpec init, int fanIn, int fanOut, Rng rng, Span<double> weights)
    {
        switch (init.Kind)
        {
            case InitKind.Normal:
                FillNormal(rng, init.A, init.B, weights);
                break;
            case InitKind.Uniform:
                FillUniform(rng, init.A, init.B, weights);
                break;
            case InitKind.Constant:
                weights.Fill(init.A);
                break;
            case InitKind.XavierUniform:
                var xavierBound = Math.Sqrt(6.0 / (fanIn + fanOut));
                FillUniform(rng, -xavierBound, xavierBound, weights);
                break;
            case InitKind.XavierNormal:
                FillNormal(rng, 0, Math.Sqrt(2.0 / (fanIn + fanOut)), weights);
                break;
            case InitKind.HeUniform:
                var heBound = Math.Sqrt(2.0) * Math.Sqrt(3.0 / fanIn);
                FillUniform(rng, -heBound, heBound, weights);
                break;
            case InitKind.HeNormal:
                FillNormal(rng, 0, Math.Sqrt(2.0) / Math.Sqrt(fanIn), weights);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init));
        }
    }

    private static void FillNormal(Rng rng, double mean, double std, Span<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextGaussian(mean, std);
        }
    }

    private static void FillUniform(Rng rng, double low, double high, Span<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextUniform(low, high);
        }
    }
}
