using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

public class AnalysisTests
{
    private static BoundNetwork Chain(int layers, double weight) =>
        Network("chain", 1, Enumerable.Range(1, layers).Select(i => Layer(i, 1, 1, new Activation(ActivationKind.Linear), Matrix([[weight]]), [0.0])), LossKind.Mse);

    private static BoundProgram Program(BoundNetwork network, params BoundRun[] runs) =>
        BoundProgram.Empty with { Networks = [network], Runs = [.. runs] };

    [Theory]
    [InlineData(0.1, GradientVerdict.Vanishing)]
    [InlineData(1.0, GradientVerdict.Healthy)]
    [InlineData(10.0, GradientVerdict.Exploding)]
    public void LinearChainVerdictFollowsTheProductOfWeights(double weight, GradientVerdict verdict)
    {
        // Linear layers: δ^l = w^(l+1)·δ^(l+1), so ‖δ^1‖/‖δ^L‖ = w^(L−1) = w^5 here.
        var network = Chain(6, weight);
        var analysis = NetworkAnalyzer.AnalyzeInitial(Program(network), network)!;
        Assert.Null(analysis.DataName);
        AssertRelative(Math.Pow(weight, 5), analysis.Ratio, 1e-12, "ratio");
        Assert.Equal(verdict, analysis.Verdict);
        Assert.Equal(1.0, analysis.Layers[^1].RatioToOutput);
    }

    [Fact]
    public void WideLayersGetNormsInsteadOfScalars()
    {
        var relu = new Activation(ActivationKind.Relu);
        var network = Network("wide", 3, [Layer(1, 4, 3, relu), Layer(2, 2, 4, new Activation(ActivationKind.Linear))], LossKind.Mse, seed: 9);
        var analysis = NetworkAnalyzer.AnalyzeInitial(Program(network), network)!;
        var first = analysis.Layers[0].Chain;
        Assert.Null(first.NextWeight);
        Assert.Null(first.Delta);
        Assert.NotNull(first.NextWeightNorm);
        Assert.InRange(first.MeanAbsActivationDerivative, 0, 1);
        Assert.Null(analysis.Layers[1].Chain.NextWeightNorm);
    }

    [Fact]
    public void AnalysisIsDeterministic()
    {
        var network = Network("n", 2, [Layer(1, 5, 2, new Activation(ActivationKind.Tanh)), Layer(2, 1, 5, new Activation(ActivationKind.Sigmoid))], LossKind.Bce, seed: 4);
        var first = NetworkAnalyzer.AnalyzeInitial(Program(network), network)!;
        var second = NetworkAnalyzer.AnalyzeInitial(Program(network), network)!;
        Assert.Equal(first.Layers.Select(l => l.DeltaNorm), second.Layers.Select(l => l.DeltaNorm));
        Assert.Equal(first.Loss, second.Loss);
    }

    [Fact]
    public void AfterTrainingAnalysisUsesTheFinalParameters()
    {
        var network = Chain(3, 0.5);
        var data = Inline("d", [[1.0], [2.0]], [[3.0], [1.0]]);
        var run = Train("t", network, data, Sgd(0.05), steps: 50);
        var result = (TrainResult)Runner.Execute(run);
        var program = Program(network, run) with { Data = [data] };
        var after = NetworkAnalyzer.AnalyzeAt(program, network, result.FinalParameters)!;
        // The run's final state is measured on the (full) batch of its last step: the same numbers.
        Assert.Equal(result.FinalLoss, after.Loss);
        Assert.Equal(result.Layers.Select(l => l.DeltaNorm.Final), after.Layers.Select(l => l.DeltaNorm));
    }

