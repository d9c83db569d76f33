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
    private readonly MeasuredUpdate updates;
    private readonly bool oneThread;
    private Point point;

    public HealthRecorder(NetworkModel model, OptimizerSpec optimizer, int totalSteps, int batchRows, CancellationToken cancellation)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.cancellation = cancellation;
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
        updates = new MeasuredUpdate(model);
        // A point whose items could never be dealt out (all of them cost less than sharing them) is measured without asking their costs (W2's 50 layers, 10,000 points).
        var samples = (long)batchRows * model.Layers.Sum(l => (long)l.Units);
        oneThread = 3 * samples + model.Layers.Sum(l => (long)Backprop.WeightGradCount(l) + l.WeightCount) < ThreadTeam.ParallelItemsCost;
    }

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

    /// <summary>
    /// The optimizer's step; with <paramref name="measure"/> (the next point is recorded, or may be:
    /// <c>until</c>), measured as it goes for that point's update ratios (<see cref="MeasuredUpdate"/>).
    /// True when every parameter is finite afterwards; <paramref name="previous"/>, when given, receives θ_(k−1).
    /// </summary>
    public bool Step(Optimizer optimizer, double[] parameters, double[] gradient, int threads, bool measure, double[]? previous) =>
        updates.Step(optimizer, parameters, gradient, threads, measure, previous);

    /// <summary>
    /// The norms and health at a recorded step, written into its trace row (no array per point),
    /// from the backward pass just made on the point's batch (<paramref name="backprop"/>,
    /// <paramref name="gradient"/>, <paramref name="batchX"/>) at <paramref name="parameters"/>, and
    /// the update ratios of the step before when it was measured (<see cref="Step"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Measure(TrainTraceRow row, int step, bool final, Backprop backprop, double[] parameters, double[] gradient,
        double lr, double[] batchX, double[] batchY, int batchRows)
    {
        var layers = model.Layers.Length;
        var histogramsNow = histogramsAt.Reached(step, final);
        // Histograms only at the few steps that take them (a deep chain records 10,000 points).
        point = new Point(row, step, backprop, parameters, gradient, updates.Measured && step > 0, batchRows,
            histogramsNow ? new LayerHistogram[layers] : null, histogramsNow ? new LayerHistogram[layers] : null);

        // Each layer's measures as separate items (a layer's units, its ratio and gradient, its δ, and at the
        // few steps that take them its two histograms) on the backprop's threads, so one large
        // layer's gradient runs beside the others' work; every sum is still added by one thread in its one order.
        var bits = histogramsNow ? MeasureBits : MeasureBitsWithoutHistograms;
        if (backprop.Threads <= 1 || oneThread)
        {
            // One thread: each layer's measures in order, no delegate or cost per item.
            for (var l = 0; l < layers; l++)
            {
                for (var measure = 0; measure < 1 << bits; measure++)
                {
                    Measure(l, measure);
                }
            }
        }
        else
        {
            ThreadTeam.ForEach(layers << bits, backprop.Threads, itemCost, measureItem);
        }

        var (ratios, deltaHistograms, weightHistograms) = (point.Ratios, point.DeltaHistograms, point.WeightHistograms);
        point = default;

        foreach (var l in histogramsNow ? histogramLayers : [])
        {
            histograms.Add(deltaHistograms![l]);
            histograms.Add(weightHistograms![l]);
        }

        double? sharpness = null;
        if (SharpnessSkipped is null && sharpnessAt.Reached(step, final))
        {
            sharpness = Sharpness(parameters, batchX, batchY, batchRows);
        }

        row.SetHealth(ratios, sharpness, sharpness is null ? null : StabilityLimit.CurvatureLimit(optimizer, lr));
    }

    private int ItemBits => point.DeltaHistograms is null ? MeasureBitsWithoutHistograms : MeasureBits;

    // Each item's work in elements it adds up or counts.
    private long ItemCost(int item)
    {
        var shape = model.Layers[item >> ItemBits];
        var samples = (long)point.BatchRows * shape.Units;
        return (item & ((1 << ItemBits) - 1)) switch
        {
            0 or 2 or 4 => samples,
            1 => Backprop.WeightGradCount(shape),
            5 => shape.WeightCount,
            _ => 0,
        };
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
