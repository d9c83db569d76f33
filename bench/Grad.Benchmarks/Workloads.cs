using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Optimizers;
using Grad.Runtime.Training;

namespace Grad.Benchmarks;

/// <summary>
/// The two workloads that bench/compare.sh also runs in PyTorch (bench/torch_bench.py), with
/// the same shapes, float64 and one thread:
/// <list type="bullet">
/// <item>chain: forward and backward of a 50-layer chain of one sigmoid neuron each, one sample, mse.</item>
/// <item>mlp: one SGD training step (forward, backward, update) of a 784-512-512-10 ReLU network with a
/// linear output and cross-entropy, batch 128.</item>
/// </list>
/// </summary>
public sealed class ChainWorkload
{
    public const int Layers = 50;
    private readonly Backprop backprop;
    private readonly double[] parameters;
    private readonly double[] gradient;
    private readonly double[] x = [0.5];
    private readonly double[] y = [1.0];

    public ChainWorkload()
    {
        var model = NetworkModel.Create("chain", 1, Enumerable.Range(0, Layers).Select(_ => (1, new Activation(ActivationKind.Sigmoid), (string?)null)), LossKind.Mse);
        var rng = new Rng(1);
        parameters = [.. Enumerable.Range(0, model.ParameterCount).Select(_ => rng.NextGaussian())];
        gradient = new double[model.ParameterCount];
        backprop = new Backprop(model, 1);
    }

    public double Run() => backprop.Run(parameters, x, y, 1, gradient);

    public double Forward() => backprop.Forward(parameters, x, y, 1);
}

public sealed class MlpWorkload
{
    public const int Batch = 128;
    private readonly Backprop backprop;
    private readonly double[] parameters;
    private readonly double[] gradient;
    private readonly double[] x;
    private readonly double[] y;
    private readonly Optimizer optimizer;
    private readonly NetworkModel model;
    private readonly OptimizerSpec spec = new(OptimizerKind.Sgd, 0.01);
    private readonly HealthRecorder health;
    private TrainTrace trace;
    private int step;

    public MlpWorkload(int threads = 1)
    {
        var relu = new Activation(ActivationKind.Relu);
        var model = NetworkModel.Create("mlp", 784, [(512, relu, null), (512, relu, null), (10, new Activation(ActivationKind.Linear), null)], LossKind.CrossEntropy);
        var rng = new Rng(2);
        parameters = new double[model.ParameterCount];
        for (var l = 0; l < model.Layers.Length; l++)
        {
            NetworkModel.Initialize(new InitSpec(InitKind.HeNormal), model.Layers[l].InputUnits, model.Layers[l].Units, rng, model.Weights(parameters, l));
        }

        gradient = new double[model.ParameterCount];
        x = [.. Enumerable.Range(0, Batch * 784).Select(_ => rng.NextDouble())];
        y = new double[Batch * 10];
        for (var i = 0; i < Batch; i++)
        {
            y[i * 10 + rng.NextInt(10)] = 1;
        }

        backprop = new Backprop(model, Batch, threads);
        optimizer = Optimizer.Create(spec, model.ParameterCount);
        optimizer.Parts = backprop.UpdateParts(threads);
        this.model = model;
        // A run long enough that no histogram or sharpness milestone falls among the measured steps.
        health = new HealthRecorder(model, spec, 1_000_000_000, Batch, CancellationToken.None);
        trace = new TrainTrace(model.Layers.Length);
    }

    /// <summary>Forward and backward only (no update), to see what the optimizer costs.</summary>
    public double ForwardBackward() => backprop.Run(parameters, x, y, Batch, gradient);

    /// <summary>The optimizer update only.</summary>
    public double Update()
    {
        optimizer.Step(parameters, gradient);
        return parameters[0];
    }

    /// <summary>A training step as the runner takes it: the update on the workload's threads too.</summary>
    public double Step()
    {
        var loss = backprop.Run(parameters, x, y, Batch, gradient);
        optimizer.Step(parameters, gradient, backprop.Threads);
        return loss;
    }

    /// <summary>
    /// A step whose point is recorded, as the runner takes every step of a run of at most 10,000 (W3 in
    /// bench/compare.sh): the update measured for the update ratios (finishing the last point's numbers on the
    /// same hand-over), forward and backward, then the point's norms and health.
    /// </summary>
    public double RecordedStep()
    {
        step++;
        health.Step(optimizer, parameters, gradient, backprop.Threads, measure: true, previous: null);
        var loss = backprop.Run(parameters, x, y, Batch, gradient);
        if (trace.Count >= 1000)
        {
            trace = new TrainTrace(model.Layers.Length);
        }

        health.Measure(trace.Append(step, loss, null), step, final: false, backprop, parameters, gradient, optimizer.LearningRate, x, y, Batch);
        return loss;
    }
}

/// <summary>W4 of bench/compare.sh: a deep, narrow sigmoid net 32 → 20 × 64 → 1 (linear), mse, batch 64; one SGD step.</summary>
public sealed class NarrowWorkload
{
    public const int Batch = 64;
    private readonly Backprop backprop;
    private readonly double[] parameters;
    private readonly double[] gradient;
    private readonly double[] x;
    private readonly double[] y;
    private readonly Optimizer optimizer;

    public NarrowWorkload()
    {
        var sigmoid = new Activation(ActivationKind.Sigmoid);
        var layers = Enumerable.Range(0, 20).Select(_ => (64, sigmoid, (string?)null)).Append((1, new Activation(ActivationKind.Linear), null));
        var model = NetworkModel.Create("narrow", 32, layers, LossKind.Mse);
        var rng = new Rng(3);
        parameters = new double[model.ParameterCount];
        for (var l = 0; l < model.Layers.Length; l++)
        {
            NetworkModel.Initialize(new InitSpec(InitKind.XavierUniform), model.Layers[l].InputUnits, model.Layers[l].Units, rng, model.Weights(parameters, l));
        }

        gradient = new double[model.ParameterCount];
        x = [.. Enumerable.Range(0, Batch * 32).Select(_ => rng.NextDouble())];
        y = [.. Enumerable.Range(0, Batch).Select(_ => rng.NextDouble())];
        backprop = new Backprop(model, Batch);
        optimizer = Optimizer.Create(new OptimizerSpec(OptimizerKind.Sgd, 0.1), model.ParameterCount);
    }

    public double Step()
    {
        var loss = backprop.Run(parameters, x, y, Batch, gradient);
        optimizer.Step(parameters, gradient);
        return loss;
    }

    public double Forward() => backprop.Forward(parameters, x, y, Batch);
}