    [Theory]
    [InlineData(5_000, null)] // full batch: 5,000 samples in file order
    [InlineData(5_000, 3_000)] // mini-batch: the first 3,000 of the first epoch's permutation
    [InlineData(700, 300)] // a batch within the bound: exactly the run's first batch
    public void InitialAnalysisLooksAtABoundedEvenSampleOfTheFirstBatch(int count, int? batch)
    {
        var network = Network("n", 1, [Layer(1, 3, 1, new Activation(ActivationKind.Tanh)), Layer(2, 1, 3, new Activation(ActivationKind.Linear))], LossKind.Mse, seed: 5);
        var x = Enumerable.Range(0, count).Select(i => new[] { Math.Sin(i) }).ToArray();
        var y = Enumerable.Range(0, count).Select(i => new[] { (double)(i % 7) }).ToArray();
        var data = Inline("d", x, y);
        var run = Train("t", network, data, Sgd(0.1), steps: 1, batch: batch, seed: 11);
        var program = Program(network, run) with { Data = [data] };

        var analysis = NetworkAnalyzer.AnalyzeInitial(program, network)!;

        // The samples by hand: the run's first batch (file order, or the seeded permutation's head),
        // then ⌊k·B/N⌋ for k < N = min(B, 1,024).
        var first = batch is { } size ? Permutation(count, 11)[..size] : [.. Enumerable.Range(0, count)];
        var rows = Math.Min(first.Length, NetworkAnalyzer.MaxAnalysisSamples);
        var chosen = Enumerable.Range(0, rows).Select(k => first[(int)((long)k * first.Length / rows)]).ToArray();
        var expected = NetworkAnalyzer.Analyze(network, InitialParameters(network), [.. chosen.Select(i => x[i][0])], [.. chosen.Select(i => y[i][0])], rows);
        Assert.Equal((rows, first.Length), (analysis.SampleCount, analysis.FirstBatchCount));
        Assert.Equal(expected.Loss, analysis.Loss);
        Assert.Equal(expected.Layers.Select(l => l.DeltaNorm), analysis.Layers.Select(l => l.DeltaNorm));
        Assert.Contains(first.Length > rows ? $"{rows} samples spread evenly over the first batch of `d` ({first.Length} samples" : $"the first batch of `d` ({rows} samples", analysis.DataDescription, StringComparison.Ordinal);

        // Within the bound it is the run's own step 0: the same loss as the run's first trace point.
        if (first.Length <= NetworkAnalyzer.MaxAnalysisSamples)
        {
            Assert.Equal(((TrainResult)Runner.Execute(run)).Trace[0].Loss, analysis.Loss);
        }
    }

    private static int[] Permutation(int count, long seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new EpochShuffler(seed).Next(order);
        return order;
    }

    private static double[] InitialParameters(BoundNetwork network) =>
        Grad.Runtime.Networks.NetworkModel.InitialParameters(network, Grad.Runtime.Networks.NetworkModel.FromBound(network));

    [Fact]
    public void TimeBudgetStopsALongRun()
    {
        var run = Minimize("long", Bowl(), [1, 1], Sgd(0.5), steps: int.MaxValue);
        var result = (MinimizeResult)new RunDriver(new RunOptions { TimeBudget = TimeSpan.FromMilliseconds(50) }).Run(run);
        Assert.Equal(StopReason.Budget, result.StopReason);
        Assert.True(result.StepsTaken > 0);
        Assert.Equal("budget", (string)ResultSerializer.ToJson(result)["stopReason"]!);
    }

    [Fact]
    public void StepBudgetStopsTraining()
    {
        var network = Chain(2, 0.5);
        var data = Inline("d", [[1.0], [2.0], [3.0]], [[1.0], [0.0], [1.0]]);
        var result = (TrainResult)new RunDriver(new RunOptions { MaxSteps = 7 }).Run(Train("t", network, data, Sgd(0.1), epochs: 100, batch: 2, seed: 3));
        Assert.Equal(StopReason.Budget, result.StopReason);
        Assert.Equal(7, result.StepsTaken);
        Assert.Equal(7, result.Trace[^1].Step);
    }

    [Fact]
    public void MinibatchTrainingCoversEveryEpochAndIsSeeded()
    {
        var network = Chain(2, 0.5);
        var data = Inline("d", [[1.0], [2.0], [3.0], [4.0], [5.0]], [[1.0], [0.0], [1.0], [0.0], [1.0]]);
        var a = (TrainResult)Runner.Execute(Train("t", network, data, Sgd(0.1), epochs: 4, batch: 2, seed: 3));
        var b = (TrainResult)Runner.Execute(Train("t", network, data, Sgd(0.1), epochs: 4, batch: 2, seed: 3));
        var c = (TrainResult)Runner.Execute(Train("t", network, data, Sgd(0.1), epochs: 4, batch: 2, seed: 4));
        Assert.Equal(12, a.StepsTaken); // 4 epochs × ⌈5/2⌉ batches
        Assert.Equal(a.FinalParameters, b.FinalParameters);
        Assert.NotEqual(a.FinalParameters, c.FinalParameters);
    }

    [Fact]
    public void UntilLossStopsTraining()
    {
        var network = Chain(1, 0.0);
        var data = Inline("d", [[1.0]], [[2.0]]);
        var result = (TrainResult)Runner.Execute(Train("t", network, data, Sgd(0.1), steps: 10_000, until: [new StopCondition(StopMetric.Loss, 1e-6)]));
        Assert.Equal(StopReason.Until, result.StopReason);
        Assert.True(result.FinalLoss < 1e-6);
        Assert.True(result.Trace[^2].Loss >= 1e-6 || result.Trace.Count == 2);
    }
}
