using System.Runtime.CompilerServices;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Optimizers;

namespace Grad.Runtime.Training;

/// <summary>
/// Per-layer health of a training run, measured only at the steps its trace records (an
/// unrecorded step costs nothing): dead and saturated fractions (<see cref="NetworkAnalyzer.CountUnits"/>,
/// the findings' one rule), update/weight ratios, and at <see cref="SharpnessEvaluations"/> points
/// spread over the run the sharpness λmax; at <see cref="HistogramSteps"/> points histograms of δ^l
/// and W^l for at most <see cref="HistogramLayers"/> layers. What it keeps is bounded by those
/// counts, whatever the number of steps (docs/training.md).
/// </summary>
internal sealed class HealthRecorder
{
    /// <summary>Sharpness is measured at most this many times per run (steps 0, ⅛, …, the end).</summary>
    public const int SharpnessEvaluations = 9;

    /// <summary>Histograms at steps 0, ¼, ½, ¾ of the run and its final step.</summary>
    public const int HistogramSteps = 5;

    /// <summary>Histograms for at most this many layers: the first, the last and evenly spaced between.</summary>
    public const int HistogramLayers = 8;

    /// <summary>Sharpness only where parameters × batch samples is at most this (one Hessian-vector product costs a few passes of that size).</summary>
    public const long SharpnessMaxWork = 100_000;

    /// <summary>Power-iteration steps per sharpness evaluation at most.</summary>
    public const int SharpnessIterations = 300;

    // A layer's measures: 0 its units' counts, 1 its update ratio (from the step's MeasuredUpdate) and
    // weight-gradient norm, 2 its δ norm, 4 its δ histogram, 5 its weight histogram; the
    // last two at the HistogramSteps points only (3 is none: the measures without them take two bits). As items of ThreadTeam.ForEach, item i is measure
    // i & (2^bits − 1) of layer i >> bits (a shift, not a division: a deep chain's point has hundreds of items).
    private const int MeasureBits = 3;

    private const int MeasureBitsWithoutHistograms = 2;

    private readonly NetworkModel model;
    private readonly OptimizerSpec optimizer;
    private readonly Milestones sharpnessAt;
    private readonly Milestones histogramsAt;
    private readonly int[] histogramLayers;
    private readonly bool[] histogrammed;
    private readonly List<LayerHistogram> histograms = [];
    private readonly CancellationToken cancellation;
    private readonly Func<int, long> itemCost;
    private readonly Action<int> measureItem;
    private readonly Func<int, long> stepItemCost;
    private readonly Action<int> stepItem;
    private readonly MeasuredUpdate updates;
    private readonly bool oneThread;
    private readonly bool oneUnitLayers;
    private readonly bool defers;
    private readonly Action? recorded;
    private Point point;

    // The items of a step that finishes a waiting point: the update's first, then each layer's two measures.
    private int updateItems;

    /// <summary>
    /// A recorder for a run whose gradient between a point and the next step is changed by nothing
    /// but clipping (<paramref name="clipsGradient"/>); <paramref name="recorded"/> is told when a
    /// point's numbers are all in its row (at the point, or at the next step: <see cref="Measure"/>).
    /// </summary>
    public HealthRecorder(NetworkModel model, OptimizerSpec optimizer, int totalSteps, int batchRows, CancellationToken cancellation,
        bool clipsGradient = false, Action? recorded = null)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.cancellation = cancellation;
        this.recorded = recorded;
        sharpnessAt = new Milestones(totalSteps, SharpnessEvaluations);
        histogramsAt = new Milestones(totalSteps, HistogramSteps);
        histogramLayers = Spread(model.Layers.Length, HistogramLayers);
        histogrammed = new bool[model.Layers.Length];
        foreach (var l in histogramLayers)
        {
            histogrammed[l] = true;
        }

