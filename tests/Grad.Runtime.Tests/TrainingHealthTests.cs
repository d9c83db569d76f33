using Grad.Language;
using Grad.Runtime.Contracts;
using Grad.Runtime.Numerics;
using Grad.Runtime.Training;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Tests;

/// <summary>
/// Per-layer health over training (docs/training.md): dead and saturated fractions on networks whose
/// explicit weights make the answer obvious, update/weight ratios against the weights of the same run
/// stopped one step earlier, histograms as numpy makes them, and the sharpness of a run's trace against
/// the top eigenvalue of <c>torch.autograd.functional.hessian</c> at torch's own parameters (torch_reference.json's "training").
/// </summary>
public sealed class TrainingHealthTests
{
    private static TrainResult Train(string source)
    {
        var compilation = Compilation.Create(source);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        return Assert.IsType<TrainResult>(Runner.Execute(Assert.Single(compilation.Program.Runs)));
    }

    [Fact]
    public void DeadFractionCountsReluUnitsWhoseDeltaIsZeroForEverySampleOfTheBatch()
    {
        // Inputs are positive: unit 1 (weight 1) is alive, units 2 and 3 (weights −1, −2) have z < 0 for every sample: 2 of 3 dead.
        var result = Train("""
            network n {
              input 1
              dense 3 relu weights [[1], [-1], [-2]] bias [0, 0, 0]
              dense 1 linear weights [[1, 1, 1]] bias [0]
              loss mse
            }
            data d { x: [[1], [2], [3]]  y: [[0.5], [1], [1.5]] }
            run r {
              train n on d
              optimizer sgd(lr = 0.01)
              steps 4
              record every 1
            }
            """);
        Assert.All(result.Trace, point => Assert.Equal([2.0 / 3, 0], point.Health!.DeadFractions));
        Assert.All(result.Trace, point => Assert.Equal([0.0, 0], point.Health!.SaturatedFractions));
    }

    [Fact]
    public void SaturatedFractionCountsSigmoidUnitsWithFlatDerivativeForEverySample()
    {
        // z = ±20·x with |x| ≥ 1: σ'(z) ≤ σ'(20) ≈ 2e-9 < 1e-3 for units 1 and 2; unit 3 (weight 0.1) is not saturated.
        var result = Train("""
            network n {
              input 1
              dense 3 sigmoid weights [[20], [-20], [0.1]] bias [0, 0, 0]
              dense 1 linear weights [[1, 1, 1]] bias [0]
              loss mse
            }
            data d { x: [[1], [-2], [3]]  y: [[0], [1], [0]] }
            run r {
              train n on d
              optimizer sgd(lr = 0.01)
              steps 2
            }
            """);
        Assert.Equal([2.0 / 3, 0], result.Trace[0].Health!.SaturatedFractions);
        Assert.Equal([0.0, 0], result.Trace[0].Health!.DeadFractions);
    }

