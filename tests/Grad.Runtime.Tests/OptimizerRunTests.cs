using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

/// <summary>The seed's first example: gradient descent on a badly conditioned bowl.</summary>
public class OptimizerRunTests
{
    [Fact]
    public void GradientDescentShrinksW1ByAFactor0999AndZeroesW2InOneStep()
    {
        var result = (MinimizeResult)Runner.Execute(Minimize("plain", Bowl(), [1, 1], Sgd(0.5), steps: 5));
        Assert.Equal(0.999, result.Trace[1].Parameters[0]);
        Assert.Equal(0.0, result.Trace[1].Parameters[1]);
        for (var k = 0; k <= 5; k++)
        {
            AssertRelative(Math.Pow(0.999, k), result.Trace[k].Parameters[0], 1e-15, $"w1 after {k} steps");
            Assert.Equal(k, result.Trace[k].Step);
        }
    }

    [Fact]
    public void ThousandGradientDescentStepsLeaveW1FarFromTheMinimum()
    {
        var result = (MinimizeResult)Runner.Execute(Minimize("plain", Bowl(), [1, 1], Sgd(0.5), steps: 1000, until: [new StopCondition(StopMetric.Change, 1e-6)]));
        Assert.Equal(StopReason.Steps, result.StopReason);
        Assert.Equal(1000, result.StepsTaken);
        AssertRelative(0.367695424770964, result.FinalParameters[0], 1e-12, "w1");
        Assert.Equal(0.0, result.FinalParameters[1]);
        AssertRelative(0.001 * 0.367695424770964 * 0.367695424770964, result.FinalCost, 1e-12, "cost");
        AssertRelative(0.002 * 0.367695424770964, result.FinalGradient[0], 1e-12, "gradient");
        Assert.Equal(1001, result.Trace.Count);
    }

    /// <summary>
    /// A long run switches from the tape interpreter to straight-line code once it is compiled
    /// (at a step that depends on timing): every recorded number is still the interpreter's.
    /// </summary>
    [Fact]
    public void LongRunsGiveTheInterpretersNumbersBitForBit()
    {
        var cost = Rosenbrock();
        var steps = (int)(Runner.StraightLineWork / Costs.CompiledCost.Compile(cost).TapeLength) + 50_000;
        var spec = new OptimizerSpec(OptimizerKind.Adam, 0.001, Eps: 1e-8);
        var result = (MinimizeResult)Runner.Execute(Minimize("long", cost, [-1.2, 1], spec, steps, recordEvery: 1000));

        var tape = Costs.CompiledCost.Compile(cost);
        var optimizer = Optimizers.Optimizer.Create(spec, 2);
        double[] parameters = [-1.2, 1];
        var gradient = new double[2];
        var value = tape.EvaluateWithGradient(parameters, gradient);
        for (var step = 1; step <= steps; step++)
        {
            optimizer.Step(parameters, gradient);
            value = tape.EvaluateWithGradient(parameters, gradient);
            if (step % 1000 == 0)
            {
                var point = result.Trace[step / 1000];
                Assert.Equal(step, point.Step);
                Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(point.Cost));
                Assert.Equal(parameters, point.Parameters);
                Assert.Equal(gradient, point.Gradient);
            }
        }