        SharpnessSkipped = SkipReason(model, batchRows);
        itemCost = ItemCost;
        measureItem = MeasureItem;
        stepItemCost = StepItemCost;
        stepItem = StepItem;
        updates = new MeasuredUpdate(model);
        // A point whose items could never be dealt out (all of them cost less than sharing them) is measured without asking their costs (W2's 50 layers, 10,000 points).
        oneThread = model.Layers.Sum(shape => MeasuresWithHistograms.Sum(measure => MeasureCost(shape, measure, batchRows))) < ThreadTeam.ParallelItemsCost;
        // One unit and one weight-gradient component a layer (a dense layer of fan-in 1: a norm layer's are its gain and bias).
        oneUnitLayers = model.Layers.All(shape => shape.Units == 1 && Backprop.WeightGradCount(shape) == 1);
        // A larger point waits for the next step, which reads the same gradient (clipping aside): its
        // gradient norms are added in the update's loop and its other measures dealt out with the update's layers.
        defers = !clipsGradient && !oneThread;
    }

    /// <summary>The one-loop measures of a chain of one-unit layers (<see cref="MeasureOneUnitLayers"/>); off only to test that they give the layer-by-layer measures' bits.</summary>
    internal bool UseOneUnitPath { get; init; } = true;

    /// <summary>Whether the last point was measured by <see cref="MeasureOneUnitLayers"/> (for tests).</summary>
    internal bool TookOneUnitPath { get; private set; }

    /// <summary>Why this run's sharpness is not measured; null when it is.</summary>
    public string? SharpnessSkipped { get; }

    public IReadOnlyList<LayerHistogram> Histograms => histograms;

    public static string? SkipReason(NetworkModel model, int batchRows)
    {
        if (!HessianVectorProduct.Supports(model))
        {
            return "sharpness not measured: it needs a network of dense layers only (no residual block or norm layer), softmax only on the output layer (docs/training.md)";
        }

        var work = (long)model.ParameterCount * batchRows;
        return work > SharpnessMaxWork
            ? $"sharpness not measured: {model.ParameterCount} parameters × {batchRows} samples per batch = {work} is above {SharpnessMaxWork} (docs/training.md)"
            : null;
    }

    /// <summary>Whether a recorded point waits for the next step to finish its numbers (<see cref="Measure"/>).</summary>
    public bool Waiting { get; private set; }

    /// <summary>
    /// The optimizer's step; with <paramref name="measure"/> (the next point is recorded, or may be:
    /// <c>until</c>), measured as it goes for that point's update ratios (<see cref="MeasuredUpdate"/>).
    /// A waiting point is finished first, or, when the step is measured and takes the point's gradient,
    /// within it: one hand-over to the threads for both. True when every parameter is finite
    /// afterwards; <paramref name="previous"/>, when given, receives θ_(k−1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Step(Optimizer optimizer, double[] parameters, double[] gradient, int threads, bool measure, double[]? previous)
    {
        if (!Waiting)
        {
            return updates.Step(optimizer, parameters, gradient, threads, measure, previous);
        }

        if (!measure || !ReferenceEquals(gradient, point.Gradient))
        {
            Finish();
            return updates.Step(optimizer, parameters, gradient, threads, measure, previous);
        }

        // The update's items (the whole vector, or a layer each) and each layer's units and δ norm, dealt out together.
        updateItems = updates.Begin(optimizer, parameters, gradient, threads, gradientNorms: true, previous);
        var items = updateItems + 2 * model.Layers.Length;
        if (threads <= 1)
        {
            for (var item = 0; item < items; item++)
            {
                StepItem(item);
            }
        }
        else
        {
            ThreadTeam.ForEach(items, threads, stepItemCost, stepItem);
        }

        var finite = updates.End();
        var row = point.Row;
        for (var l = 0; l < model.Layers.Length; l++)
        {
            row.Numbers[row.WeightGradNormsStart + l] = updates.GradientNorm(l);
        }

        Done();
        return finite;
    }

    /// <summary>Finishes a waiting point's numbers on its own (the run ends, or its next step cannot take them).</summary>
    public void Finish()
    {
        if (!Waiting)
        {
            return;
        }

        // Measure 1's ratio is in the row already: it is written again, the same number.
        MeasureAll(MeasureBitsWithoutHistograms);
        Done();
    }

    private void Done()
    {
        point = default;
        Waiting = false;
        recorded?.Invoke();
    }

    /// <summary>
    /// The norms and health at a recorded step, written into its trace row (no array per point),
    /// from the backward pass just made on the point's batch (<paramref name="backprop"/>,
    /// <paramref name="gradient"/>, <paramref name="batchX"/>) at <paramref name="parameters"/>, and
    /// the update ratios of the step before when it was measured (<see cref="Step"/>). A point of a
    /// large network that is not the run's last and takes no histograms waits (<see cref="Waiting"/>):
    /// the next <see cref="Step"/> finishes its gradient norms, units and δ norms (the gradient, δ and
    /// activations are the ones it takes and leaves alone), or <see cref="Finish"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Measure(TrainTraceRow row, int step, bool final, Backprop backprop, double[] parameters, double[] gradient,
        double lr, double[] batchX, double[] batchY, int batchRows)
    {
        Finish();
        var layers = model.Layers.Length;
        var histogramsNow = histogramsAt.Reached(step, final);
        // Histograms only at the few steps that take them (a deep chain records 10,000 points).
        point = new Point(row, step, backprop, parameters, gradient, updates.Measured && step > 0, batchRows,
            histogramsNow ? new LayerHistogram[layers] : null, histogramsNow ? new LayerHistogram[layers] : null);

        if (defers && !final && !histogramsNow)
        {
            // The ratios now (the next step measures its own), the rest with the next step.
            for (var l = 0; l < layers && point.Ratios; l++)
            {
                row.Numbers[row.UpdateRatiosStart + l] = updates.Ratio(l);
            }

            Waiting = true;
            Health(row, step, final, parameters, lr, batchX, batchY, batchRows);
            return;
        }

        MeasureAll(histogramsNow ? MeasureBits : MeasureBitsWithoutHistograms);
        var (deltaHistograms, weightHistograms) = (point.DeltaHistograms, point.WeightHistograms);
        foreach (var l in histogramsNow ? histogramLayers : [])
        {
            histograms.Add(deltaHistograms![l]);
            histograms.Add(weightHistograms![l]);
        }

        Health(row, step, final, parameters, lr, batchX, batchY, batchRows);
        Done();
    }

    /// <summary>Each of the point's layers' measures, 0 … 2^<paramref name="bits"/> − 1.</summary>
    private void MeasureAll(int bits)
    {
        // Each layer's measures as separate items (a layer's units, its ratio and gradient, its δ, and at the
        // few steps that take them its two histograms) on the backprop's threads, so one large
        // layer's gradient runs beside the others' work; every sum is still added by one thread in its one order.
        var (backprop, layers) = (point.Backprop, model.Layers.Length);
        TookOneUnitPath = oneUnitLayers && UseOneUnitPath && bits == MeasureBitsWithoutHistograms && backprop.BatchSize == 1;
        if (TookOneUnitPath)
        {
            MeasureOneUnitLayers();
        }
        else if (backprop.Threads <= 1 || oneThread)
        {
            // One thread: each layer's measures in order, no delegate or cost per item, and no call for measure 3 (none).
            var measures = MeasuresWithHistograms.AsSpan(0, bits == MeasureBits ? MeasuresWithHistograms.Length : 3);
            for (var l = 0; l < layers; l++)
            {
                foreach (var measure in measures)
                {
                    Measure(l, measure);
                }
            }
        }
        else
        {
            ThreadTeam.ForEach(layers << bits, backprop.Threads, itemCost, measureItem);
        }
    }

    /// <summary>
    /// The first three measures (<see cref="Measure(int, int)"/>) of a chain of one-unit layers with one weight each,
    /// on one sample, in one loop: each measure's operations on the layer's one z, a, δ and weight gradient, so
    /// their bits (RecordedPointTests), without three calls and a loop of one a measure (W2: 50 layers, 10,000 points).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MeasureOneUnitLayers()
    {
        var (backprop, gradient, row) = (point.Backprop, point.Gradient, point.Row);
        var numbers = row.Numbers;
        var layers = model.Layers;
        for (var l = 0; l < layers.Length; l++)
        {
            var shape = layers[l];
            var delta = backprop.Delta(l)[0];
            var (dead, saturated) = NetworkAnalyzer.CountUnit(shape.Activation, backprop.PreActivation(l)[0], backprop.Activation(l)[0], delta);
            numbers[row.DeadFractionsStart + l] = Fraction(dead, 1);
            numbers[row.SaturatedFractionsStart + l] = Fraction(saturated, 1);
            var weightGradient = gradient[shape.WeightOffset];
            numbers[row.WeightGradNormsStart + l] = Math.Sqrt(0.0 + weightGradient * weightGradient);
            if (point.Ratios)
            {
                numbers[row.UpdateRatiosStart + l] = updates.Ratio(l);
            }

            // Backprop.DeltaNorm of one sample: (0 + ‖δ‖₂) / 1.
            numbers[row.DeltaNormsStart + l] = (0.0 + Math.Sqrt(0.0 + delta * delta)) / 1;
        }
    }

    /// <summary>The point's sharpness, when this step takes it, and which of its health parts the row has.</summary>
    private void Health(TrainTraceRow row, int step, bool final, double[] parameters, double lr, double[] batchX, double[] batchY, int batchRows)
    {
        double? sharpness = null;
        if (SharpnessSkipped is null && sharpnessAt.Reached(step, final))
        {
            sharpness = Sharpness(parameters, batchX, batchY, batchRows);
        }

        row.SetHealth(point.Ratios, sharpness, sharpness is null ? null : StabilityLimit.CurvatureLimit(optimizer, lr));
    }

    private int ItemBits => point.DeltaHistograms is null ? MeasureBitsWithoutHistograms : MeasureBits;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long ItemCost(int item) => MeasureCost(model.Layers[item >> ItemBits], item & ((1 << ItemBits) - 1), point.BatchRows);

    /// <summary>The measures a point with histograms takes of each layer (<see cref="Measure(int, int)"/>); without them, the first three.</summary>
    private static readonly int[] MeasuresWithHistograms = [0, 1, 2, 4, 5];

    /// <summary>Measure <paramref name="measure"/> of a layer on a batch of <paramref name="batchRows"/>: its work in elements it adds up or counts, weighed by what an element costs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long MeasureCost(LayerShape shape, int measure, int batchRows) => measure switch
    {
        1 => Backprop.WeightGradCount(shape),
        5 => HistogramCost * shape.WeightCount,
        0 or 2 or 4 => SampleMeasureCost(shape, measure, batchRows),
        _ => 0,
    };

    /// <summary>What a value costs <see cref="Histogram.Of"/> (its minimum and maximum, then its bin and count), in a chain's elements: ≈ 2.6 ns against ≈ 0.75 (W3's weights).</summary>
    private const long HistogramCost = 3;

    /// <summary>
    /// A measure over the batch's samples, in the costs of a chain's elements: a δ norm adds four
    /// samples' chains side by side (≈ ¾ an element each, measured on W3), relu's dead units are
    /// four units' ORs at a time (≈ ½), a saturation test evaluates g'(z) (≈ 2), a histogram counts (<see cref="HistogramCost"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long SampleMeasureCost(LayerShape shape, int measure, int batchRows)
    {
        var samples = (long)batchRows * shape.Units;
        return measure switch
        {
            0 when shape.Activation.Kind is ActivationKind.Sigmoid or ActivationKind.Tanh => 2 * samples,
            0 => samples / 2,
            2 => samples * 3 / 4,
            _ => HistogramCost * samples,
        };
    }

    // A step that finishes a waiting point: the update's items, then layer (item − updateItems) / 2's units (even) or δ norm (odd).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long StepItemCost(int item) =>
        item < updateItems ? updates.Cost(item) : SampleMeasureCost(model.Layers[(item - updateItems) >> 1], ((item - updateItems) & 1) << 1, point.BatchRows);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepItem(int item)
    {
        if (item < updateItems)
        {
            updates.Update(item);
        }
        else
        {
            Measure((item - updateItems) >> 1, ((item - updateItems) & 1) << 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MeasureItem(int item) => Measure(item >> ItemBits, item & ((1 << ItemBits) - 1));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Measure(int l, int measure)
    {
        var shape = model.Layers[l];
        var row = point.Row;
        var numbers = row.Numbers;
        switch (measure)
        {
            case 0:
                var (deadUnits, saturatedUnits) = NetworkAnalyzer.CountUnits(point.Backprop, shape, l);
                numbers[row.DeadFractionsStart + l] = Fraction(deadUnits, shape.Units);
                numbers[row.SaturatedFractionsStart + l] = Fraction(saturatedUnits, shape.Units);
                break;
            case 1:
                numbers[row.WeightGradNormsStart + l] = Backprop.WeightGradNorm(model, point.Gradient, l);
                if (point.Ratios)
                {
                    numbers[row.UpdateRatiosStart + l] = updates.Ratio(l);
                }

                break;
            case 2:
                numbers[row.DeltaNormsStart + l] = point.Backprop.DeltaNorm(l);
                break;
            case 4 when histogrammed[l]:
                point.DeltaHistograms![l] = Histogram.For(point.Step, shape.Index, HistogramQuantity.Delta, point.Backprop.Delta(l));
                break;
            case 5 when histogrammed[l]:
                point.WeightHistograms![l] = Histogram.For(point.Step, shape.Index, HistogramQuantity.Weights, point.Parameters.AsSpan(shape.WeightOffset, shape.WeightCount));
                break;
        }
    }

    /// <summary>count / units (0 for a layer of no units).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fraction(int count, int units) => units == 0 ? 0 : (double)count / units;

    /// <summary>The point being measured, read by the items of <see cref="ThreadTeam.ForEach"/> (whose delegates are made once: a point makes no closure).</summary>
    private readonly record struct Point(TrainTraceRow Row, int Step, Backprop Backprop, double[] Parameters, double[] Gradient, bool Ratios, int BatchRows,
        LayerHistogram[]? DeltaHistograms, LayerHistogram[]? WeightHistograms);

    /// <summary>λmax of the Hessian of the batch-mean loss on the point's batch (exact Hessian-vector products, power iteration); null when cancelled or not finite.</summary>
    private double? Sharpness(ReadOnlySpan<double> parameters, double[] batchX, double[] batchY, int batchRows)
    {
        var point = parameters.ToArray();
        var product = new HessianVectorProduct(model, batchX, batchY, batchRows);
        try
        {
            return StabilityLimit.LargestEigenvalue(point.Length, (v, result) => product.Multiply(point, v, result), cancellation, SharpnessIterations);
        }
        catch (OperationCanceledException)
        {
            // The run itself stops at its next step; the point just has no sharpness.
            return null;
        }
    }

    /// <summary>At most <paramref name="most"/> of 0 … count − 1: all of them, or the first, the last and evenly spaced between.</summary>
    internal static int[] Spread(int count, int most) =>
        count <= most ? [.. Enumerable.Range(0, count)] : [.. Enumerable.Range(0, most).Select(i => (int)Math.Round((double)(count - 1) * i / (most - 1))).Distinct()];
}
