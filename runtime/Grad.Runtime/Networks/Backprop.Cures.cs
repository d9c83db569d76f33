using Grad.Language.Semantics;

namespace Grad.Runtime.Networks;

public sealed partial class Backprop
{
    /// <summary>
    /// What residual blocks and norm layers add to the dense passes, kept apart so that a chain of
    /// dense layers runs the plain kernels. Residual: the output of a block's last layer m is
    /// g(z^m) + a^(from), and on the way back the gradient with respect to a^(from) gets the
    /// gradient with respect to that output added (the identity path). Norm layers: z^l is the
    /// layer's output y = gain ⊙ x̂ + bias (activation linear, so δ^l = ∂C/∂y), with x̂ normalized
    /// per sample over the features (LayerNorm) or per feature over the batch (BatchNorm1d,
    /// training mode), eps = 1e-5. Gradients of the summed loss, row by row, as everywhere here.
    /// </summary>
    private sealed class Cures
    {
        private const double Epsilon = 1e-5;
        private const double Momentum = 0.1;

        private readonly double[][] activations;
        private readonly double[]?[] normalized;
        private readonly double[]?[] inverseStd;
        private readonly double[]?[] batchMean;
        private readonly double[]?[] batchVariance;
        private readonly double[]?[] outputGradients;
        private readonly double[]?[] throughLayers;
        private readonly int[] blockEndingAt;

        public Cures(NetworkModel model, int maxBatch, double[][] activations)
        {
            this.activations = activations;
            var count = model.Layers.Length;
            Outputs = new double[count][];
            normalized = new double[count][];
            inverseStd = new double[count][];
            batchMean = new double[count][];
            batchVariance = new double[count][];
            outputGradients = new double[count][];
            throughLayers = new double[count + 1][];
            Running = new (double[] Mean, double[] Variance)?[count];
            blockEndingAt = new int[count + 1];
            Array.Fill(blockEndingAt, -1);
            for (var l = 0; l < count; l++)
            {
                var shape = model.Layers[l];
                var size = maxBatch * shape.Units;
                Outputs[l] = shape.ResidualFrom is null ? activations[l] : new double[size];
                if (shape.ResidualFrom is { } from)
                {
                    outputGradients[l] = new double[size];
                    blockEndingAt[from] = l;
                    throughLayers[from] = new double[maxBatch * shape.Units];
                }

                if (shape.IsNorm)
                {
                    normalized[l] = new double[size];
                    inverseStd[l] = new double[shape.Kind == LayerKind.LayerNorm ? maxBatch : shape.Units];
                }

                if (shape.Kind == LayerKind.BatchNorm)
                {
                    batchMean[l] = new double[shape.Units];
                    batchVariance[l] = new double[shape.Units];
                    var runningVariance = new double[shape.Units];
                    Array.Fill(runningVariance, 1.0);
                    Running[l] = (new double[shape.Units], runningVariance);
                }
            }
        }

        /// <summary>What each layer passes on: its activations, or for a block's last layer g(z) plus the block's input.</summary>
        public double[][] Outputs { get; }

        public (double[] Mean, double[] Variance)?[] Running { get; }

        /// <summary>A block's last layer: output = g(z^l) + a^(from) (a^0 is the network's input).</summary>
        public void AddSkip(int l, LayerShape shape, double[] input, int batch)
        {
            if (shape.ResidualFrom is not { } from)
            {
                return;
            }

            var count = batch * shape.Units;
            var skip = from == 0 ? input : Outputs[from - 1];
            var own = activations[l];
            var output = Outputs[l];
            for (var i = 0; i < count; i++)
            {
                output[i] = own[i] + skip[i];
            }
        }

        /// <summary>
        /// Adds the identity path to <paramref name="up"/> = ∂C/∂a^l (the gradient with respect
        /// to layer position l's input): a block whose input a^l is gets its output's gradient
        /// added. Then keeps ∂C/∂(output) of layer position l − 1 when that ends a block.
        /// </summary>
        public void AddIdentityPath(int l, Span<double> up, int batch)
        {
            if (blockEndingAt[l] is var end && end >= 0)
            {
                // Kept for the editor: what came back through the block's layers, before the identity path is added.
                up.CopyTo(throughLayers[l]!);
                var skipGradient = outputGradients[end]!;
                for (var i = 0; i < up.Length; i++)
                {
                    up[i] += skipGradient[i];
                }
            }

            if (outputGradients[l - 1] is { } kept)
            {
                up.CopyTo(kept);
            }
        }

        /// <summary>
        /// The two parts of ∂C/∂a at the input of a residual block whose input is the output of layer
        /// position <paramref name="l"/> − 1 (1 ≤ l): through the block's layers, and through its
        /// identity path (the gradient with respect to the block's output). False when no block starts there.
        /// </summary>
        public bool TryGetIdentitySplit(int l, int count, out ReadOnlySpan<double> layers, out ReadOnlySpan<double> skip)
        {
            if (l < 1 || l >= blockEndingAt.Length || blockEndingAt[l] < 0)
            {
                layers = skip = default;
                return false;
            }

            layers = throughLayers[l]!.AsSpan(0, count);
            skip = outputGradients[blockEndingAt[l]]!.AsSpan(0, count);
            return true;
        }