        Assert.Equal(parameters, result.FinalParameters);
    }

    [Fact]
    public void UntilChangeStopsAfterTwoStepsAtW1Of0998()
    {
        var result = (MinimizeResult)Runner.Execute(Minimize("early", Bowl(), [1, 1], Sgd(0.5), until: [new StopCondition(StopMetric.Change, 1e-3)]));
        Assert.Equal(StopReason.Until, result.StopReason);
        Assert.Equal(2, result.StepsTaken);
        Assert.Equal(0.998, result.FinalParameters[0], 5);
        AssertRelative(0.999 * 0.999, result.FinalParameters[0], 1e-15);
        Assert.Equal([0, 1, 2], result.Trace.Select(t => t.Step));
    }

    [Fact]
    public void AdagradMovesBothCoordinatesByHalfOnItsFirstStep()
    {
        var result = (MinimizeResult)Runner.Execute(Minimize("adaptive", Bowl(), [1, 1], Adagrad(lr: 0.5), steps: 1000));
        var first = result.Trace[1].Parameters;
        // Each coordinate moves by lr·g/(|g| + eps) = 0.5·(1 − eps/|g|) ≈ 0.5, whatever the size of g.
        Assert.Equal(0.5, 1 - first[0], 6);
        Assert.Equal(0.5, 1 - first[1], 6);
        Assert.Equal(1 - 0.5 * (0.002 / (Math.Sqrt(0.002 * 0.002) + 1e-10)), first[0], 15);
        Assert.True(Math.Abs(result.FinalParameters[0]) < 1e-3, $"w1 = {result.FinalParameters[0]}");
        Assert.True(Math.Abs(result.FinalParameters[1]) < 1e-3, $"w2 = {result.FinalParameters[1]}");
    }

    [Fact]
    public void TooLargeALearningRateDivergesAndReportsTheStep()
    {
        // w2 ← w2 − lr·2·w2 = (1 − 2·lr)·w2 = −9·w2 with lr 5: |w2| = 9^k overflows w2² near k = 162.
        var result = (MinimizeResult)Runner.Execute(Minimize("boom", Bowl(), [1, 1], Sgd(5), steps: 100_000));
        Assert.Equal(StopReason.Diverged, result.StopReason);
        var k = result.StepsTaken;
        Assert.True(double.IsInfinity(result.FinalCost));
        Assert.True(double.IsFinite(result.Trace[^2].Cost), "the step before diverging is finite");
        Assert.Equal(k, result.Trace[^1].Step);
        Assert.InRange(k, 150, 170);
    }

    [Fact]
    public void GradUntilConditionUsesTheLargestComponent()
    {
        var result = (MinimizeResult)Runner.Execute(Minimize("g", Bowl(), [1, 1], Sgd(0.5), until: [new StopCondition(StopMetric.Grad, 1e-3)]));
        Assert.Equal(StopReason.Until, result.StopReason);
        // |∂/∂w1| = 0.002·0.999^k < 1e-3 first when 0.999^k < 0.5: k = 693.
        Assert.Equal(693, result.StepsTaken);
    }

    [Fact]
    public void DefaultRecordingSamplesLongRuns()
    {
        var result = (MinimizeResult)Runner.Execute(Minimize("long", Bowl(), [1, 1], Sgd(0.5), steps: 25_000));
        Assert.Equal(25_000, result.StepsTaken);
        Assert.True(result.Trace.Count <= 10_001, $"{result.Trace.Count} trace points");
        Assert.Equal(0, result.Trace[0].Step);
        Assert.Equal(25_000, result.Trace[^1].Step);
        Assert.Equal(3, result.Trace[1].Step);
    }

    [Fact]
    public void RecordEveryKeepsEveryKthStepAndTheLast()
    {
        var result = (MinimizeResult)Runner.Execute(Minimize("r", Bowl(), [1, 1], Sgd(0.5), steps: 10, recordEvery: 4));
        Assert.Equal([0, 4, 8, 10], result.Trace.Select(t => t.Step));
    }

    [Fact]
    public void StepBudgetAndCancellationStopEarly()
    {
        var budget = (MinimizeResult)Runner.Execute(Minimize("b", Bowl(), [1, 1], Sgd(0.5)), new RunOptions { MaxSteps = 10 });
        Assert.Equal(StopReason.Budget, budget.StopReason);
        Assert.Equal(10, budget.StepsTaken);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var stopped = (MinimizeResult)Runner.Execute(Minimize("c", Bowl(), [1, 1], Sgd(0.5)), new RunOptions { Cancellation = cancelled.Token });
        Assert.Equal(StopReason.Cancelled, stopped.StopReason);
        Assert.Equal(0, stopped.StepsTaken);
    }
}
