using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Grad.Language.Semantics;
using Grad.Runtime.Data;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Analysis;

/// <summary>
/// Whether the error signal survives the trip back to the first layer. Dead: no δ reaches layer 1
/// at all (‖δ¹‖ = 0, so the ratio is 0 or 0/0): never "healthy".
/// </summary>
public enum GradientVerdict { Healthy, Vanishing, Exploding, Dead }

/// <summary>
/// The numbers of the chain rule δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ g'(z^l) for one layer, for the hover.
/// Scalars (<see cref="NextWeight"/>, <see cref="ActivationDerivative"/>, <see cref="NextDelta"/>,
/// <see cref="Delta"/>) are for the first sample and are set only when this layer and the next
/// both have one unit, so that Delta = NextWeight · ActivationDerivative · NextDelta exactly.
/// For the last layer NextWeight and NextDelta are null, and <see cref="OutputGradient"/> is
/// ∂ℓ/∂a^L of the first sample when it has one unit (δ^L = OutputGradient · g'(z^L) for mse).
/// The norms describe wider layers: ‖W^(l+1)‖_F and the batch mean of |g'(z^l)|.
/// </summary>
public sealed record ChainFactors(
    double? NextWeight,
    double? ActivationDerivative,
    double? NextDelta,
    double? Delta,
    double? OutputGradient,
    double? NextWeightNorm,
    double MeanAbsActivationDerivative)
{
    /// <summary>How much this layer multiplies δ by on its way back: |w·g'(z)|, or ‖W^(l+1)‖_F·mean|g'| when wider.</summary>
    public double? Gain => NextWeight is { } w && ActivationDerivative is { } d
        ? Math.Abs(w * d)
        : NextWeightNorm is { } norm ? norm * MeanAbsActivationDerivative : null;
}

/// <summary>
/// One layer at the analysed weights: mean per-sample ‖δ^l‖, ‖∂C/∂W^l‖_F, ‖δ^l‖/‖δ^L‖, the
/// chain-rule factors, and how many units are dead (relu units whose δ is 0 for every sample
/// of the batch) or saturated (sigmoid/tanh units with |g'(z)| &lt; 1e-3 for every sample).
/// </summary>
public sealed record LayerAnalysis(
    int Index,
    int Units,
    int InputUnits,
    string Activation,
    string? Label,
    double DeltaNorm,
    double WeightGradNorm,
    double RatioToOutput,
    ChainFactors Chain)
{
    public int DeadUnits { get; init; }

    public int SaturatedUnits { get; init; }

    /// <summary>When this layer's output enters a residual block: the chain rule's identity term and the split of δ.</summary>
    public IdentityPath? Identity { get; init; }
}

/// <summary>
/// A network's per-layer δ at given weights on a batch. <see cref="Ratio"/> is ‖δ^1‖/‖δ^L‖;
/// the verdict is vanishing below 1e-3, exploding above 1e3. <see cref="DataName"/> is null when
/// the batch was the seeded standard-normal sample (no run trains the network).
/// </summary>
public sealed record NetworkAnalysis(
    string NetworkName,
    string? DataName,
    string? RunName,
    int SampleCount,
    double Loss,
    IReadOnlyList<LayerAnalysis> Layers,
    double Ratio,
    GradientVerdict Verdict)
{
    /// <summary>The samples of the run's first batch, of which <see cref="SampleCount"/> were analysed (more only when the batch was sampled).</summary>
    public int FirstBatchCount { get; init; } = SampleCount;

    /// <summary>What the numbers were measured on, in words, for hovers.</summary>
    public string DataDescription => DataName is null
        ? "one seeded standard-normal sample (no run trains this network)"
        : FirstBatchCount > SampleCount
            ? $"{SampleCount} samples spread evenly over the first batch of `{DataName}` ({FirstBatchCount} samples, as run `{RunName}` starts)"
            : $"the first batch of `{DataName}` ({SampleCount} sample{(SampleCount == 1 ? "" : "s")}, as run `{RunName}` starts)";
}

/// <summary>Per-layer backprop analysis for the editor and <c>grad inspect</c>. Deterministic; one forward and backward pass.</summary>
public static class NetworkAnalyzer
{
    public const double VanishingThreshold = 1e-3;
    public const double ExplodingThreshold = 1e3;

