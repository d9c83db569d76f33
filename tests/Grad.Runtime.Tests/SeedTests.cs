using Grad.Language;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Tests;

/// <summary>LANGUAGE.md's seed file, from text to results.</summary>
public class SeedTests
{
    private static readonly Lazy<(Compilation Compilation, IReadOnlyList<RunResult> Results)> Seed = new(() =>
    {
        var path = Repo.PathOf("examples/seed.grad");
        var compilation = Compilation.Create(File.ReadAllText(path), path);
        return (compilation, new RunDriver().RunFile(compilation.Program));
    });

    private static T Run<T>(string name) where T : RunResult => (T)Seed.Value.Results.Single(r => r.Name == name);

    [Fact]
    public void SeedCompilesWithoutErrors()
    {
        Assert.False(Seed.Value.Compilation.HasErrors, string.Join("\n", Seed.Value.Compilation.Diagnostics.Select(d => d.Message)));
        Assert.Equal(["plain", "early", "adaptive", "deep"], Seed.Value.Results.Select(r => r.Name));
    }

    [Fact]
    public void PlainGradientDescentLeavesW1FarFromTheMinimum()
    {
        var plain = Run<MinimizeResult>("plain");
        Assert.Equal(1000, plain.StepsTaken);
        Assert.Equal(StopReason.Steps, plain.StopReason);
        Fixtures.AssertRelative(0.367695424770964, plain.FinalParameters[0], 1e-12, "w1");
        Assert.Equal(0.0, plain.FinalParameters[1]);
    }

    [Fact]
    public void EarlyStopsAfterTwoSteps()
    {
        var early = Run<MinimizeResult>("early");
        Assert.Equal(StopReason.Until, early.StopReason);
        Assert.Equal(2, early.StepsTaken);
        Assert.Equal(0.998, early.FinalParameters[0], 5);
    }

    [Fact]
    public void AdagradReachesTheMinimum()
    {
        var adaptive = Run<MinimizeResult>("adaptive");
        Assert.True(Math.Abs(adaptive.FinalParameters[0]) < 1e-6, $"w1 = {adaptive.FinalParameters[0]}");
        Assert.True(Math.Abs(adaptive.FinalParameters[1]) < 1e-6, $"w2 = {adaptive.FinalParameters[1]}");
        Assert.True(adaptive.FinalCost < 1e-12);
    }

    [Fact]
    public void ChainDeltasShrinkLayerByLayerTowardsTheInput()
    {
        var deep = Run<TrainResult>("deep");
        Assert.Equal(100, deep.StepsTaken);
        Assert.Equal(9, deep.Layers.Count);
        for (var l = 1; l < deep.Layers.Count; l++)
        {
            Assert.True(deep.Layers[l - 1].DeltaNorm.Initial < deep.Layers[l].DeltaNorm.Initial,
                $"‖δ^{l}‖ = {deep.Layers[l - 1].DeltaNorm.Initial} should be below ‖δ^{l + 1}‖ = {deep.Layers[l].DeltaNorm.Initial}");
        }

        Assert.True(deep.Layers[0].DeltaNorm.Initial / deep.Layers[^1].DeltaNorm.Initial < NetworkAnalyzer.VanishingThreshold);
        Assert.True(deep.FinalLoss < deep.InitialLoss);
        Assert.Equal("out", deep.Layers[^1].Label);
    }

    [Fact]
    public void InspectAnalysisEqualsTheRunsInitialState()
    {
        var (compilation, _) = Seed.Value;
        var network = compilation.Program.Networks.Single(n => n.Name == "chain");
        var analysis = NetworkAnalyzer.AnalyzeInitial(compilation.Program, network)!;
        var deep = Run<TrainResult>("deep");
        Assert.Equal("point", analysis.DataName);
        Assert.Equal(GradientVerdict.Vanishing, analysis.Verdict);
        Assert.Equal(deep.InitialLoss, analysis.Loss);
        for (var l = 0; l < 9; l++)
        {
            Assert.Equal(deep.Layers[l].DeltaNorm.Initial, analysis.Layers[l].DeltaNorm);
            Assert.Equal(deep.Layers[l].WeightGradNorm.Initial, analysis.Layers[l].WeightGradNorm);
        }

        // One unit per layer: the hover's chain-rule product holds exactly for layers 1 … L−1.
        for (var l = 0; l < 8; l++)
        {
            var chain = analysis.Layers[l].Chain;
            Assert.Equal(chain.Delta, chain.NextWeight * chain.NextDelta * chain.ActivationDerivative);
            Assert.Equal(Math.Abs(chain.Delta!.Value), analysis.Layers[l].DeltaNorm);
        }
    }

    [Fact]
    public void SameFileGivesBitIdenticalResults()
    {
        var path = Repo.PathOf("examples/seed.grad");
        var again = new RunDriver().RunFile(Compilation.Create(File.ReadAllText(path), path).Program);
        var first = Run<TrainResult>("deep");
        var second = (TrainResult)again.Single(r => r.Name == "deep");
        Assert.Equal(first.FinalParameters, second.FinalParameters);
        Assert.Equal(first.FinalLoss, second.FinalLoss);
    }

    [Fact]
    public void CostAnalysisOfTheBowlAtTheStart()
    {
        var (compilation, _) = Seed.Value;
        var bowl = compilation.Program.Costs.Single();
        var analysis = CostAnalyzer.AnalyzeAtFirstRun(compilation.Program, bowl)!;
        Assert.Equal(["∂bowl/∂w1 = 0.002*w1", "∂bowl/∂w2 = 2*w2"], analysis.SymbolicGradient);
        Assert.Equal([0.002, 2.0], analysis.Gradient);
        Fixtures.AssertRelative(1000, analysis.ConditionNumber, 1e-12);
        // The local model's minimum is (0, 0): a Newton step of −1 in both.
        Assert.Equal(-1, analysis.NewtonStep![0], 12);
        Assert.Equal(-1, analysis.NewtonStep[1], 12);
    }
}
