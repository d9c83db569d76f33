using Grad.Language.Semantics;
using Grad.Runtime.Networks;

namespace Grad.Runtime.Runs;

/// <summary>
/// A network's loss and accuracy over every sample of its data at given weights, as a PyTorch
/// user measures them after training (<c>model.eval()</c>, one pass over the whole set):
/// the mean per-sample loss, and for <c>bce</c> the fraction of outputs with (z &gt; 0) == y,
/// for <c>cross_entropy</c> the fraction of samples whose argmax z equals argmax y (the first
/// index on ties, as <c>torch.argmax</c>).
/// </summary>
public static class WholeDataSet
{
    /// <summary>Samples per forward pass, so that a large set needs no buffer of its size.</summary>
    private const int Chunk = 1024;

    /// <param name="runningStatistics">The running estimates of the <c>norm batch</c> layers (from
    /// <see cref="Backprop.RunningStatistics"/> of the training); evaluation mode uses them instead of batch statistics.</param>
    public static (double Loss, double? Accuracy) Evaluate(
        NetworkModel model, double[] parameters, double[] features, double[] targets, int count,
        IReadOnlyList<(double[] Mean, double[] Variance)?>? runningStatistics = null)
    {
        if (count == 0)
        {
            return (double.NaN, null);
        }

        var chunk = Math.Min(count, Chunk);
        var backprop = new Backprop(model, chunk);
        if (runningStatistics is not null)
        {
            backprop.SetRunningStatistics(runningStatistics);
        }
        var inputWidth = model.InputWidth;
        var outputWidth = model.OutputWidth;
        var lossSum = 0.0;
        long correct = 0;
        for (var start = 0; start < count; start += chunk)
        {
            var rows = Math.Min(chunk, count - start);
            var y = targets.AsSpan(start * outputWidth, rows * outputWidth);
            lossSum += backprop.Forward(parameters, features.AsSpan(start * inputWidth, rows * inputWidth), y, rows, evaluation: true) * rows;
            if (model.Loss != LossKind.Mse && model.Layers.Length > 0)
            {
                correct += Correct(model.Loss, backprop.PreActivation(model.Layers.Length - 1), y, rows, outputWidth);
            }
        }

        double? accuracy = model.Loss switch
        {
            LossKind.Bce => (double)correct / ((long)count * outputWidth),
            LossKind.CrossEntropy => (double)correct / count,
            _ => null,
        };
        return (lossSum / count, accuracy);
    }

    private static long Correct(LossKind loss, ReadOnlySpan<double> z, ReadOnlySpan<double> y, int rows, int width)
    {
        long correct = 0;
        for (var i = 0; i < rows; i++)
        {
            var row = z.Slice(i * width, width);
            var target = y.Slice(i * width, width);
            if (loss == LossKind.Bce)
            {
                for (var j = 0; j < width; j++)
                {
                    correct += (row[j] > 0 ? 1.0 : 0.0) == target[j] ? 1 : 0;
                }
            }
            else
            {
                correct += ArgMax(row) == ArgMax(target) ? 1 : 0;
            }
        }

        return correct;
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best])
            {
                best = j;
            }
        }

        return best;
    }
}
