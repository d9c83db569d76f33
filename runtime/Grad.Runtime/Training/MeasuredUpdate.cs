using System.Runtime.CompilerServices;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Optimizers;

namespace Grad.Runtime.Training;

/// <summary>
/// An optimizer step that measures, as it goes, what each layer's update ratio needs:
/// Σ(W_k − W_(k−1))² and ΣW_(k−1)² over the layer's weights, each one chain of additions in
/// index order (the ratio's definition: its bits).
/// </summary>
/// <remarks>
/// The step runs in chunks of <see cref="Chunk"/> elements: a chunk of θ_(k−1) is kept on the stack
/// (in L1), the optimizer updates the chunk, and the chunk's terms go onto its layers' chains while
/// both are still in L1. So a ratio needs no copy of the parameters before the step and no pass over
/// two 5.3 MB arrays (W3) after it: only the chains' additions, about 2 cycles an element. Every rule
/// is element-wise, so updating the vector by chunks gives <see cref="Optimizer.Step"/>'s bits. On
/// several threads the layers are dealt out whole (<see cref="ThreadTeam.ForEach"/>): each chain is
/// added by one thread in its one order.
/// </remarks>
internal sealed class MeasuredUpdate
{
    /// <summary>Elements of θ_(k−1) kept while a chunk is updated (4 KB).</summary>
    private const int Chunk = 512;

    private readonly NetworkModel model;
    private readonly double[] changes;
    private readonly double[] sizes;
    private readonly Func<int, long> layerCost;
    private readonly Action<int> updateLayer;
    private (Optimizer Optimizer, double[] Parameters, double[] Gradient, double[]? Previous, int Step) current;

    // Cleared by any layer whose update leaves a parameter that is not finite (which thread finds it first does not matter).
    private bool allFinite;

    public MeasuredUpdate(NetworkModel model)
    {
        this.model = model;
        changes = new double[model.Layers.Length];
        sizes = new double[model.Layers.Length];
        layerCost = l => (long)LayerEnd(l) - model.Layers[l].WeightOffset;
        updateLayer = l => UpdateLayers(l, l);
    }

    /// <summary>Whether the last <see cref="Step"/> measured the layers (its ratios are <see cref="Ratio"/>).</summary>
    public bool Measured { get; private set; }

    /// <summary>
    /// The optimizer's step k on <paramref name="threads"/> threads; with <paramref name="measure"/>,
    /// by layers and chunks, keeping each layer's sums for <see cref="Ratio"/>. True when every
    /// parameter is finite afterwards (<see cref="Optimizer.Step"/>'s check); <paramref name="previous"/>, when given, receives θ_(k−1).
    /// </summary>
    public bool Step(Optimizer optimizer, double[] parameters, double[] gradient, int threads, bool measure, double[]? previous = null)
    {
        Measured = measure;
        if (!measure)
        {
            return optimizer.Step(parameters, gradient, threads, previous);
        }

        if (parameters.Length != model.ParameterCount || gradient.Length != model.ParameterCount || (previous is not null && previous.Length != model.ParameterCount))
        {
            throw new ArgumentException($"expected {model.ParameterCount} parameters and gradient components");
        }

        current = (optimizer, parameters, gradient, previous, optimizer.BeginStep());
        allFinite = true;
        Array.Clear(changes);
        Array.Clear(sizes);
        if (threads <= 1 || model.ParameterCount < Optimizer.ParallelCount)
        {
            // One walk over the vector, as the optimizer takes a vector this short on one thread: a deep
            // chain's tiny layers share chunks (one update call for W2's 100 parameters, not one a layer).
            UpdateLayers(0, model.Layers.Length - 1);
        }
        else
        {
            ThreadTeam.ForEach(model.Layers.Length, threads, layerCost, updateLayer);
        }

        current = default;
        return allFinite;
    }

    /// <summary>‖W_k − W_(k−1)‖_F / ‖W_(k−1)‖_F of layer <paramref name="layer"/> from the last measured step: the update relative to the weights it changed (∞ from zero weights, 0 when nothing moved).</summary>
    public double Ratio(int layer) => changes[layer] == 0 ? 0 : Math.Sqrt(changes[layer]) / Math.Sqrt(sizes[layer]);

    private int LayerEnd(int layer) => model.Layers[layer].BiasOffset + model.Layers[layer].Units;

    /// <summary>Updates layers <paramref name="first"/> … <paramref name="last"/> (their weights and biases, contiguous) chunk by chunk, adding each chunk's terms to its layers' chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private void UpdateLayers(int first, int last)
    {
        if (first > last)
        {
            return;
        }

        var (optimizer, parameters, gradient, previous, step) = current;
        var finite = true;
        Span<double> before = stackalloc double[Chunk];
        var end = LayerEnd(last);
        var layer = first;
        for (var start = model.Layers[first].WeightOffset; start < end; start += Chunk)
        {
            var length = Math.Min(Chunk, end - start);
            var chunk = parameters.AsSpan(start, length);
            chunk.CopyTo(before);
            finite &= optimizer.UpdateRange(parameters, gradient, previous, step, start, start + length);

            // The chunk's part of each layer's weights, in index order: a chain goes on where the last chunk left it.
            for (; layer <= last; layer++)
            {
                var shape = model.Layers[layer];
                var from = Math.Max(shape.WeightOffset, start);
                var to = Math.Min(shape.WeightOffset + shape.WeightCount, start + length);
                if (from < to)
                {
                    (changes[layer], sizes[layer]) = AddTerms(chunk[(from - start)..(to - start)], before[(from - start)..(to - start)], changes[layer], sizes[layer]);
                }

                if (LayerEnd(layer) > start + length)
                {
                    break;
                }
            }
        }

        if (!finite)
        {
            allFinite = false;
        }
    }

    /// <summary>The chains Σ(after − before)² and Σbefore² carried on over one stretch, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Change, double Size) AddTerms(ReadOnlySpan<double> after, ReadOnlySpan<double> before, double change, double size)
    {
        before = before[..after.Length];
        for (var i = 0; i < after.Length; i++)
        {
            var previous = before[i];
            var difference = after[i] - previous;
            change += difference * difference;
            size += previous * previous;
        }

        return (change, size);
    }
}