        public void NormForward(int l, LayerShape shape, ReadOnlySpan<double> parameters, ReadOnlySpan<double> x, Span<double> y, int batch, bool evaluation)
        {
            var width = shape.Units;
            var gain = parameters.Slice(shape.WeightOffset, width);
            var bias = parameters.Slice(shape.BiasOffset, width);
            var xHat = normalized[l]!;
            var inverse = inverseStd[l]!;
            if (shape.Kind == LayerKind.LayerNorm)
            {
                for (var i = 0; i < batch; i++)
                {
                    var row = x.Slice(i * width, width);
                    var mean = 0.0;
                    foreach (var value in row)
                    {
                        mean += value;
                    }

                    mean /= width;
                    var variance = 0.0;
                    foreach (var value in row)
                    {
                        variance += (value - mean) * (value - mean);
                    }

                    variance /= width;
                    inverse[i] = 1.0 / Math.Sqrt(variance + Epsilon);
                    for (var j = 0; j < width; j++)
                    {
                        var k = i * width + j;
                        xHat[k] = (row[j] - mean) * inverse[i];
                        y[k] = xHat[k] * gain[j] + bias[j];
                    }
                }

                return;
            }

            var (runningMean, runningVariance) = Running[l]!.Value;
            for (var j = 0; j < width; j++)
            {
                double mean, variance;
                if (evaluation)
                {
                    (mean, variance) = (runningMean[j], runningVariance[j]);
                }
                else
                {
                    mean = 0.0;
                    for (var i = 0; i < batch; i++)
                    {
                        mean += x[i * width + j];
                    }

                    mean /= batch;
                    variance = 0.0;
                    for (var i = 0; i < batch; i++)
                    {
                        var d = x[i * width + j] - mean;
                        variance += d * d;
                    }

                    variance /= batch;
                    batchMean[l]![j] = mean;
                    batchVariance[l]![j] = variance;
                }

                inverse[j] = 1.0 / Math.Sqrt(variance + Epsilon);
                for (var i = 0; i < batch; i++)
                {
                    var k = i * width + j;
                    xHat[k] = (x[k] - mean) * inverse[j];
                    y[k] = xHat[k] * gain[j] + bias[j];
                }
            }
        }

        /// <summary>
        /// ∂C/∂gain = (1/B) Σ δ ⊙ x̂, ∂C/∂bias = (1/B) Σ δ; and, when <paramref name="inputGradient"/>
        /// is not empty, the gradient with respect to the layer's input:
        /// (1/σ)(d − mean(d) − x̂·mean(d ⊙ x̂)) with d = δ ⊙ gain, the means over the features of a
        /// sample (LayerNorm) or over the batch for a feature (BatchNorm1d).
        /// </summary>
        public void NormBackward(int l, LayerShape shape, ReadOnlySpan<double> parameters, ReadOnlySpan<double> delta, Span<double> gradient, int batch, Span<double> inputGradient)
        {
            var width = shape.Units;
            var gain = parameters.Slice(shape.WeightOffset, width);
            var gainGradient = gradient.Slice(shape.WeightOffset, width);
            var biasGradient = gradient.Slice(shape.BiasOffset, width);
            var xHat = normalized[l]!;
            var inverse = inverseStd[l]!;
            gainGradient.Clear();
            biasGradient.Clear();
            for (var i = 0; i < batch; i++)
            {
                for (var j = 0; j < width; j++)
                {
                    var k = i * width + j;
                    gainGradient[j] += delta[k] * xHat[k];
                    biasGradient[j] += delta[k];
                }
            }

            var scale = 1.0 / batch;
            for (var j = 0; j < width; j++)
            {
                gainGradient[j] *= scale;
                biasGradient[j] *= scale;
            }

            if (inputGradient.IsEmpty)
            {
                return;
            }

            if (shape.Kind == LayerKind.LayerNorm)
            {
                for (var i = 0; i < batch; i++)
                {
                    double meanD = 0, meanDx = 0;
                    for (var j = 0; j < width; j++)
                    {
                        var k = i * width + j;
                        var d = delta[k] * gain[j];
                        meanD += d;
                        meanDx += d * xHat[k];
                    }

                    meanD /= width;
                    meanDx /= width;
                    for (var j = 0; j < width; j++)
                    {
                        var k = i * width + j;
                        inputGradient[k] = inverse[i] * (delta[k] * gain[j] - meanD - xHat[k] * meanDx);
                    }
                }

                return;
            }

            for (var j = 0; j < width; j++)
            {
                double meanD = 0, meanDx = 0;
                for (var i = 0; i < batch; i++)
                {
                    var k = i * width + j;
                    var d = delta[k] * gain[j];
                    meanD += d;
                    meanDx += d * xHat[k];
                }

                meanD /= batch;
                meanDx /= batch;
                for (var i = 0; i < batch; i++)
                {
                    var k = i * width + j;
                    inputGradient[k] = inverse[j] * (delta[k] * gain[j] - meanD - xHat[k] * meanDx);
                }
            }
        }

        /// <summary>running ← (1 − 0.1)·running + 0.1·batch statistic, the variance unbiased (B/(B − 1)), as torch.</summary>
        public void CommitRunningStatistics(int batch)
        {
            for (var l = 0; l < Running.Length; l++)
            {
                if (Running[l] is not var (mean, variance))
                {
                    continue;
                }

                var correction = batch > 1 ? (double)batch / (batch - 1) : 1.0;
                for (var j = 0; j < mean.Length; j++)
                {
                    mean[j] = (1 - Momentum) * mean[j] + Momentum * batchMean[l]![j];
                    variance[j] = (1 - Momentum) * variance[j] + Momentum * batchVariance[l]![j] * correction;
                }
            }
        }

    }
}
