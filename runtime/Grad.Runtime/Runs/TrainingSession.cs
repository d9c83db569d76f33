using System.Runtime.CompilerServices;
using Grad.Runtime.Contracts;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Runs;

/// <summary>
/// Batches and evaluations of one training run. With a batch smaller than the set, each epoch
/// takes a fresh permutation of the samples (<see cref="EpochShuffler"/>) and cuts it into
/// batches in order, the last one possibly smaller (PyTorch's DataLoader with shuffle=True, drop_last=False). Full-batch training keeps the file's order.
/// </summary>
internal sealed class TrainingSession
{
    private readonly NetworkModel model;
    private readonly double[] features;
    private readonly double[] targets;
    private readonly int count;
    private readonly int batchSize;
    private readonly EpochShuffler shuffler;
    private readonly int[] order;
    private readonly Backprop backprop;
    private readonly double[] batchX;
    private readonly double[] batchY;
    private int batchRows;
    private int cursor;

    /// <summary>Whether the batch in <see cref="batchX"/> is the input of the last <see cref="Evaluate"/>'s pass (full-batch training after the first pass: it is not copied again).</summary>
    private bool batchPassed;

    public TrainingSession(NetworkModel model, double[] features, double[] targets, int count, int? batch, long seed, int threads = 1)
    {
        this.model = model;
        this.features = features;
        this.targets = targets;
        this.count = count;
        batchSize = batch is { } b && b > 0 && b < count ? b : count;
        shuffler = new EpochShuffler(seed);
        order = [.. Enumerable.Range(0, count)];
        cursor = count;
        backprop = new Backprop(model, batchSize, threads);
        Gradient = new double[model.ParameterCount];
        batchX = new double[batchSize * model.InputWidth];
        batchY = new double[batchSize * model.OutputWidth];
    }

    public bool IsMinibatch => batchSize < count;

    /// <summary>
    /// The samples of a run's first batch, in the order <see cref="NextBatch"/> takes them: all of
    /// them in file order for full-batch training, else the first <paramref name="batch"/> of the
    /// first epoch's permutation.
    /// </summary>
    public static int[] FirstBatch(int count, int? batch, long seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        if (batch is not { } size || size <= 0 || size >= count)
        {
            return order;
        }

        new EpochShuffler(seed).Next(order);
        return order[..size];
    }

    /// <summary>The gradient of the batch-mean loss from the last <see cref="Evaluate"/>.</summary>
    public double[] Gradient { get; }

    public Backprop Backprop => backprop;

    /// <summary>The current batch: inputs and targets (one-hot for cross_entropy), row-major, and its number of rows.</summary>
    public (double[] X, double[] Y, int Rows) Batch => (batchX, batchY, batchRows);

    public void NextBatch()
    {
        if (!IsMinibatch)
        {
            // Every batch is the whole set, in the file's order: copied once.
            if (batchRows != count)
            {
                features.AsSpan(0, count * model.InputWidth).CopyTo(batchX);
                targets.AsSpan(0, count * model.OutputWidth).CopyTo(batchY);
                batchRows = count;
                batchPassed = false;
            }

            return;
        }

        batchPassed = false;

        if (cursor >= count)
        {
            shuffler.Next(order);
            cursor = 0;
        }

        batchRows = Math.Min(batchSize, count - cursor);
        var inputWidth = model.InputWidth;
        var outputWidth = model.OutputWidth;
        for (var r = 0; r < batchRows; r++)
        {
            var sample = order[cursor + r];
            features.AsSpan(sample * inputWidth, inputWidth).CopyTo(batchX.AsSpan(r * inputWidth));
            targets.AsSpan(sample * outputWidth, outputWidth).CopyTo(batchY.AsSpan(r * outputWidth));
        }

        cursor += batchRows;
    }

    /// <summary>Forward and backward on the current batch; returns the batch-mean loss and fills <see cref="Gradient"/>.</summary>
    public double Evaluate(double[] parameters)
    {
        var loss = backprop.Run(parameters, batchX, batchY, batchRows, Gradient, sameInput: batchPassed);
        batchPassed = true;
        return loss;
    }

    /// <summary>
    /// The norms at the current point as a point of their own (the run's last, when the trace did
    /// not record it; a recorded point's norms are written into its trace row with its health by <see cref="Training.HealthRecorder.Measure"/>).
    /// </summary>
    public TrainTracePoint Snapshot(int step, double loss)
    {
        var layers = model.Layers.Length;
        var point = new TrainTracePoint(step, loss, new double[layers], new double[layers]);
        for (var l = 0; l < layers; l++)
        {
            point.DeltaNorms[l] = backprop.DeltaNorm(l);
            point.WeightGradNorms[l] = Backprop.WeightGradNorm(model, Gradient, l);
        }

        return point;
    }
}
