using System.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Optimizers;
using static Grad.Runtime.Tests.BitPatterns;

namespace Grad.Runtime.Tests;

/// <summary>Large layers computed in parts on several threads give the one-thread path's bits, whatever the count.</summary>
public class BackpropThreadsTests
{
    public static TheoryData<int, int[], int, ActivationKind, ActivationKind, LossKind> Shapes() => new()
    {
        // Bands along the units (columns of Z), products above Gemm.ParallelWork in both passes.
        { 200, [300, 260, 7], 40, ActivationKind.Relu, ActivationKind.Linear, LossKind.CrossEntropy },
        { 150, [270, 140, 3], 33, ActivationKind.Sigmoid, ActivationKind.Sigmoid, LossKind.Mse },
        { 120, [260, 130, 2], 35, ActivationKind.Gelu, ActivationKind.Tanh, LossKind.Mse },
        { 130, [200, 150, 1], 41, ActivationKind.Elu, ActivationKind.Sigmoid, LossKind.Bce },
        { 110, [210, 170, 4], 37, ActivationKind.LeakyRelu, ActivationKind.Softmax, LossKind.CrossEntropy },
        { 100, [220, 400], 30, ActivationKind.Softplus, ActivationKind.Softmax, LossKind.CrossEntropy },

        // Bands along the batch (rows of Z): more samples than units.
        { 40, [64, 64, 5], 500, ActivationKind.Tanh, ActivationKind.Linear, LossKind.Mse },

        // A hidden softmax: its layer and the one above take the one-thread path, the rest still in parts.
        { 100, [300, 120, 240, 2], 36, ActivationKind.Softmax, ActivationKind.Linear, LossKind.Mse },

        // An output layer too small for bands, whose forward runs in two halves of the batch and whose two
        // backward products run side by side (W3's shape, smaller).
        { 100, [300, 400, 10], 128, ActivationKind.Relu, ActivationKind.Linear, LossKind.CrossEntropy },
        { 90, [260, 300, 9], 100, ActivationKind.Sigmoid, ActivationKind.Softmax, LossKind.CrossEntropy },
        { 60, [300, 130, 250, 9], 120, ActivationKind.Softmax, ActivationKind.Linear, LossKind.Mse },

        // An input of more than 2^16 numbers, copied in two halves.
        { 600, [260, 9], 120, ActivationKind.Relu, ActivationKind.Linear, LossKind.CrossEntropy },
    };