    public static TheoryData<string> Optimizers() => ["sgd(lr = 0.1)", "sgd(lr = 0.1, momentum = 0.9)", "adam(lr = 0.05)"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void UpdateRatioIsTheStepsActualChangeOfEachLayersWeightsOverTheirNorm(string optimizer)
    {
        string Source(int steps) => $$"""
            network n {
              input 2
              dense 3 tanh weights [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]] bias [0.1, 0, -0.1]
              dense 1 linear weights [[0.7, -0.4, 0.3]] bias [0.05]
              loss mse
            }
            data d { x: [[1, 0], [0, 1], [1, 1], [-1, 2]]  y: [[1], [0], [0.5], [2]] }
            run r {
              train n on d
              optimizer {{optimizer}}
              steps {{steps}}
              record every 1
            }
            """;
        var before = Train(Source(2)).FinalNetwork.Layers;
        var after = Train(Source(3));
        for (var l = 0; l < 2; l++)
        {
            var (w0, w1) = (before[l].Weights, after.FinalNetwork.Layers[l].Weights);
            var change = Math.Sqrt(w0.Zip(w1, (a, b) => (b - a) * (b - a)).Sum());
            var size = Math.Sqrt(w0.Sum(a => a * a));
            Assert.Equal(change / size, after.Trace[3].Health!.UpdateRatios![l], 14);
        }

        Assert.Null(after.Trace[0].Health!.UpdateRatios);
    }

    [Fact]
    public void HistogramsAreNumpysEqualWidthBinsWithTheLastBinClosed()
    {
        var (edges, counts, nonFinite) = Histogram.Of([0, 1, 2, 3, 4, double.NaN], bins: 4);
        Assert.Equal([0.0, 1, 2, 3, 4], edges);
        Assert.Equal([1L, 1, 1, 2], counts);
        Assert.Equal(1, nonFinite);

        var single = Histogram.Of([2.5, 2.5], bins: 2);
        Assert.Equal([2.0, 2.5, 3.0], single.Edges);
        Assert.Equal([0L, 2], single.Counts);
    }

    // The definition one value at a time: one running minimum and maximum, one counter a bin.
    private static (double[] Edges, long[] Counts, long NonFinite) HistogramOneAtATime(double[] values, int bins)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long nonFinite = 0;
        foreach (var value in values)
        {
            if (!double.IsFinite(value))
            {
                nonFinite++;
                continue;
            }

            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        (min, max) = min > max ? (0, 1) : min == max ? (min - 0.5, max + 0.5) : (min, max);
        var edges = new double[bins + 1];
        for (var i = 0; i < bins; i++)
        {
            edges[i] = min + i * ((max - min) / bins);
        }

        edges[bins] = max;
        var counts = new long[bins];
        foreach (var value in values.Where(double.IsFinite))
        {
            var index = Math.Clamp((int)((value - min) * (bins / (max - min))), 0, bins - 1);
            index += value < edges[index] ? -1 : index != bins - 1 && value >= edges[index + 1] ? 1 : 0;
            counts[index]++;
        }

        return (edges, counts, nonFinite);
    }

    [Theory]
    [InlineData(0, 32)]
    [InlineData(1, 32)]
    [InlineData(7, 1)]
    [InlineData(1001, 32)]
    [InlineData(4096, 3)]
    [InlineData(20003, 100)]
    public void AHistogramInFourLanesIsTheHistogramOneValueAtATime(int count, int bins)
    {
        var rng = new Rng(count + bins);
        // Gaussians, many of them on a few values (long runs into one bin), ±0, NaN and infinities, in every lane.
        double[] specials = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-300, -1e-300];
        var values = Enumerable.Range(0, count).Select(i => rng.NextDouble() switch
        {
            < 0.05 => specials[i % specials.Length],
            < 0.5 => Math.Round(rng.NextGaussian() * 4) / 4,
            _ => rng.NextGaussian() * 3,
        }).ToArray();
        foreach (var sample in new[] { values, values.Where(double.IsFinite).ToArray(), values.Select(v => double.IsFinite(v) ? -0.0 : v).ToArray() })
        {
            var (edges, counts, nonFinite) = Histogram.Of(sample, bins);
            var expected = HistogramOneAtATime(sample, bins);
            Assert.Equal(expected.Edges.Select(BitConverter.DoubleToInt64Bits), edges.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Counts, counts);
            Assert.Equal(expected.NonFinite, nonFinite);
        }
    }

    [Theory]
    [InlineData(-1.3, 2.7, 32)]
    [InlineData(0.1, 0.1000000000000003, 32)]
    [InlineData(-3.0, 1e-3, 7)]
    // A step below the smallest double (a norm of ∞) and a range beyond the largest (max − min = ∞).
    [InlineData(0.0, 4e-323, 32)]
    [InlineData(-1e308, 1.5e308, 32)]
    public void AHistogramCountsValuesOnAndBesideItsEdgesAsOneValueAtATime(double min, double max, int bins)
    {
        // Each edge the definition makes and the doubles either side of it, inside [min, max], in every lane.
        var edges = HistogramOneAtATime([min, max], bins).Edges;
        var values = edges.SelectMany(edge => new[] { Math.BitDecrement(edge), edge, Math.BitIncrement(edge) }).Where(v => v >= min && v <= max)
            .Concat(edges.Reverse()).Concat([min, max, min, max, 0.5 * (min + max)]).ToArray();
        foreach (var sample in new[] { values, values.Skip(1).ToArray(), values.Skip(2).Append(double.NaN).Concat(values).ToArray() })
        {
            var (actualEdges, counts, nonFinite) = Histogram.Of(sample, bins);
            var expected = HistogramOneAtATime(sample, bins);
            Assert.Equal(expected.Edges.Select(BitConverter.DoubleToInt64Bits), actualEdges.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Counts, counts);
            Assert.Equal(expected.NonFinite, nonFinite);
        }
    }

    public static TheoryData<string> SharpnessRuns() => [.. TorchReference.Json["training"]!["sharpness"]!.Select(c => (string)c["name"]!)];

