using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Optimizers;
using Grad.Runtime.Runs;
using Grad.Runtime.Training;

namespace Grad.Runtime.Tests;

/// <summary>
/// A recorded step's update, made in chunks that measure each layer's change as they go
/// (<see cref="MeasuredUpdate"/>), gives the plain step's parameters and ratios with the bits of their
/// definition (one chain from the first weight to the last); a run's recorded points are the same bits
/// on 1, 2 and 3 threads; and the units counted row by row are the units the definition counts.
/// </summary>
public sealed class RecordedPointTests
{
    // The definitions, one sum at a time, each element in index order.
    private static double ChangeSquares(double[] after, double[] before)
    {
        var sum = 0.0;
        for (var i = 0; i < after.Length; i++)
        {
            var difference = after[i] - before[i];
            sum += difference * difference;
        }

        return sum;
    }

    private static double Squares(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value * value;
        }

        return sum;
    }

    public static TheoryData<OptimizerSpec, int[]> Steps() => new()
    {
        // W3's shape scaled down: layers longer than a chunk, and ending inside one.
        { new OptimizerSpec(OptimizerKind.Sgd, 0.01), [300, 260, 7] },
        { new OptimizerSpec(OptimizerKind.Sgd, 0.01, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3), [130, 1, 3] },
        { new OptimizerSpec(OptimizerKind.Adam, 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8), [64, 64, 64, 2] },
        // W4's shape, shorter: pairs of layers side by side (MeasuredUpdate.UpdatePair), the first of other lengths, the last alone.
        { new OptimizerSpec(OptimizerKind.Sgd, 0.1), [32, 64, 64, 64, 64, 64, 1] },
        // A layer whose last chunk holds one of its weights (layer 1's end at 1,025, chunks of 512 from 0): it goes on from the sums the chunk before left.
        { new OptimizerSpec(OptimizerKind.Sgd, 0.01), [5, 84, 3] },
        // A deep chain: many layers in one chunk.
        { new OptimizerSpec(OptimizerKind.Rmsprop, 0.01, Momentum: 0.5, Eps: 1e-8, Centered: true), [.. Enumerable.Repeat(1, 50)] },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void AMeasuredStepGivesTheStepsBitsAndEachRatioItsDefinitionsBits(OptimizerSpec spec, int[] widths)
    {
        var model = NetworkModel.Create("net", 120, widths.Select(units => (units, new Activation(ActivationKind.Tanh), (string?)null)), LossKind.Mse);
        var rng = new Rng(widths.Sum());
        // Values of many magnitudes, so a sum in another order would differ in its last bits.
        double Value() => rng.NextGaussian() * Math.Pow(10, rng.NextDouble() * 6 - 3);
        var start = Enumerable.Range(0, model.ParameterCount).Select(_ => Value()).ToArray();
        var gradients = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, model.ParameterCount).Select(_ => Value()).ToArray()).ToArray();

        var plain = Optimizer.Create(spec, model.ParameterCount);
        var expected = start.ToArray();
        var before = new double[3][];
        for (var k = 0; k < 3; k++)
        {
            before[k] = expected.ToArray();
            plain.Step(expected, gradients[k]);
        }

        foreach (var threads in new[] { 1, 2, 3 })
        {
            var optimizer = Optimizer.Create(spec, model.ParameterCount);
            var updates = new MeasuredUpdate(model);
            var parameters = start.ToArray();
            var previous = new double[model.ParameterCount];
            for (var k = 0; k < 3; k++)
            {
                // The middle step unmeasured: the optimizer's state and the step count go on the same.
                Assert.True(updates.Step(optimizer, parameters, gradients[k], threads, measure: k != 1, previous: k == 2 ? previous : null));
                Assert.Equal(k != 1, updates.Measured);
            }

            Assert.Equal(before[2], previous);

            Assert.Equal(3, optimizer.StepCount);
            Assert.Equal(expected, parameters);
            for (var l = 0; l < widths.Length; l++)
            {
                var shape = model.Layers[l];
                var (after, weights) = (expected.AsSpan(shape.WeightOffset, shape.WeightCount).ToArray(), before[2].AsSpan(shape.WeightOffset, shape.WeightCount).ToArray());
                var change = ChangeSquares(after, weights);
                Assert.Equal(change == 0 ? 0 : Math.Sqrt(change) / Math.Sqrt(Squares(weights)), updates.Ratio(l));
            }
        }
    }

    [Fact]
    public void AMeasuredStepSaysWhenAParameterIsNoLongerFinite()
    {
        var model = NetworkModel.Create("net", 300, [(260, new Activation(ActivationKind.Tanh), null), (7, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        foreach (var at in new[] { 5, model.Layers[0].BiasOffset + 3, model.ParameterCount - 1 })
        {
            foreach (var (threads, measure) in new[] { (1, true), (2, true), (3, true), (2, false) })
            {
                var gradient = new double[model.ParameterCount];
                gradient[at] = double.PositiveInfinity;
                var updates = new MeasuredUpdate(model);
                Assert.True(updates.Step(Optimizer.Create(new OptimizerSpec(OptimizerKind.Sgd, 0.1), model.ParameterCount), new double[model.ParameterCount], new double[model.ParameterCount], threads, measure));
                Assert.False(updates.Step(Optimizer.Create(new OptimizerSpec(OptimizerKind.Sgd, 0.1), model.ParameterCount), new double[model.ParameterCount], gradient, threads, measure));
            }
        }
    }

    private const string Source = """
        network n {
          input 2
          dense 160 relu
          norm layer
          dense 120 tanh
          dense 3 linear
          loss cross_entropy
          seed 4
        }
        data s = spirals(n = 200, noise = 0.1, classes = 3, seed = 3)
        run r {
          train n on s
          optimizer sgd(lr = 0.05, momentum = 0.9)
          steps STEPS
          batch 50
          record every 2
        }
        """;

    private static TrainResult Train(int steps, int threads)
    {
        var compilation = Compilation.Create(Source.Replace("STEPS", steps.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        return Assert.IsType<TrainResult>(Runner.Execute(Assert.Single(compilation.Program.Runs), new RunOptions { Threads = threads }));
    }

    private static long[] Bits(TrainTracePoint point) =>
    [
        .. new[] { point.Loss }.Concat(point.DeltaNorms).Concat(point.WeightGradNorms).Concat(point.Health!.DeadFractions)
            .Concat(point.Health.SaturatedFractions).Concat(point.Health.UpdateRatios ?? []).Select(BitConverter.DoubleToInt64Bits),
    ];

    [Fact]
    public void ARunsRecordedPointsAreTheSameBitsOnOneTwoAndThreeThreads()
    {
        // 20k weights and 50 samples of 443 units: enough work for the point's items to be dealt to threads.
        var one = Train(7, threads: 1);
        Assert.Equal([0, 2, 4, 6, 7], Enumerable.Range(0, one.Trace.Count).Select(one.Trace.Step));
        foreach (var threads in new[] { 2, 3 })
        {
            var many = Train(7, threads);
            Assert.Equal(one.Trace.Count, many.Trace.Count);
            for (var i = 0; i < one.Trace.Count; i++)
            {
                Assert.Equal(Bits(one.Trace[i]), Bits(many.Trace[i]));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void UpdateRatiosHaveTheDefinitionsBitsWhetherOrNotTheStepBeforeWasRecorded(int threads)
    {
        // Step 6 follows an unrecorded step (the runner copies θ_5), step 7 a recorded one (the point at 6 left θ_6).
        var result = Train(7, threads);
        foreach (var step in new[] { 6, 7 })
        {
            var before = Train(step - 1, threads).FinalNetwork.Layers;
            var after = Train(step, threads).FinalNetwork.Layers;
            var point = result.Trace[Enumerable.Range(0, result.Trace.Count).Single(i => result.Trace.Step(i) == step)];
            for (var l = 0; l < before.Length; l++)
            {
                var (w0, w1) = (before[l].Weights.ToArray(), after[l].Weights.ToArray());
                var change = ChangeSquares(w1, w0);
                Assert.Equal(change == 0 ? 0 : Math.Sqrt(change) / Math.Sqrt(Squares(w0)), point.Health!.UpdateRatios![l]);
            }
        }
    }
    [Theory]
    [InlineData(ActivationKind.Relu, 300, 40, false)]
    [InlineData(ActivationKind.Sigmoid, 200, 30, false)]
    [InlineData(ActivationKind.Tanh, 5000, 3, false)]
    [InlineData(ActivationKind.Relu, 5000, 2, false)]
    // Relu's units four at a time: widths that leave one to three units after the last four, and a
    // NaN weight above the layer, so live units' δ are NaN (not 0: not dead) and dead units' stay 0.
    [InlineData(ActivationKind.Relu, 301, 7, false)]
    [InlineData(ActivationKind.Relu, 10, 6, false)]
    [InlineData(ActivationKind.Relu, 515, 9, true)]
    [InlineData(ActivationKind.Relu, 7, 1, true)]
    public void UnitsCountedRowByRowAreTheUnitsWhoseEverySampleIsDeadOrFlat(ActivationKind hidden, int units, int batch, bool nanAbove)
    {
        // Every third unit has weights far below zero (relu: dead) or far from it (sigmoid, tanh: flat), the others are ordinary.
        var model = NetworkModel.Create("net", 4, [(units, new Activation(hidden), null), (2, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        var rng = new Rng(units + batch);
        var parameters = new double[model.ParameterCount];
        for (var j = 0; j < units; j++)
        {
            for (var k = 0; k < 4; k++)
            {
                parameters[j * 4 + k] = j % 3 == 0 ? (hidden == ActivationKind.Relu ? -30 : 30) : rng.NextGaussian();
            }
        }

        for (var i = model.Layers[1].WeightOffset; i < model.ParameterCount; i++)
        {
            parameters[i] = rng.NextGaussian();
        }

        if (nanAbove)
        {
            parameters[model.Layers[1].WeightOffset + 1] = double.NaN;
        }

        var x = Enumerable.Range(0, batch * 4).Select(_ => 1 + rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, batch * 2).Select(_ => rng.NextGaussian()).ToArray();
        var backprop = new Backprop(model, batch);
        backprop.Run(parameters, x, y, batch, new double[model.ParameterCount]);

        // The definition, a unit at a time down its column.
        var (delta, z, a) = (backprop.Delta(0).ToArray(), backprop.PreActivation(0).ToArray(), backprop.Activation(0).ToArray());
        var expected = Enumerable.Range(0, units).Count(j => Enumerable.Range(0, batch).All(i => hidden == ActivationKind.Relu
            ? delta[i * units + j] == 0
            : Math.Abs(Activations.Derivative(new Activation(hidden), z[i * units + j], a[i * units + j])) < NetworkAnalyzer.SaturationThreshold));
        Assert.InRange(expected, units / 3, units - 1);
        Assert.Equal(hidden == ActivationKind.Relu ? (expected, 0) : (0, expected), NetworkAnalyzer.CountUnits(backprop, model.Layers[0], 0));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(4, 512)]
    [InlineData(7, 5)]
    [InlineData(13, 130)]
    [InlineData(21, 9)] // eight and eight side by side, then five one at a time
    [InlineData(64, 64)] // W4's layers
    public void ADeltaNormIsTheMeanOfEachSamplesNormSummedInItsDefinitionsOrder(int batch, int units)
    {
        var model = NetworkModel.Create("net", 3, [(units, new Activation(ActivationKind.Tanh), null), (2, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        var rng = new Rng(batch * units);
        // Weights of many magnitudes, so sums in another order would differ in their last bits.
        var parameters = Enumerable.Range(0, model.ParameterCount).Select(_ => rng.NextGaussian() * Math.Pow(10, rng.NextDouble() * 4 - 2)).ToArray();
        var x = Enumerable.Range(0, batch * 3).Select(_ => rng.NextGaussian()).ToArray();
        var y = Enumerable.Range(0, batch * 2).Select(_ => rng.NextGaussian()).ToArray();
        var backprop = new Backprop(model, batch);
        backprop.Run(parameters, x, y, batch, new double[model.ParameterCount]);

        for (var l = 0; l < 2; l++)
        {
            // The definition: each sample's ‖δ‖₂ (one chain along its row), added in sample order.
            var delta = backprop.Delta(l).ToArray();
            var width = model.Layers[l].Units;
            var total = 0.0;
            for (var i = 0; i < batch; i++)
            {
                total += Math.Sqrt(Squares(delta.AsSpan(i * width, width)));
            }

            Assert.Equal(BitConverter.DoubleToInt64Bits(total / batch), BitConverter.DoubleToInt64Bits(backprop.DeltaNorm(l)));
        }
    }

    public static TheoryData<string> Networks() => new()
    {
        // Layers longer than a chunk and ending inside one, a norm layer (its gradient norm takes its gains and biases) between them.
        "input 3\n dense 300 relu\n norm layer\n dense 217 tanh\n norm batch\n dense 5 linear",
        // Enough parameters for the update to be dealt out a layer an item.
        "input 2\n dense 260 relu\n dense 251 tanh\n norm layer\n dense 3 linear",
        // A deep chain: many layers in one chunk.
        "input 1\n " + string.Join("\n ", Enumerable.Repeat("dense 1 sigmoid", 40)),
        // Layers updated two side by side (MeasuredUpdate.UpdatePair), a norm layer in a pair, of other lengths, then one alone.
        "input 3\n dense 600 relu\n norm layer\n dense 530 tanh\n dense 2 linear\n dense 1 linear",
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void AStepThatAddsTheGradientsSquaresGivesEachLayersGradientNormItsDefinitionsBits(string layers)
    {
        var compilation = Compilation.Create($"network n {{\n {layers}\n loss mse\n seed 2\n}}\n");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        var model = NetworkModel.FromBound(Assert.Single(compilation.Program.Networks));
        var rng = new Rng(model.ParameterCount);
        double Value() => rng.NextGaussian() * Math.Pow(10, rng.NextDouble() * 6 - 3);
        var start = Enumerable.Range(0, model.ParameterCount).Select(_ => Value()).ToArray();
        var gradient = Enumerable.Range(0, model.ParameterCount).Select(_ => Value()).ToArray();
        var spec = new OptimizerSpec(OptimizerKind.Adam, 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8);
        var expected = start.ToArray();
        Optimizer.Create(spec, model.ParameterCount).Step(expected, gradient);

        foreach (var threads in new[] { 1, 2, 3 })
        {
            var optimizer = Optimizer.Create(spec, model.ParameterCount);
            var updates = new MeasuredUpdate(model);
            var parameters = start.ToArray();
            var items = updates.Begin(optimizer, parameters, gradient, threads, gradientNorms: true);
            Assert.Equal(threads == 1 || model.ParameterCount < Optimizer.ParallelCount ? 1 : model.Layers.Length, items);
            // The items in any order, as a hand-over deals them.
            ThreadTeam.ForEach(items, threads, item => 1 + (item * 7919 % items), updates.Update);
            Assert.True(updates.End());

            Assert.Equal(expected, parameters);
            for (var l = 0; l < model.Layers.Length; l++)
            {
                var shape = model.Layers[l];
                Assert.Equal(BitConverter.DoubleToInt64Bits(Backprop.WeightGradNorm(model, gradient, l)), BitConverter.DoubleToInt64Bits(updates.GradientNorm(l)));
                var (after, weights) = (expected.AsSpan(shape.WeightOffset, shape.WeightCount).ToArray(), start.AsSpan(shape.WeightOffset, shape.WeightCount).ToArray());
                var change = ChangeSquares(after, weights);
                Assert.Equal(change == 0 ? 0 : Math.Sqrt(change) / Math.Sqrt(Squares(weights)), updates.Ratio(l));
            }
        }
    }

    private const string EveryStep = """
        network n {
          input 2
          dense 260 relu
          norm layer
          dense 251 tanh
          dense 3 linear
          loss cross_entropy
          seed 4
        }
        data s = spirals(n = 200, noise = 0.1, classes = 3, seed = 3)
        run r {
          train n on s
          optimizer sgd(lr = 0.05, momentum = 0.9)
          steps 5
          batch 50
          record every 1
        CLIP}
        """;

    // A clip that changes nothing (every |g| is below 10³⁰⁰) keeps the gradient's bits but makes each point be measured at once.
    private static TrainResult TrainEveryStep(int threads, RunOptions? options = null, bool measuredAtOnce = false)
    {
        var compilation = Compilation.Create(EveryStep.Replace("CLIP", measuredAtOnce ? "  clip value 1e300\n" : ""));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        return Assert.IsType<TrainResult>(Runner.Execute(Assert.Single(compilation.Program.Runs), (options ?? new RunOptions()) with { Threads = threads }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void APointFinishedWithinTheNextStepHasTheBitsOfAPointMeasuredAtOnce(int threads)
    {
        // Every step recorded: points 0 … 4 are finished within the step after them (their gradient
        // norms in the update's loop, their units and δ norms dealt out with its layers). A run that
        // clips its gradients has each point measured at once, the old way.
        var run = TrainEveryStep(threads);
        var atOnce = TrainEveryStep(threads, measuredAtOnce: true);
        Assert.Equal(6, run.Trace.Count);
        Assert.Equal(6, atOnce.Trace.Count);
        for (var k = 0; k < 6; k++)
        {
            Assert.Equal(Bits(atOnce.Trace[k]), Bits(run.Trace[k]));
        }
    }

    [Theory]
    [InlineData(ActivationKind.Sigmoid, ActivationKind.Linear, false)]
    [InlineData(ActivationKind.Tanh, ActivationKind.Sigmoid, false)]
    [InlineData(ActivationKind.Relu, ActivationKind.Linear, false)]
    [InlineData(ActivationKind.LeakyRelu, ActivationKind.Tanh, false)]
    [InlineData(ActivationKind.Gelu, ActivationKind.Linear, false)]
    [InlineData(ActivationKind.Sigmoid, ActivationKind.Linear, true)]
    [InlineData(ActivationKind.Relu, ActivationKind.Linear, true)]
    public void AChainOfOneUnitLayersIsMeasuredInOneLoopWithTheLayerByLayerMeasuresBits(ActivationKind hidden, ActivationKind last, bool nanAbove)
    {
        // 30 one-unit layers on one sample (W2's shape), some of them far from zero (relu and leaky relu with
        // slope 0: dead, δ exactly 0 below them; sigmoid and tanh: flat), or a NaN output weight (the δs NaN, and after the step every parameter).
        var activation = new Activation(hidden);
        var layers = Enumerable.Repeat((1, activation, (string?)null), 29).Append((1, new Activation(last), null));
        var model = NetworkModel.Create("chain", 1, layers, LossKind.Mse);
        var rng = new Rng((int)hidden * 10 + (int)last);
        var start = Enumerable.Range(0, model.ParameterCount).Select(_ => rng.NextGaussian()).ToArray();
        start[model.Layers[7].WeightOffset] = hidden is ActivationKind.Relu or ActivationKind.LeakyRelu ? -30 : 30;
        start[model.Layers[7].BiasOffset] = hidden is ActivationKind.Relu or ActivationKind.LeakyRelu ? -30 : 30;
        if (nanAbove)
        {
            start[model.Layers[^1].WeightOffset] = double.NaN;
        }

        var spec = new OptimizerSpec(OptimizerKind.Sgd, 0.1);
        long[] Measured(bool oneUnitPath)
        {
            var (parameters, gradient, x, y) = (start.ToArray(), new double[model.ParameterCount], new[] { 0.5 }, new[] { 1.0 });
            var backprop = new Backprop(model, 1);
            var optimizer = Optimizer.Create(spec, model.ParameterCount);
            var recorder = new HealthRecorder(model, spec, totalSteps: 1000, batchRows: 1, CancellationToken.None) { UseOneUnitPath = oneUnitPath };
            // Step 0's point first (it takes the histograms: measured layer by layer), then a measured step, so that step 1's point has update ratios.
            var loss0 = backprop.Run(parameters, x, y, 1, gradient);
            recorder.Measure(new TrainTrace(model.Layers.Length).Append(0, loss0, null), 0, false, backprop, parameters, gradient, 0.1, x, y, 1);
            Assert.True(recorder.Step(optimizer, parameters, gradient, 1, measure: true, previous: null) || nanAbove);
            var loss = backprop.Run(parameters, x, y, 1, gradient);
            var trace = new TrainTrace(model.Layers.Length);
            recorder.Measure(trace.Append(1, loss, null), 1, false, backprop, parameters, gradient, 0.1, x, y, 1);
            Assert.Equal(oneUnitPath, recorder.TookOneUnitPath);
            var point = trace[0];
            Assert.NotNull(point.Health!.UpdateRatios);
            if (oneUnitPath)
            {
                // Not a vacuous comparison: the chain has flat or dead layers, and layers that are neither.
                var health = point.Health;
                var deadOrFlat = hidden is ActivationKind.Relu or ActivationKind.LeakyRelu ? health.DeadFractions : health.SaturatedFractions;
                if (!nanAbove && hidden != ActivationKind.Gelu)
                {
                    Assert.Contains(1.0, deadOrFlat);
                }

                Assert.Contains(0.0, health.DeadFractions.Concat(health.SaturatedFractions));
                Assert.Equal(nanAbove, point.DeltaNorms.Any(double.IsNaN));
            }

            return Bits(point);
        }

        Assert.Equal(Measured(oneUnitPath: false), Measured(oneUnitPath: true));
    }

    [Fact]
    public void APointLeftWaitingWhenTheRunStopsIsFinishedOnItsOwn()
    {
        // A time budget of zero stops the run at its first look, right after point 0 (which waits for a next step that never comes).
        var stopped = TrainEveryStep(2, new RunOptions { TimeBudget = TimeSpan.Zero });
        Assert.Equal(StopReason.Budget, stopped.StopReason);
        Assert.Equal(Bits(TrainEveryStep(2, measuredAtOnce: true).Trace[0]), Bits(Assert.Single(stopped.Trace)));
    }
}