    /// <summary>
    /// The most samples the initial analysis (and λmax at the start) looks at: a first batch larger
    /// than this is sampled evenly (<see cref="AnalysisSample"/>), so the analysis of a file costs
    /// the same whatever the size of its data.
    /// </summary>
    public const int MaxAnalysisSamples = 1_024;

    /// <summary>A sigmoid or tanh unit is saturated where |g'(z)| is below this.</summary>
    public const double SaturationThreshold = 1e-3;

    /// <summary>The verdict on ‖δ¹‖/‖δᴸ‖: 0 and 0/0 (NaN) are dead, never healthy.</summary>
    public static GradientVerdict Classify(double ratio) =>
        double.IsNaN(ratio) || ratio == 0 ? GradientVerdict.Dead
        : ratio < VanishingThreshold ? GradientVerdict.Vanishing
        : ratio > ExplodingThreshold ? GradientVerdict.Exploding
        : GradientVerdict.Healthy;

    /// <summary>The first run of the program that trains this network, if any.</summary>
    public static BoundRun? FirstTrainingRun(BoundProgram program, BoundNetwork network) =>
        program.Runs.FirstOrDefault(r => r.Kind == RunKind.Train && r.Network is { } n && (ReferenceEquals(n, network) || n.Name == network.Name));

    /// <summary>
    /// The network at its initial weights, on the first batch of the first run that trains it
    /// (the same batch and numbers as that run's step 0), or on one standard-normal sample drawn
    /// with the network's seed when no run trains it (its target: a standard-normal row for
    /// mse, a 0/1 row for bce, a class for cross_entropy). Null when that run's data cannot be
    /// loaded or does not fit (the run reports why).
    /// </summary>
    /// <param name="run">The training run whose first batch to measure on; default: the first run that trains the network.</param>
    public static NetworkAnalysis? AnalyzeInitial(BoundProgram program, BoundNetwork network, Func<BoundData, DataLoadResult>? loadData = null, BoundRun? run = null)
    {
        var model = NetworkModel.FromBound(network);
        var parameters = NetworkModel.InitialParameters(network, model);
        return AnalyzeAt(program, network, parameters, loadData, run);
    }

    /// <summary>Like <see cref="AnalyzeInitial"/> at other weights (e.g. a training run's final parameters).</summary>
    public static NetworkAnalysis? AnalyzeAt(BoundProgram program, BoundNetwork network, double[] parameters, Func<BoundData, DataLoadResult>? loadData = null, BoundRun? on = null)
    {
        var model = NetworkModel.FromBound(network);
        double[] x, y;
        var (rows, firstBatch) = (1, 1);
        var (dataName, runName) = ((string?)null, (string?)null);
        if ((on ?? FirstTrainingRun(program, network)) is { Data: { } boundData } run)
        {
            var loaded = (loadData ?? DataLoader.Load)(boundData);
            if (loaded.Data is not { } data || data.FeatureWidth != model.InputWidth || data.TargetsFor(model.OutputWidth) is not { } targets)
            {
                return null;
            }

            (x, y, rows, firstBatch) = AnalysisSample(model, data.Features, targets, data.Count, run);
            (dataName, runName) = (data.Name, run.Name);
        }
        else
        {
            (x, y) = StandardNormalSample(network, model);
        }

        var backprop = new Backprop(model, rows);
        var gradient = new double[model.ParameterCount];
        var loss = backprop.Run(parameters, x, y, rows, gradient);
        return Summarize(network.Name, dataName, runName, model, backprop, parameters, gradient, loss) with { FirstBatchCount = firstBatch };
    }

    /// <summary>
    /// What the initial analysis of a training run looks at (row-major x and y, their rows, and the
    /// size of the first batch): the run's first batch (<see cref="TrainingSession.FirstBatch"/>,
    /// the same samples as its step 0) when it has at most <see cref="MaxAnalysisSamples"/>
    /// samples, else <see cref="MaxAnalysisSamples"/> of them spread evenly over it (samples
    /// ⌊k·B/N⌋ of the batch, k = 0 … N−1). Deterministic, and bounded whatever the data's size.
    /// </summary>
    public static (double[] X, double[] Y, int Rows, int FirstBatchCount) AnalysisSample(NetworkModel model, double[] features, double[] targets, int count, BoundRun run)
    {
        var batch = TrainingSession.FirstBatch(count, run.Batch, run.Seed);
        var rows = Math.Min(batch.Length, MaxAnalysisSamples);
        var (inputWidth, outputWidth) = (model.InputWidth, model.OutputWidth);
        var x = new double[rows * inputWidth];
        var y = new double[rows * outputWidth];
        for (var k = 0; k < rows; k++)
        {
            var sample = batch[(int)((long)k * batch.Length / rows)];
            features.AsSpan(sample * inputWidth, inputWidth).CopyTo(x.AsSpan(k * inputWidth));
            targets.AsSpan(sample * outputWidth, outputWidth).CopyTo(y.AsSpan(k * outputWidth));
        }

        return (x, y, rows, batch.Length);
    }