    [Theory]
    [MemberData(nameof(SharpnessRuns))]
    public void SharpnessAlongTheRunMatchesTorchHessiansTopEigenvalue(string name)
    {
        var reference = TorchReference.Json["training"]!["sharpness"]!.Single(c => (string)c["name"]! == name)!;
        var result = Train((string)reference["source"]!);
        var measured = result.Trace.Where(p => p.Health?.Sharpness is not null).Select(p => (p.Step, Sharpness: p.Health!.Sharpness!.Value)).ToList();
        var expected = reference["sharpness"]!.Select(s => ((int)s["step"]!, (double)s["lambdaMax"]!)).ToList();
        Assert.Equal(expected.Select(e => e.Item1), measured.Select(m => m.Step));
        Assert.True(measured.Count <= HealthRecorder.SharpnessEvaluations);
        foreach (var ((step, want), (_, got)) in expected.Zip(measured))
        {
            var error = Math.Abs(got - want) / Math.Abs(want);
            Assert.True(error <= 1e-9, $"{name} step {step}: torch λmax {want:R}, Grad {got:R}, relative error {error:E2}");
        }

        // The weights' histograms at the end are numpy.histogram(w, bins=32) of torch's final weights.
        foreach (var histogram in reference["weightHistograms"]!)
        {
            var layer = (int)histogram["layer"]!;
            var ours = result.Histograms.Single(h => h.Step == result.StepsTaken && h.Layer == layer && h.Quantity == HistogramQuantity.Weights);
            Assert.Equal(histogram["counts"]!.Select(c => (long)c), ours.Counts);
            var edges = TorchReference.Vector(histogram["edges"]!);
            Assert.All(edges.Zip(ours.Edges), e => Assert.Equal(e.First, e.Second, 1e-9));
        }
    }

    [Fact]
    public void SharpnessLimitIsTwoOverLrForSgdAndScalesWithMomentumNoneForAdam()
    {
        var runs = TorchReference.Json["training"]!["sharpness"]!.Select(c => Train((string)c["source"]!)).ToList();
        Assert.All(runs[0].Trace.Where(p => p.Health!.Sharpness is not null), p => Assert.Equal(2 * 1.9 / 0.05, p.Health!.SharpnessLimit!.Value, 12));
        Assert.All(runs[1].Trace.Where(p => p.Health!.Sharpness is not null), p => Assert.Equal(2 / 0.5, p.Health!.SharpnessLimit!.Value, 12));
        Assert.All(runs[2].Trace.Where(p => p.Health!.Sharpness is not null), p => Assert.Null(p.Health!.SharpnessLimit));
    }

    [Fact]
    public void MilestonesSayYesAtMostCountTimesWhateverTheSpacing()
    {
        var milestones = new Milestones(100, 5);
        var yes = Enumerable.Range(0, 34).Select(i => i * 3).Where(step => milestones.Reached(step, final: step == 99)).ToList();
        Assert.Equal([0, 27, 51, 75, 99], yes);

        var early = new Milestones(1000, 9);
        Assert.Equal([0, 125, 130], new[] { 0, 10, 125, 126, 130 }.Where((step, i) => early.Reached(step, final: i == 4)));
    }

    [Fact]
    public void ALargeNetworkSaysWhyItHasNoSharpness()
    {
        var result = Train("""
            network n {
              input 2
              dense 64 relu
              dense 64 relu
              dense 1 linear
              loss mse
            }
            data d = moons(n = 100, noise = 0.1, seed = 1)
            run r {
              train n on d
              optimizer sgd(lr = 0.01)
              steps 3
            }
            """);
        Assert.Contains("parameters", result.SharpnessSkipped);
        Assert.All(result.Trace, p => Assert.Null(p.Health!.Sharpness));
    }

    [Fact]
    public void ThinningTheTraceKeepsEachPointsOwnHealth()
    {
        const string source = """
            network n {
              input 2
              dense 4 relu
              dense 1 linear
              init he_normal
              seed 3
              loss mse
            }
            data d = moons(n = 40, noise = 0.1, seed = 1)
            run r {
              train n on d
              optimizer sgd(lr = 0.05, momentum = 0.5)
              steps 200
              record every 1
            }
            """;
        var run = Assert.Single(Compilation.Create(source).Program.Runs);
        var full = Assert.IsType<TrainResult>(Runner.Execute(run));
        var thinned = Assert.IsType<TrainResult>(Runner.Execute(run, new RunOptions { MaxTracePoints = 16 }));
        Assert.True(thinned.Trace.Count <= 16);
        foreach (var point in thinned.Trace)
        {
            var same = full.Trace.Single(p => p.Step == point.Step);
            Assert.Equal(same.Health!.UpdateRatios, point.Health!.UpdateRatios);
            Assert.Equal(same.Health.DeadFractions, point.Health.DeadFractions);
        }
    }

    [Fact]
    public void HealthAndHistogramsSurviveTheJsonRoundTrip()
    {
        var result = Train((string)TorchReference.Json["training"]!["sharpness"]![0]!["source"]!);
        var read = Assert.IsType<TrainResult>(ResultSerializer.ReadRun(ResultSerializer.ToJson(result)));
        Assert.Equal(result.Histograms.Count, read.Histograms.Count);
        Assert.Equal(result.Histograms[^1].Counts, read.Histograms[^1].Counts);
        for (var i = 0; i < result.Trace.Count; i++)
        {
            Assert.Equal(result.Trace[i].Health!.Sharpness, read.Trace[i].Health!.Sharpness);
            Assert.Equal(result.Trace[i].Health!.UpdateRatios, read.Trace[i].Health!.UpdateRatios);
        }
    }
}
