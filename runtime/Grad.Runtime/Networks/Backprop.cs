using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Networks;

/// <summary>
/// Batched forward and backward passes of a <see cref="NetworkModel"/> in float64, with all
/// buffers allocated once. Matrices are row-major with one row per sample: Z^l and A^l are
/// [batch, units]. After <see cref="Run"/>, <see cref="Delta"/> holds each sample's own error
/// term δ^l = ∂ℓ_i/∂z^l (not divided by the batch size), and the gradient holds ∂C/∂W^l and
/// ∂C/∂b^l of the batch-mean loss C = (1/B) Σ ℓ_i.
/// </summary>
public sealed unsafe partial class Backprop
{
    private readonly double[][] preActivations;
    private readonly double[][] activations;
    private readonly double[][] deltas;
    private readonly double[] upstream;
    private readonly double[] input;
    private readonly Cures? cures;

    // One sample's ∂ℓ/∂a^L and softmax probabilities: allocated once (a stackalloc per pass cost more than the chain's layers).
    private readonly double[] outputGradient;
    private readonly double[] outputProbabilities;

    /// <param name="threads">Threads for the matrix products large enough to share (results are the same bits for any count).</param>
    public Backprop(NetworkModel model, int maxBatch, int threads = 1)
    {
        Model = model;
        MaxBatch = Math.Max(1, maxBatch);
        Threads = Math.Max(1, threads);
        var layers = model.Layers;
        preActivations = [.. layers.Select(l => new double[MaxBatch * l.Units])];
        activations = [.. layers.Select(l => new double[MaxBatch * l.Units])];
        deltas = [.. layers.Select(l => new double[MaxBatch * l.Units])];
        upstream = new double[MaxBatch * model.MaxWidth];
        input = new double[MaxBatch * model.InputWidth];
        cures = model.HasCures ? new Cures(model, MaxBatch, activations) : null;
        outputGradient = new double[model.OutputWidth];
        outputProbabilities = new double[model.OutputWidth];
    }

    public NetworkModel Model { get; }

    public int MaxBatch { get; }

    public int Threads { get; }

    /// <summary>Small layers' products as plain loops (<see cref="SmallDense"/>); off only to test that they give Gemm's bits.</summary>
    internal bool UseSmallKernels { get; init; } = true;

    /// <summary>The batch size of the last pass.</summary>
    public int BatchSize { get; private set; }

    // The accessors are inlined (a recorded point of a deep chain reads three per layer; called, the
    // ReadyToRun copy of each calls CoreLib's AsSpan, which stays in its first quick tier for much of a short run).

    /// <summary>z^l of the last pass, [batch, units], for layer position 0 … L−1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<double> PreActivation(int layer) => preActivations[layer].AsSpan(0, BatchSize * Model.Layers[layer].Units);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<double> Activation(int layer) => activations[layer].AsSpan(0, BatchSize * Model.Layers[layer].Units);

    /// <summary>Each sample's δ^l of the last <see cref="Run"/>, [batch, units].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<double> Delta(int layer) => deltas[layer].AsSpan(0, BatchSize * Model.Layers[layer].Units);

    /// <summary>
    /// For a layer whose output is the input of a residual block, the two parts of ∂C/∂a^l of the
    /// last <see cref="Run"/>, [batch, units]: what came back through the block's layers (Wᵀδ of its
    /// first layer) and through its identity path (∂C/∂ of the block's output); δ^l is their sum
    /// times g'(z^l). False for other layers.
    /// </summary>
    public bool TryGetIdentitySplit(int layer, out ReadOnlySpan<double> throughLayers, out ReadOnlySpan<double> throughSkip)
    {
        throughLayers = throughSkip = default;
        return cures is not null && layer + 1 < Model.Layers.Length
            && cures.TryGetIdentitySplit(layer + 1, BatchSize * Model.Layers[layer].Units, out throughLayers, out throughSkip);
    }