    /// <summary>The shapes above reach the forward step by halves of the batch and the side-by-side backward step, not only the bands.</summary>
    [Fact]
    public void Some_shapes_share_a_layer_too_small_for_bands_between_two_threads()
    {
        var sideBySide = Shapes().Count(row =>
        {
            var (widths, batch) = ((int[])row[1], (int)row[2]);
            return Enumerable.Range(1, widths.Length - 1).Any(l =>
                (long)batch * widths[l] * widths[l - 1] >= Backprop.SideBySideWork
                && Gemm.Parts(widths[l], widths[l - 1], batch, 2) == 1 && Gemm.Parts(batch, widths[l - 1], widths[l], 2) == 1);
        });
        Assert.True(sideBySide >= 3, $"{sideBySide} shapes");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PartsGiveTheOneThreadBits(int inputs, int[] widths, int batch, ActivationKind hidden, ActivationKind output, LossKind loss)
    {
        var layers = widths.Select((units, l) => (units, new Activation(l == widths.Length - 1 ? output : hidden == ActivationKind.Softmax && l != 0 ? ActivationKind.Relu : hidden), (string?)null));
        var model = NetworkModel.Create("net", inputs, layers, loss);
        Assert.Contains(model.Layers, layer => Gemm.Parts(batch, layer.Units, layer.InputUnits, 2) > 1);
        var rng = new Rng(inputs * 1000 + batch);
        var parameters = Enumerable.Range(0, model.ParameterCount).Select(_ => 0.1 * rng.NextGaussian()).ToArray();
        var x = Enumerable.Range(0, batch * inputs).Select(_ => rng.NextGaussian()).ToArray();
        var y = loss == LossKind.CrossEntropy
            ? Enumerable.Range(0, batch * model.OutputWidth).Select(i => i % model.OutputWidth == i / model.OutputWidth % model.OutputWidth ? 1.0 : 0).ToArray()
            : Enumerable.Range(0, batch * model.OutputWidth).Select(_ => loss == LossKind.Bce ? rng.NextDouble() : rng.NextGaussian()).ToArray();

        var one = Pass(new Backprop(model, batch, threads: 1));
        foreach (var threads in new[] { 2, 3, 8 })
        {
            var many = Pass(new Backprop(model, batch, threads));
            Assert.Equal(one.Loss, many.Loss);
            Assert.Equal(one.Evaluation, many.Evaluation);
            Assert.Equal(one.Gradient, many.Gradient);
            for (var l = 0; l < widths.Length; l++)
            {
                Assert.Equal(one.Layers[l], many.Layers[l]);
            }
        }

        (long Loss, long Evaluation, long[] Gradient, long[][] Layers) Pass(Backprop backprop)
        {
            var gradient = new double[model.ParameterCount];
            var value = backprop.Run(parameters, x, y, batch, gradient);
            var layerBits = Enumerable.Range(0, widths.Length)
                .Select(l => backprop.PreActivation(l).ToArray().Concat(backprop.Activation(l).ToArray()).Concat(backprop.Delta(l).ToArray()).Select(BitConverter.DoubleToInt64Bits).ToArray())
                .ToArray();
            var evaluation = backprop.Forward(parameters, x, y, batch, evaluation: true);
            return (BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(evaluation), [.. gradient.Select(BitConverter.DoubleToInt64Bits)], layerBits);
        }
    }

    /// <summary>
    /// On several threads the update's parts follow the forward bands (Backprop.UpdateParts): every parameter is in
    /// one part's ranges, and the rows of W^l and entries of b^l that a part's band of Z's units computes are its own;
    /// a layer whose product is not cut into bands is shared evenly. None at one thread or for a network too small for bands.
    /// </summary>
    [Fact]
    public void The_update_parts_give_each_part_the_weights_its_forward_band_reads()
    {
        var relu = new Activation(ActivationKind.Relu);
        var model = NetworkModel.Create("net", 300, [(400, relu, null), (260, relu, null), (9, new Activation(ActivationKind.Linear), null)], LossKind.CrossEntropy);
        Assert.Null(new Backprop(model, 128, threads: 1).UpdateParts(1));
        foreach (var threads in new[] { 2, 3 })
        {
            var parts = new Backprop(model, 128, threads).UpdateParts(threads);
            Assert.NotNull(parts);
            Assert.Equal(threads, parts.Count);
            var owner = Enumerable.Repeat(-1, model.ParameterCount).ToArray();
            for (var part = 0; part < threads; part++)
            {
                foreach (var (start, end) in parts[part])
                {
                    for (var i = start; i < end; i++)
                    {
                        Assert.Equal(-1, owner[i]);
                        owner[i] = part;
                    }
                }
            }

            Assert.DoesNotContain(-1, owner);
            foreach (var layer in model.Layers.Take(2))
            {
                Assert.True(Gemm.Parts(128, layer.Units, layer.InputUnits, threads) == threads);
                for (var part = 0; part < threads; part++)
                {
                    var band = Gemm.Band(128, layer.Units, layer.InputUnits, part, threads);
                    Assert.Equal(0, band.RowStart);
                    for (var unit = band.ColumnStart; unit < band.ColumnEnd; unit++)
                    {
                        Assert.Equal(part, owner[layer.WeightOffset + unit * layer.InputUnits]);
                        Assert.Equal(part, owner[layer.WeightOffset + (unit + 1) * layer.InputUnits - 1]);
                        Assert.Equal(part, owner[layer.BiasOffset + unit]);
                    }
                }
            }

            var output = model.Layers[2];
            Assert.Equal(0, owner[output.WeightOffset]);
            Assert.Equal(threads - 1, owner[output.BiasOffset + output.Units - 1]);
        }

        var small = NetworkModel.Create("small", 4, [(3, relu, null), (1, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        Assert.Null(new Backprop(small, 8, threads: 2).UpdateParts(2));
    }

    /// <summary>
    /// A pass told that its input is the last pass's (full-batch training) reads the copy it kept, on one thread and on
    /// two (W3's input is copied in halves): the same bits as a pass that copies, even when the caller's array has
    /// since changed; a pass of another batch size copies its input whatever it is told.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_pass_on_the_same_input_reads_the_copy_it_kept(int threads)
    {
        var relu = new Activation(ActivationKind.Relu);
        var model = NetworkModel.Create("net", 600, [(260, relu, null), (9, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        var rng = new Rng(600);
        var parameters = Enumerable.Range(0, model.ParameterCount).Select(_ => 0.1 * rng.NextGaussian()).ToArray();
        var x = Enumerable.Range(0, 120 * 600).Select(_ => rng.NextGaussian()).ToArray();
        var y = Enumerable.Range(0, 120 * 9).Select(_ => rng.NextGaussian()).ToArray();
        var backprop = new Backprop(model, 120, threads);
        var expected = new double[model.ParameterCount];
        var expectedLoss = backprop.Run(parameters, x, y, 120, expected);

        var changed = x.Select(value => -value).ToArray();
        var gradient = new double[model.ParameterCount];
        var loss = backprop.Run(parameters, changed, y, 120, gradient, sameInput: true);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expectedLoss), BitConverter.DoubleToInt64Bits(loss));
        Assert.Equal(Bits(expected), Bits(gradient));

        // Another batch size: copied, so the changed input counts.
        var fewer = new double[model.ParameterCount];
        var fewerLoss = new Backprop(model, 120, threads).Run(parameters, changed, y, 100, fewer);
        Assert.Equal(BitConverter.DoubleToInt64Bits(fewerLoss), BitConverter.DoubleToInt64Bits(backprop.Run(parameters, changed, y, 100, gradient, sameInput: true)));
        Assert.Equal(Bits(fewer), Bits(gradient));
    }

    /// <summary>On one thread a pass through large layers and a large product allocate nothing (the parts' closures only exist on the threaded path).</summary>
    [Fact]
    public void OneThreadAllocatesNothing()
    {
        var relu = new Activation(ActivationKind.Relu);
        var model = NetworkModel.Create("net", 200, [(300, relu, null), (260, relu, null), (7, new Activation(ActivationKind.Linear), null)], LossKind.Mse);
        var rng = new Rng(5);
        var parameters = Enumerable.Range(0, model.ParameterCount).Select(_ => 0.1 * rng.NextGaussian()).ToArray();
        var x = Enumerable.Range(0, 40 * 200).Select(_ => rng.NextGaussian()).ToArray();
        var y = new double[40 * 7];
        var gradient = new double[model.ParameterCount];
        var backprop = new Backprop(model, 40);
        var c = new double[40 * 300];
        backprop.Run(parameters, x, y, 40, gradient);
        Gemm.Multiply(40, 300, 200, x, 200, 1, parameters, 1, 200, c, 300);

        var before = GC.GetAllocatedBytesForCurrentThread();
        backprop.Run(parameters, x, y, 40, gradient);
        Gemm.Multiply(40, 300, 200, x, 200, 1, parameters, 1, 200, c, 300);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>An update on several threads, each over its own range of the vector, gives the one-thread bits.</summary>
public class OptimizerThreadsTests
{
    public static TheoryData<OptimizerSpec> Specs() => new()
    {
        new OptimizerSpec(OptimizerKind.Sgd, 0.01),
        new OptimizerSpec(OptimizerKind.Sgd, 0.01, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3),
        new OptimizerSpec(OptimizerKind.Adagrad, 0.01, Eps: 1e-10, InitialAccumulator: 0.1),
        new OptimizerSpec(OptimizerKind.Rmsprop, 0.01, Momentum: 0.5, Eps: 1e-8, Centered: true),
        new OptimizerSpec(OptimizerKind.Adadelta, 1.0, Eps: 1e-6),
        new OptimizerSpec(OptimizerKind.Adam, 0.001, Eps: 1e-8, Amsgrad: true),
        new OptimizerSpec(OptimizerKind.AdamW, 0.001, WeightDecay: 0.01, Eps: 1e-8),
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void PartsGiveTheOneThreadBits(OptimizerSpec spec)
    {
        // Above the parallel size and not a multiple of 8, so the last range has a scalar tail.
        var count = Optimizer.ParallelCount + 13;
        var rng = new Rng(count);
        var start = Enumerable.Range(0, count).Select(_ => rng.NextGaussian()).ToArray();
        var gradients = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, count).Select(_ => rng.NextGaussian()).ToArray()).ToArray();
        var expected = Steps(1);
        foreach (var threads in new[] { 2, 3, 7 })
        {
            Assert.Equal(expected, Steps(threads));
        }

        // Given ranges: pieces of uneven lengths (not whole vectors) dealt out in turn, at two and three threads.
        foreach (var threads in new[] { 2, 3 })
        {
            var ranges = Enumerable.Range(0, threads).Select(_ => new List<(int Start, int End)>()).ToArray();
            for (var (first, turn) = (0, 0); first < count; turn++)
            {
                var end = Math.Min(count, first + 1 + rng.NextInt(9000));
                ranges[turn % threads].Add((first, end));
                first = end;
            }

            Assert.Equal(expected, Steps(threads, ranges));
        }

        long[] Steps(int threads, IReadOnlyList<IReadOnlyList<(int Start, int End)>>? parts = null)
        {
            var parameters = (double[])start.Clone();
            var optimizer = Optimizer.Create(spec, count);
            optimizer.Parts = parts;
            foreach (var gradient in gradients)
            {
                optimizer.Step(parameters, gradient, threads);
            }

            return [.. parameters.Select(BitConverter.DoubleToInt64Bits)];
        }
    }

    /// <summary>The parts' ranges must cover the vector once: a gap, an overlap or a range past the end is rejected.</summary>
    [Fact]
    public void Parts_that_do_not_cover_the_vector_once_are_rejected()
    {
        var optimizer = Optimizer.Create(new OptimizerSpec(OptimizerKind.Sgd, 0.1), 100);
        Assert.Throws<ArgumentException>(() => optimizer.Parts = [[(0, 50)], [(51, 100)]]);
        Assert.Throws<ArgumentException>(() => optimizer.Parts = [[(0, 50)], [(49, 100)]]);
        Assert.Throws<ArgumentException>(() => optimizer.Parts = [[(0, 50)], [(50, 101)]]);
        Assert.Throws<ArgumentException>(() => optimizer.Parts = [[(0, 50)], [(50, 99)]]);
        Assert.Null(optimizer.Parts);
        optimizer.Parts = [[(50, 100)], [(0, 50)]];
        Assert.Equal(2, optimizer.Parts.Count);
    }

    /// <summary>
    /// The update tells whether every parameter is finite afterwards and copies the previous ones when
    /// asked, on any number of threads: a number that is not finite is found in any part and any
    /// piece, the first and last element included.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_update_finds_a_number_that_is_not_finite_anywhere_and_keeps_the_previous_parameters(int threads)
    {
        var count = Optimizer.ParallelCount + 13;
        var rng = new Rng(threads);
        var start = Enumerable.Range(0, count).Select(_ => rng.NextGaussian()).ToArray();
        var gradient = Enumerable.Range(0, count).Select(_ => rng.NextGaussian()).ToArray();
        var spec = new OptimizerSpec(OptimizerKind.Sgd, 0.1);

        var parameters = (double[])start.Clone();
        var previous = new double[count];
        Assert.True(Optimizer.Create(spec, count).Step(parameters, gradient, threads, previous));
        Assert.Equal(Bits(start), Bits(previous));

        foreach (var position in new[] { 0, 1, 1023, 1024, count / 3, count / 2, 2 * count / 3 + 1, count - 9, count - 1 })
        {
            foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                parameters = (double[])start.Clone();
                parameters[position] = bad;
                Assert.False(Optimizer.Create(spec, count).Step(parameters, gradient, threads), $"{bad} at {position}");
            }

            // An update that overflows there.
            parameters = (double[])start.Clone();
            parameters[position] = double.MaxValue;
            var pushed = (double[])gradient.Clone();
            pushed[position] = -double.MaxValue;
            Assert.False(Optimizer.Create(new OptimizerSpec(OptimizerKind.Sgd, 10), count).Step(parameters, pushed, threads), $"overflow at {position}");
        }
    }
}

public class ThreadTeamTests
{
    [Fact]
    public void EveryPartRunsOnce()
    {
        foreach (var parts in new[] { 1, 2, 3, 7 })
        {
            var counts = new int[parts];
            ThreadTeam.Run(parts, part => Interlocked.Increment(ref counts[part]));
            Assert.All(counts, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void A_part_that_asks_for_parts_gets_them_on_its_own_thread()
    {
        var counts = new int[3, 4];
        ThreadTeam.Run(3, outer => ThreadTeam.Run(4, inner => Interlocked.Increment(ref counts[outer, inner])));
        Assert.All(counts.Cast<int>(), count => Assert.Equal(1, count));
    }

    [Fact]
    public void A_failing_part_is_rethrown_after_the_others_finish_and_the_team_still_serves()
    {
        var finished = new int[3];
        var error = Assert.Throws<InvalidOperationException>(() => ThreadTeam.Run(3, part =>
        {
            if (part == 1)
            {
                throw new InvalidOperationException("part 1");
            }

            Thread.Sleep(20);
            Interlocked.Increment(ref finished[part]);
        }));
        Assert.Equal("part 1", error.Message);
        Assert.Equal([1, 0, 1], finished);

        var counts = new int[3];
        ThreadTeam.Run(3, part => Interlocked.Increment(ref counts[part]));
        Assert.Equal([1, 1, 1], counts);
    }

    /// <summary>
    /// Workers that went to sleep after <see cref="ThreadTeam.SpinTime"/> are woken for the next part, and a
    /// caller that waited longer than that for a part (and slept) is woken when it is done.
    /// </summary>
    [Fact]
    public void Parts_longer_than_the_spin_and_pauses_between_calls_still_run_every_part_once()
    {
        for (var round = 0; round < 3; round++)
        {
            Thread.Sleep(10);
            var counts = new int[3];
            ThreadTeam.Run(3, part =>
            {
                if (part > 0)
                {
                    Thread.Sleep(10);
                }

                Interlocked.Increment(ref counts[part]);
            });
            Assert.Equal([1, 1, 1], counts);
        }
    }

    /// <summary>Independent items of unequal costs (W3's three layers, ties, fewer items than threads) each run once, on any number of threads.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void ForEach_runs_every_item_once(int threads)
    {
        long[][] costSets =
        [
            [401_408, 262_144, 5_120],
            [5_120, 262_144, 401_408, 262_144, 5_120, 1],
            [1 << 20, 1 << 20],
            [10, 20, 30],
        ];
        foreach (var costs in costSets)
        {
            var counts = new int[costs.Length];
            ThreadTeam.ForEach(costs.Length, threads, item => costs[item], item => Interlocked.Increment(ref counts[item]));
            Assert.All(counts, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void Callers_on_several_threads_all_get_their_parts()
    {
        var counts = new int[8, 2];
        Parallel.For(0, 8, caller =>
        {
            for (var round = 0; round < 50; round++)
            {
                ThreadTeam.Run(2, part => Interlocked.Increment(ref counts[caller, part]));
            }
        });
        Assert.All(counts.Cast<int>(), count => Assert.Equal(50, count));
    }
}

/// <summary>
/// While a caller keeps the team active (a training run on several threads), its workers spin between
/// parts instead of sleeping after <see cref="ThreadTeam.SpinTime"/>, for at most
/// <see cref="ThreadTeam.ActiveSpinTime"/>; once released they sleep again. Alone in its collection:
/// another test's parts or runs would wake the workers or keep the team active.
/// </summary>
[Collection(nameof(ThreadTeamActivityTests))]
public class ThreadTeamActivityTests
{
    private static readonly TimeSpan Spin = TimeSpan.FromSeconds((double)ThreadTeam.SpinTime / Stopwatch.Frequency);

    [Fact]
    public void Workers_kept_active_stay_awake_between_parts_and_sleep_once_released()
    {
        var counts = new int[3];
        ThreadTeam.Run(3, part => Interlocked.Increment(ref counts[part]));
        Assert.True(Eventually(() => ThreadTeam.AwakeWorkers == 0), "idle workers sleep after the spin");

        using (ThreadTeam.Active())
        {
            for (var round = 0; round < 3; round++)
            {
                ThreadTeam.Run(3, part => Interlocked.Increment(ref counts[part]));
                Thread.Sleep(10 * Spin);
                Assert.True(ThreadTeam.AwakeWorkers >= 2, $"round {round}: {ThreadTeam.AwakeWorkers} workers awake 10 spins after their parts");
            }
        }

        Assert.True(Eventually(() => ThreadTeam.AwakeWorkers == 0), "released, the workers sleep again");
        ThreadTeam.Run(3, part => Interlocked.Increment(ref counts[part]));
        Assert.Equal([5, 5, 5], counts);
    }

    /// <summary>A run that stops handing work over does not keep its workers spinning: they sleep after the active spin.</summary>
    [Fact]
    public void Workers_kept_active_without_parts_sleep_after_the_active_spin()
    {
        using var activity = ThreadTeam.Active();
        ThreadTeam.Run(3, _ => { });
        Assert.True(Eventually(() => ThreadTeam.AwakeWorkers == 0), "still active, the workers sleep after the active spin");
        var counts = new int[3];
        ThreadTeam.Run(3, part => Interlocked.Increment(ref counts[part]));
        Assert.Equal([1, 1, 1], counts);
    }

    /// <summary>
    /// While active, a failing part is still rethrown after the others finish, a part that asks for parts
    /// gets them on its own thread, and parts the caller takes over (a worker that has not started its
    /// part when the caller's own is done) still run once each; the workers stay awake through all of it.
    /// </summary>
    [Fact]
    public void An_active_team_rethrows_runs_nested_calls_in_order_and_runs_every_part_once()
    {
        using var activity = ThreadTeam.Active();
        var finished = new int[3];
        var error = Assert.Throws<InvalidOperationException>(() => ThreadTeam.Run(3, part =>
        {
            if (part == 2)
            {
                throw new InvalidOperationException("part 2");
            }

            Interlocked.Increment(ref finished[part]);
        }));
        Assert.Equal("part 2", error.Message);
        Assert.Equal([1, 1, 0], finished);

        var nested = new int[3, 4];
        ThreadTeam.Run(3, outer => ThreadTeam.Run(4, inner => Interlocked.Increment(ref nested[outer, inner])));
        Assert.All(nested.Cast<int>(), count => Assert.Equal(1, count));

        // Many short hand-overs in a row: some parts are taken over by the caller, none is lost or run twice.
        var counts = new int[3];
        for (var round = 0; round < 2000; round++)
        {
            ThreadTeam.Run(3, part => Interlocked.Increment(ref counts[part]));
        }

        Assert.Equal([2000, 2000, 2000], counts);
        Thread.Sleep(10 * Spin);
        Assert.True(ThreadTeam.AwakeWorkers >= 2, $"{ThreadTeam.AwakeWorkers} workers awake");
    }

    /// <summary>Two runs keep the team active until both end; the default hold keeps nothing.</summary>
    [Fact]
    public void The_team_is_active_while_any_caller_keeps_it()
    {
        Assert.False(ThreadTeam.IsActive);
        default(ThreadTeam.Activity).Dispose();
        Assert.False(ThreadTeam.IsActive);
        var first = ThreadTeam.Active();
        var second = ThreadTeam.Active();
        first.Dispose();
        Assert.True(ThreadTeam.IsActive);
        default(ThreadTeam.Activity).Dispose();
        Assert.True(ThreadTeam.IsActive);
        second.Dispose();
        Assert.False(ThreadTeam.IsActive);
    }

    /// <summary>Polls <paramref name="condition"/> for up to 10 s (far beyond the active spin).</summary>
    private static bool Eventually(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }
}

[CollectionDefinition(nameof(ThreadTeamActivityTests), DisableParallelization = true)]
public class ThreadTeamActivityCollection;
