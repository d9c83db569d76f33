using Grad.Language;
using Grad.Runtime.Contracts;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Runs;
using Grad.Runtime.Training;

namespace Grad.Runtime.Tests;

/// <summary>
/// A recorded point's pass over the weights (<see cref="WeightPass"/>) adds each sum in the order
/// the update ratio and ‖∂C/∂W‖_F are defined by (one chain from the first element to the last), so
/// its figures have those definitions' bits; and a run's recorded points are the same bits on 1, 2 and 3 threads.
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

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(7, 7)]
    [InlineData(33, 66)]
    [InlineData(1000, 1000)]
    [InlineData(40_001, 40_001)]
    [InlineData(129, 258)]
    public void APassGivesEachSumsBitsAndLeavesTheWeightsAsThePrevious(int weights, int gradients)
    {
        var rng = new Rng(weights * 31 + gradients);
        foreach (var ratio in new[] { true, false })
        {
            // Values of many magnitudes, so a sum in another order would differ in its last bits.
            double Value() => rng.NextGaussian() * Math.Pow(10, rng.NextDouble() * 8 - 4);
            var after = Enumerable.Range(0, weights).Select(_ => Value()).ToArray();
            var before = after.Select(w => w - 1e-3 * Value()).ToArray();
            var gradient = Enumerable.Range(0, gradients).Select(_ => Value()).ToArray();
            var previous = before.ToArray();

            var (change, size, squares) = WeightPass.Run(after, previous, gradient, ratio);

            Assert.Equal(ratio ? ChangeSquares(after, before) : 0, change);
            Assert.Equal(ratio ? Squares(before) : 0, size);
            Assert.Equal(Squares(gradient), squares);
            Assert.Equal(Backprop.FrobeniusNorm(gradient), Math.Sqrt(squares));
            Assert.Equal(after, previous);
        }
    }

    [Fact]
    public void APassRefusesAGradientShorterThanTheWeights() =>
        Assert.Throws<ArgumentException>(() => WeightPass.Run(new double[4], new double[4], new double[3], ratio: true));

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
}