    /// <summary>
    /// The forward pass only; returns the batch-mean loss. In <paramref name="evaluation"/> mode
    /// (<c>model.eval()</c>) <c>norm batch</c> layers use their running estimates instead of the batch's statistics.
    /// </summary>
    public double Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> y, int batch, bool evaluation = false)
    {
        Prepare(x, batch);
        ForwardPass(parameters, evaluation);
        return LossAndOutputDelta(y, computeDelta: false);
    }

    /// <summary>
    /// Each <c>norm batch</c> layer's running mean and (unbiased) variance, by layer position (null
    /// for other layers); they start at 0 and 1 and move by <see cref="CommitRunningStatistics"/>.
    /// </summary>
    public IReadOnlyList<(double[] Mean, double[] Variance)?> RunningStatistics =>
        cures?.Running ?? [.. Model.Layers.Select(_ => ((double[], double[])?)null)];

    /// <summary>
    /// Moves the running estimates of every <c>norm batch</c> layer towards the statistics of the
    /// last training-mode pass (momentum 0.1, as BatchNorm1d does in each training forward); the
    /// runner calls it once per update, for the pass whose gradient the update uses.
    /// </summary>
    public void CommitRunningStatistics() => cures?.CommitRunningStatistics(BatchSize);

    /// <summary>Copies running estimates (of another pass's training) into this one's <c>norm batch</c> layers, for evaluation mode.</summary>
    public void SetRunningStatistics(IReadOnlyList<(double[] Mean, double[] Variance)?> statistics)
    {
        for (var l = 0; l < statistics.Count && cures is not null; l++)
        {
            if (statistics[l] is var (mean, variance) && cures.Running[l] is var (ownMean, ownVariance))
            {
                mean.CopyTo(ownMean, 0);
                variance.CopyTo(ownVariance, 0);
            }
        }
    }

    /// <summary>Forward and backward passes; writes ∂C/∂θ of the batch-mean loss to <paramref name="gradient"/> and returns that loss.</summary>
    public double Run(ReadOnlySpan<double> parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> y, int batch, Span<double> gradient) =>
        Run(parameters, x, y, batch, gradient, sameInput: false);

    /// <summary>
    /// <see cref="Run(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double})"/>; with
    /// <paramref name="sameInput"/> the caller vouches that <paramref name="x"/> holds the numbers of this pass's last
    /// input (full-batch training: the whole set, step after step), and a pass of the same batch size reads the copy
    /// it kept instead of copying <paramref name="x"/> again (W3's 0.8 MB).
    /// </summary>
    internal double Run(ReadOnlySpan<double> parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> y, int batch, Span<double> gradient, bool sameInput)
    {
        if (batch == 1 && TryRunChain(parameters, x, y, gradient, out var chainLoss))
        {
            return chainLoss;
        }

        Prepare(x, batch, sameInput);
        ForwardPass(parameters);
        var loss = LossAndOutputDelta(y, computeDelta: true);
        BackwardPass(parameters, gradient);
        return loss;
    }

    /// <summary>The mean over the batch's samples of ‖δ^l_i‖₂ (layer position 0 … L−1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double DeltaNorm(int layer)
    {
        var units = Model.Layers[layer].Units;
        var delta = deltas[layer];
        var total = 0.0;
        var i = 0;

        // Eight samples' sums side by side, the rest one at a time: each is still its own chain over its
        // row in index order (the same bits), but a core adds eight independent chains in the time of one
        // (W4's recorded point: 64 samples of 64 units a layer, a chain's addition waiting on the last).
        for (; i + 8 <= BatchSize; i += 8)
        {
            var row0 = delta.AsSpan(i * units, units);
            var row1 = delta.AsSpan((i + 1) * units, units);
            var row2 = delta.AsSpan((i + 2) * units, units);
            var row3 = delta.AsSpan((i + 3) * units, units);
            var row4 = delta.AsSpan((i + 4) * units, units);
            var row5 = delta.AsSpan((i + 5) * units, units);
            var row6 = delta.AsSpan((i + 6) * units, units);
            var row7 = delta.AsSpan((i + 7) * units, units);
            var (sum0, sum1, sum2, sum3) = (0.0, 0.0, 0.0, 0.0);
            var (sum4, sum5, sum6, sum7) = (0.0, 0.0, 0.0, 0.0);
            for (var j = 0; j < units; j++)
            {
                var (value0, value1, value2, value3) = (row0[j], row1[j], row2[j], row3[j]);
                var (value4, value5, value6, value7) = (row4[j], row5[j], row6[j], row7[j]);
                sum0 += value0 * value0;
                sum1 += value1 * value1;
                sum2 += value2 * value2;
                sum3 += value3 * value3;
                sum4 += value4 * value4;
                sum5 += value5 * value5;
                sum6 += value6 * value6;
                sum7 += value7 * value7;
            }

            total += Math.Sqrt(sum0);
            total += Math.Sqrt(sum1);
            total += Math.Sqrt(sum2);
            total += Math.Sqrt(sum3);
            total += Math.Sqrt(sum4);
            total += Math.Sqrt(sum5);
            total += Math.Sqrt(sum6);
            total += Math.Sqrt(sum7);
        }

        for (; i < BatchSize; i++)
        {
            total += FrobeniusNorm(delta.AsSpan(i * units, units));
        }

        return BatchSize == 0 ? 0 : total / BatchSize;
    }

    /// <summary>The mean over the batch of |g'(z^l)| (softmax: of the Jacobian's diagonal a(1 − a)).</summary>
    public double MeanAbsActivationDerivative(int layer)
    {
        var shape = Model.Layers[layer];
        var z = preActivations[layer];
        var a = activations[layer];
        var count = BatchSize * shape.Units;
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            total += Math.Abs(shape.Activation.Kind == ActivationKind.Softmax ? a[i] * (1 - a[i]) : Activations.Derivative(shape.Activation, z[i], a[i]));
        }

        return count == 0 ? 0 : total / count;
    }

    /// <summary>‖∂C/∂W^l‖_F from a gradient vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double WeightGradNorm(NetworkModel model, ReadOnlySpan<double> gradient, int layer)
    {
        var shape = model.Layers[layer];
        return FrobeniusNorm(gradient.Slice(shape.WeightOffset, WeightGradCount(shape)));
    }

    /// <summary>How many components from the layer's <see cref="LayerShape.WeightOffset"/> ‖∂C/∂W^l‖_F takes: a dense layer's W^l, a norm layer's gain and bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WeightGradCount(LayerShape shape) => shape.IsNorm ? 2 * shape.Units : shape.WeightCount;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double FrobeniusNorm(ReadOnlySpan<double> values) => Math.Sqrt(AddSquares(values, 0.0));

    /// <summary>
    /// The chain Σv² carried on from <paramref name="sum"/> over <paramref name="values"/> in index order:
    /// <see cref="FrobeniusNorm"/>'s terms, so a norm added a stretch at a time (Training/MeasuredUpdate) has its bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double AddSquares(ReadOnlySpan<double> values, double sum)
    {
        foreach (var value in values)
        {
            sum += value * value;
        }

        return sum;
    }

    /// <summary>The pass's batch size, and its input copied (unless it is the same input as the last pass's, of the same size).</summary>
    private void Prepare(ReadOnlySpan<double> x, int batch, bool sameInput = false)
    {
        if (batch < 1 || batch > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"batch must be 1 … {MaxBatch}");
        }

        if (sameInput && batch == BatchSize)
        {
            return;
        }

        BatchSize = batch;
        var count = batch * Model.InputWidth;
        if (Threads > 1 && count >= ParallelInputCopy && x.Length >= count)
        {
            fixed (double* source = x)
            {
                CopyInputInHalves(source, count);
            }

            return;
        }

        x[..count].CopyTo(input);
    }

    /// <summary>An input of at least this many numbers is copied in two halves on two threads (W3's batch: 100,352, 0.8 MB).</summary>
    private const int ParallelInputCopy = 1 << 16;

    /// <summary>The input copy in halves on the team (a method of its own: its closure is allocated only when it is shared).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyInputInHalves(double* source, int count)
    {
        var address = (nint)source;
        ThreadTeam.Run(2, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (half) =>
        {
            var (first, end) = Half(count, half);
            new ReadOnlySpan<double>((double*)address + first, end - first).CopyTo(input.AsSpan(first));
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<double> LayerInput(int layer) =>
        layer == 0 ? input.AsSpan(0, BatchSize * Model.InputWidth) : (cures?.Outputs[layer - 1] ?? activations[layer - 1]).AsSpan(0, BatchSize * Model.Layers[layer - 1].Units);

    private void ForwardPass(ReadOnlySpan<double> parameters, bool evaluation = false)
    {
        var batch = BatchSize;
        for (var l = 0; l < Model.Layers.Length; l++)
        {
            var shape = Model.Layers[l];
            var units = shape.Units;
            var fanIn = shape.InputUnits;
            var z = preActivations[l].AsSpan(0, batch * units);
            if (cures is not null && shape.IsNorm)
            {
                cures.NormForward(l, shape, parameters, LayerInput(l), z, batch, evaluation);
                z.CopyTo(activations[l]);
                cures.AddSkip(l, shape, input, batch);
                continue;
            }

            var weights = parameters.Slice(shape.WeightOffset, shape.WeightCount);
            var bias = parameters.Slice(shape.BiasOffset, units);
            if (IsNarrow(shape, batch) && shape.Activation.Kind != ActivationKind.Softmax)
            {
                // Fused: bias and activation in the product's sweep (the same bits as below).
                fixed (double* x = LayerInput(l), w = weights, b = bias, zp = z, ap = activations[l])
                {
                    SmallDense.ForwardActivate(batch, units, fanIn, x, w, b, zp, ap, shape.Activation);
                }

                continue;
            }

            // The two-thread paths' tests are compiled optimised at their first call: at one thread they are never called, so start-up does not compile them.
            if (Threads > 1 && (TryForwardInParts(l, parameters) || TryForwardByRows(l, parameters)))
            {
                continue;
            }

            DenseForwardRows(l, parameters, 0, batch);
            cures?.AddSkip(l, shape, input, batch);
        }
    }

    /// <summary>Z = X·Wᵀ + b and the activations of dense layer <paramref name="l"/> for samples <paramref name="first"/> … <paramref name="end"/> − 1, row by row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DenseForwardRows(int l, ReadOnlySpan<double> parameters, int first, int end)
    {
        var shape = Model.Layers[l];
        var (units, fanIn, rows) = (shape.Units, shape.InputUnits, end - first);
        var z = preActivations[l].AsSpan(first * units, rows * units);
        var a = activations[l].AsSpan(first * units, rows * units);
        var rectified = shape.Activation.Kind == ActivationKind.Relu ? a : default;
        if (DenseForward(rows, units, fanIn, LayerInput(l).Slice(first * fanIn, rows * fanIn), parameters.Slice(shape.WeightOffset, shape.WeightCount), parameters.Slice(shape.BiasOffset, units), z, rectified))
        {
            return;
        }

        for (var i = 0; i < rows; i++)
        {
            Activations.Forward(shape.Activation, z.Slice(i * units, units), a.Slice(i * units, units));
        }
    }

    /// <summary>The batch-mean loss and, when asked, δ^L = ∂ℓ_i/∂z^L for every sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double LossAndOutputDelta(ReadOnlySpan<double> y, bool computeDelta)
    {
        var last = Model.Layers.Length - 1;
        var shape = Model.Layers[last];
        var units = shape.Units;
        var z = preActivations[last];
        var a = activations[last];
        var delta = deltas[last];
        var total = 0.0;
        var gradientOfOutput = outputGradient.AsSpan();
        var probabilities = outputProbabilities.AsSpan();
        for (var i = 0; i < BatchSize; i++)
        {
            var zi = z.AsSpan(i * units, units);
            var ai = a.AsSpan(i * units, units);
            var yi = y.Slice(i * units, units);
            var di = delta.AsSpan(i * units, units);
            switch (Model.Loss)
            {
                case LossKind.Mse:
                    for (var j = 0; j < units; j++)
                    {
                        var difference = ai[j] - yi[j];
                        total += 0.5 * difference * difference;
                        gradientOfOutput[j] = difference;
                    }

                    if (computeDelta)
                    {
                        Activations.Backward(shape.Activation, zi, ai, gradientOfOutput, di);
                    }

                    break;
                case LossKind.Bce when shape.Activation.Kind == ActivationKind.Sigmoid:
                    // Stable from the logits: max(z, 0) − z·y + log(1 + e^−|z|); δ = σ(z) − y.
                    for (var j = 0; j < units; j++)
                    {
                        total += Math.Max(zi[j], 0) - zi[j] * yi[j] + SpecialFunctions.LogOnePlus(Math.Exp(-Math.Abs(zi[j])));
                        di[j] = ai[j] - yi[j];
                    }

                    break;
                case LossKind.Bce:
                    for (var j = 0; j < units; j++)
                    {
                        total -= yi[j] * Math.Log(ai[j]) + (1 - yi[j]) * Math.Log(1 - ai[j]);
                        gradientOfOutput[j] = (ai[j] - yi[j]) / (ai[j] * (1 - ai[j]));
                    }

                    if (computeDelta)
                    {
                        Activations.Backward(shape.Activation, zi, ai, gradientOfOutput, di);
                    }

                    break;
                default:
                    // Cross-entropy of softmax(logits), the logits being z^L after softmax or
                    // linear, a^L otherwise: ℓ = Σ y_j (logsumexp − logit_j); ∂ℓ/∂logit = p·Σy − y.
                    var logitsAreZ = shape.Activation.Kind is ActivationKind.Softmax or ActivationKind.Linear;
                    ReadOnlySpan<double> logits = logitsAreZ ? zi : ai;
                    var max = double.NegativeInfinity;
                    foreach (var logit in logits)
                    {
                        max = Math.Max(max, logit);
                    }

                    var sum = 0.0;
                    for (var j = 0; j < units; j++)
                    {
                        probabilities[j] = Math.Exp(logits[j] - max);
                        sum += probabilities[j];
                    }

                    var logSumExp = max + Math.Log(sum);
                    var targetMass = 0.0;
                    for (var j = 0; j < units; j++)
                    {
                        total += yi[j] * (logSumExp - logits[j]);
                        targetMass += yi[j];
                    }

                    for (var j = 0; j < units; j++)
                    {
                        gradientOfOutput[j] = probabilities[j] / sum * targetMass - yi[j];
                    }

                    if (computeDelta)
                    {
                        if (logitsAreZ)
                        {
                            gradientOfOutput.CopyTo(di);
                        }
                        else
                        {
                            Activations.Backward(shape.Activation, zi, ai, gradientOfOutput, di);
                        }
                    }

                    break;
            }
        }

        return total / BatchSize;
    }

    /// <summary>A dense layer small enough for <see cref="SmallDense"/>'s fused sweeps, in a network without residual blocks or norm layers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsNarrow(LayerShape shape, int batch) => cures is null && UseSmallKernels && SmallDense.Fits(batch, shape.Units, shape.InputUnits);

    /// <summary>
    /// Z = X·Wᵀ, then + b on every row: plain loops for small layers, else the blocked GEMM with the bias in its
    /// epilogue, and the ReLU too when <paramref name="rectified"/> (the layer's activations) is given; true when
    /// it wrote those activations.
    /// </summary>
    private bool DenseForward(int batch, int units, int fanIn, ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> z, Span<double> rectified)
    {
        if (UseSmallKernels && SmallDense.Fits(batch, units, fanIn))
        {
            SmallDense.Forward(batch, units, fanIn, x, weights, bias, z);
            return false;
        }

        Gemm.MultiplyBiased(batch, units, fanIn, x, fanIn, 1, weights, 1, fanIn, z, units, bias, rectified, Threads);
        return !rectified.IsEmpty;
    }

    /// <summary>∂C/∂W = scale·Δᵀ·X.</summary>
    private void WeightGradient(int batch, int units, int fanIn, ReadOnlySpan<double> delta, ReadOnlySpan<double> x, double scale, Span<double> gradient)
    {
        if (UseSmallKernels && SmallDense.Fits(batch, units, fanIn))
        {
            SmallDense.WeightGradient(batch, units, fanIn, delta, x, scale, gradient);
        }
        else
        {
            Gemm.Multiply(units, fanIn, batch, delta, 1, units, x, fanIn, 1, gradient, fanIn, scale, threads: Threads);
        }
    }

    /// <summary>Δ·W, the gradient with respect to the layer's input.</summary>
    private void UpstreamGradient(int batch, int units, int fanIn, ReadOnlySpan<double> delta, ReadOnlySpan<double> weights, Span<double> upstream)
    {
        if (UseSmallKernels && SmallDense.Fits(batch, units, fanIn))
        {
            SmallDense.Upstream(batch, units, fanIn, delta, weights, upstream);
        }
        else
        {
            Gemm.Multiply(batch, fanIn, units, delta, units, 1, weights, fanIn, 1, upstream, fanIn, threads: Threads);
        }
    }

    private void BackwardPass(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        var batch = BatchSize;
        var scale = 1.0 / batch;
        for (var l = Model.Layers.Length - 1; l >= 0; l--)
        {
            var shape = Model.Layers[l];
            var units = shape.Units;
            var fanIn = shape.InputUnits;
            var delta = deltas[l].AsSpan(0, batch * units);
            if (cures is not null && shape.IsNorm)
            {
                cures.NormBackward(l, shape, parameters, delta, gradient, batch, l == 0 ? default : upstream.AsSpan(0, batch * fanIn));
                if (l > 0)
                {
                    PreviousDelta(l, batch);
                }

                continue;
            }

            if (IsNarrow(shape, batch) && (l == 0 || Model.Layers[l - 1].Activation.Kind != ActivationKind.Softmax))
            {
                // Fused: ∂C/∂W^l, ∂C/∂b^l and δ^(l−1) in one sweep (the same bits as below).
                var weightsOf = parameters.Slice(shape.WeightOffset, shape.WeightCount);
                var previous = l == 0 ? shape.Activation : Model.Layers[l - 1].Activation;
                fixed (double* d = delta, x = LayerInput(l), w = weightsOf, g = gradient, z = l == 0 ? null : preActivations[l - 1], a = l == 0 ? null : activations[l - 1], previousDelta = l == 0 ? null : deltas[l - 1])
                {
                    SmallDense.Backward(batch, units, fanIn, d, x, w, scale, g + shape.WeightOffset, g + shape.BiasOffset, previous, z, a, previousDelta);
                }

                continue;
            }

            if (Threads > 1 && (TryBackwardInParts(l, parameters, gradient) || TryBackwardSideBySide(l, parameters, gradient)))
            {
                continue;
            }

            // ∂C/∂W^l = (1/B) Δᵀ A^(l−1); ∂C/∂b^l = (1/B) Σ_i δ_i.
            WeightGradient(batch, units, fanIn, delta, LayerInput(l), scale, gradient.Slice(shape.WeightOffset, shape.WeightCount));
            BiasGradient(delta, batch, units, 0, units, scale, gradient.Slice(shape.BiasOffset, units));

            if (l == 0)
            {
                break;
            }

            // δ^(l−1) = (Δ W^l) ⊙ g'(z^(l−1)), row by row.
            var weights = parameters.Slice(shape.WeightOffset, shape.WeightCount);
            UpstreamGradient(batch, units, fanIn, delta, weights, upstream.AsSpan(0, batch * fanIn));
            PreviousDelta(l, batch);
        }
    }

    /// <summary>
    /// ∂C/∂b_j = scale·Σ_i δ[i, j] for units <paramref name="first"/> … <paramref name="end"/> − 1 into
    /// <paramref name="biasGradient"/> (their slice): summed over the samples in order from 0, then
    /// scaled, so a share of the units (a part on another thread) gets the bits of the whole.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasGradient(ReadOnlySpan<double> delta, int batch, int units, int first, int end, double scale, Span<double> biasGradient)
    {
        var count = end - first;
        if (first < 0 || count < 0 || end > units || biasGradient.Length < count || (batch > 0 && delta.Length < (long)(batch - 1) * units + end))
        {
            throw new ArgumentException("the bias gradient's units must lie in δ's rows and in its slice");
        }

        fixed (double* deltaBase = delta, gradientBase = biasGradient)
        {
            // Sixteen units at a time in four vectors: each unit's sum is still 0 + δ[0, j] + δ[1, j] + … in sample order, then scaled.
            var j = 0;
            var factor = Vector256.Create(scale);
            for (; j + 16 <= count; j += 16)
            {
                Vector256<double> sum0 = default, sum1 = default, sum2 = default, sum3 = default;
                var row = deltaBase + first + j;
                for (var i = 0; i < batch; i++, row += units)
                {
                    sum0 += Vector256.Load(row);
                    sum1 += Vector256.Load(row + 4);
                    sum2 += Vector256.Load(row + 8);
                    sum3 += Vector256.Load(row + 12);
                }

                Vector256.Store(sum0 * factor, gradientBase + j);
                Vector256.Store(sum1 * factor, gradientBase + j + 4);
                Vector256.Store(sum2 * factor, gradientBase + j + 8);
                Vector256.Store(sum3 * factor, gradientBase + j + 12);
            }

            for (; j < count; j++)
            {
                var sum = 0.0;
                var element = deltaBase + first + j;
                for (var i = 0; i < batch; i++, element += units)
                {
                    sum += *element;
                }

                gradientBase[j] = sum * scale;
            }
        }
    }

    /// <summary>
    /// δ^(l−1) from the gradient with respect to layer l's input (in <see cref="upstream"/>): plus
    /// the identity path of a residual block whose input that is, then times g'(z^(l−1)).
    /// </summary>
    private void PreviousDelta(int l, int batch)
    {
        cures?.AddIdentityPath(l, upstream.AsSpan(0, batch * Model.Layers[l - 1].Units), batch);
        ActivationBackwardRows(l, 0, batch);
    }

    /// <summary>δ^(l−1) = upstream ⊙ g'(z^(l−1)) for samples <paramref name="first"/> … <paramref name="end"/> − 1, row by row.</summary>
    private void ActivationBackwardRows(int l, int first, int end)
    {
        var previous = Model.Layers[l - 1];
        var fanIn = previous.Units;
        var z = preActivations[l - 1];
        var a = activations[l - 1];
        var previousDelta = deltas[l - 1];
        for (var i = first; i < end; i++)
        {
            var offset = i * fanIn;
            Activations.Backward(previous.Activation, z.AsSpan(offset, fanIn), a.AsSpan(offset, fanIn), upstream.AsSpan(offset, fanIn), previousDelta.AsSpan(offset, fanIn));
        }
    }
}