    /// <summary>The network on an explicit batch (row-major x and y).</summary>
    public static NetworkAnalysis Analyze(BoundNetwork network, double[] parameters, double[] x, double[] y, int batch)
    {
        var model = NetworkModel.FromBound(network);
        var backprop = new Backprop(model, batch);
        var gradient = new double[model.ParameterCount];
        var loss = backprop.Run(parameters, x, y, batch, gradient);
        return Summarize(network.Name, null, null, model, backprop, parameters, gradient, loss);
    }

    private static (double[] X, double[] Y) StandardNormalSample(BoundNetwork network, NetworkModel model)
    {
        var rng = Rng.Derive(network.Seed, -1);
        var x = new double[model.InputWidth];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextGaussian();
        }

        var y = new double[model.OutputWidth];
        switch (model.Loss)
        {
            case LossKind.CrossEntropy:
                y[rng.NextInt(y.Length)] = 1;
                break;
            case LossKind.Bce:
                for (var i = 0; i < y.Length; i++)
                {
                    y[i] = rng.NextInt(2);
                }

                break;
            default:
                for (var i = 0; i < y.Length; i++)
                {
                    y[i] = rng.NextGaussian();
                }

                break;
        }

        return (x, y);
    }

    private static NetworkAnalysis Summarize(string name, string? dataName, string? runName, NetworkModel model, Backprop backprop, double[] parameters, double[] gradient, double loss)
    {
        var count = model.Layers.Length;
        var deltaNorms = Enumerable.Range(0, count).Select(backprop.DeltaNorm).ToArray();
        var outputNorm = deltaNorms[^1];
        var layers = new List<LayerAnalysis>(count);
        for (var l = 0; l < count; l++)
        {
            var shape = model.Layers[l];
            var isLast = l == count - 1;
            var next = isLast ? null : model.Layers[l + 1];
            var scalar = shape.Units == 1 && (next is null || next.Units == 1);
            var z = backprop.PreActivation(l)[0];
            var a = backprop.Activation(l)[0];
            var derivative = shape.Activation.Kind == ActivationKind.Softmax ? (double?)null : Activations.Derivative(shape.Activation, z, a);
            var chain = new ChainFactors(
                NextWeight: scalar && next is not null ? parameters[next.WeightOffset] : null,
                ActivationDerivative: scalar ? derivative : null,
                NextDelta: scalar && next is not null ? backprop.Delta(l + 1)[0] : null,
                Delta: scalar ? backprop.Delta(l)[0] : null,
                OutputGradient: isLast && shape.Units == 1 && derivative is { } d && d != 0 ? backprop.Delta(l)[0] / d : null,
                NextWeightNorm: next is null ? null : Backprop.FrobeniusNorm(parameters.AsSpan(next.WeightOffset, next.WeightCount)),
                MeanAbsActivationDerivative: backprop.MeanAbsActivationDerivative(l));
            var (dead, saturated) = CountUnits(backprop, shape, l);
            layers.Add(new LayerAnalysis(
                shape.Index,
                shape.Units,
                shape.InputUnits,
                shape.Activation.Name,
                shape.Label,
                deltaNorms[l],
                Backprop.WeightGradNorm(model, gradient, l),
                deltaNorms[l] / outputNorm,
                chain) { DeadUnits = dead, SaturatedUnits = saturated, Identity = IdentityPath.Of(model, backprop, l) });
        }

        var ratio = deltaNorms[0] / outputNorm;
        return new NetworkAnalysis(name, dataName, runName, backprop.BatchSize, loss, layers, ratio, Classify(ratio));
    }

    /// <summary>
    /// Dead units: relu units whose δ is exactly 0 for every sample of the batch. Saturated units:
    /// sigmoid or tanh units whose |g'(z)| is below <see cref="SaturationThreshold"/> for every sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (int Dead, int Saturated) CountUnits(Backprop backprop, LayerShape shape, int layer)
    {
        var (relu, squashing) = (CanDie(shape.Activation), CanSaturate(shape.Activation));
        if (!relu && !squashing)
        {
            return (0, 0);
        }

        // Row by row, the arrays' order: a walk down one unit's column strides a whole row a sample
        // (W3's 512-unit rows: 4 KB, every load in the same L1 set) and cost a recorded point of W3
        // more than its δ norms.
        var (units, batch) = (shape.Units, backprop.BatchSize);
        var delta = backprop.Delta(layer);
        if (relu)
        {
            return (DeadUnits(delta, units, batch), 0);
        }

        // Squashing units: a flag per unit still counted, each cleared by its first sample off the flat ends.
        var z = backprop.PreActivation(layer);
        var a = backprop.Activation(layer);
        var pooled = units <= MaxStackUnits ? null : ArrayPool<bool>.Shared.Rent(units);
        var counted = pooled is null ? stackalloc bool[units] : pooled.AsSpan(0, units);
        counted.Fill(true);
        var left = units;
        for (var i = 0; i < batch && left > 0; i++)
        {
            var row = i * units;
            for (var j = 0; j < units; j++)
            {
                var k = row + j;
                if (counted[j] && !Saturated(shape.Activation, z[k], a[k]))
                {
                    counted[j] = false;
                    left--;
                }
            }
        }

        if (pooled is not null)
        {
            ArrayPool<bool>.Shared.Return(pooled);
        }

        return (0, left);
    }

    /// <summary><see cref="CountUnits"/> of a one-unit layer on one sample: the same tests on its one z, a and δ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Dead, int Saturated) CountUnit(Activation activation, double z, double a, double delta)
    {
        if (CanDie(activation))
        {
            // DeadUnits' test on one δ (its magnitude bits all 0): ±0 is dead, NaN is not.
            return (delta == 0 ? 1 : 0, 0);
        }

        return (0, CanSaturate(activation) && Saturated(activation, z, a) ? 1 : 0);
    }

    /// <summary>Units that can die (a δ of exactly 0 for every sample): relu and leaky relu with slope 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CanDie(Activation activation) =>
        activation.Kind == ActivationKind.Relu || (activation.Kind == ActivationKind.LeakyRelu && activation.Parameter == 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CanSaturate(Activation activation) => activation.Kind is ActivationKind.Sigmoid or ActivationKind.Tanh;

    /// <summary>Whether a sample of a sigmoid or tanh unit is on a flat end: |g'(z)| below <see cref="SaturationThreshold"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Saturated(Activation activation, double z, double a) => Math.Abs(Activations.Derivative(activation, z, a)) < SaturationThreshold;

    /// <summary>
    /// Relu units whose δ is exactly 0 (either sign) in every one of <paramref name="batch"/> rows: each
    /// unit ORs the magnitude bits of its δs, four units at a time, and is dead when they stay 0 (a NaN
    /// δ has bits, so its unit is not dead, as <c>δ == 0</c> is false for it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DeadUnits(ReadOnlySpan<double> delta, int units, int batch)
    {
        const long magnitude = long.MaxValue;
        var pooled = units <= MaxStackUnits / 8 ? null : ArrayPool<long>.Shared.Rent(units);
        var seen = pooled is null ? stackalloc long[units] : pooled.AsSpan(0, units);
        seen.Clear();
        var vectors = units - units % Vector256<long>.Count;
        var mask = Vector256.Create(magnitude);
        for (var i = 0; i < batch; i++)
        {
            var row = MemoryMarshal.Cast<double, long>(delta.Slice(i * units, units));
            for (var j = 0; j < vectors; j += Vector256<long>.Count)
            {
                (Vector256.Create<long>(seen[j..]) | (Vector256.Create<long>(row[j..]) & mask)).CopyTo(seen[j..]);
            }

            for (var j = vectors; j < units; j++)
            {
                seen[j] |= row[j] & magnitude;
            }
        }

        var dead = 0;
        foreach (var bits in seen)
        {
            dead += bits == 0 ? 1 : 0;
        }

        if (pooled is not null)
        {
            ArrayPool<long>.Shared.Return(pooled);
        }

        return dead;
    }

    /// <summary>Units whose flags <see cref="CountUnits"/> keeps on the stack, 4 KB (a recorded point allocates nothing; relu's 8-byte masks for an eighth as many); wider layers borrow them.</summary>
    private const int MaxStackUnits = 4096;
}
