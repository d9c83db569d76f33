using Grad.Cli;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Tests;

/// <summary>The result records and their one serializer: what <c>--json</c> writes reads back into the same records.</summary>
public sealed class ResultContractTests
{
    private static (int Exit, string Out) Grad(params string[] args)
    {
        var stdout = new StringWriter();
        var exit = CommandLine.Run(args, stdout, new StringWriter());
        return (exit, stdout.ToString());
    }

    private static string Text(GradReport report)
    {
        var text = new StringWriter();
        ResultSerializer.Write(report, text);
        return text.ToString();
    }

    [Theory]
    [InlineData("examples/seed.grad")]
    [InlineData("examples/bowl.grad")]
    [InlineData("examples/deep_chain.grad")]
    [InlineData("tests/schema-samples/cures.grad")]
    [InlineData("tests/schema-samples/minibatch.grad")]
    public void WhatRunWritesReadsBackToTheSameText(string example)
    {
        var (exit, output) = Grad("run", Repo.PathOf(example), "--json", "-");
        Assert.Equal(0, exit);
        var report = ResultSerializer.Read(new StringReader(output));
        Assert.NotNull(report.Runs);
        Assert.NotEmpty(report.Runs);
        Assert.Equal(output, Text(report));
    }

    [Fact]
    public void TheOptimizerIsReportedWithItsEffectiveDefaults()
    {
        var program = Compilation.Create("""
            cost f(x) = x^2
            run r {
              minimize f from x = 1
              optimizer adam(lr = 0.1)
              steps 3
            }
            """, "t.grad").Program;
        var json = ResultSerializer.ToJson(Runner.Execute(program.Runs[0]));
        Assert.Equal("f", (string)json["cost"]!);
        var optimizer = json["optimizer"]!;
        Assert.Equal("adam", (string)optimizer["name"]!);
        Assert.Equal(0.1, (double)optimizer["lr"]!);
        Assert.Equal(0.9, (double)optimizer["beta1"]!);
        Assert.Equal(0.999, (double)optimizer["beta2"]!);
        Assert.Equal(1e-8, (double)optimizer["eps"]!);
        Assert.Equal(0.0, (double)optimizer["weight_decay"]!);
        Assert.False((bool)optimizer["amsgrad"]!);

        var read = ResultSerializer.ReadRun(json);
        var bound = program.Runs[0].Optimizer;
        Assert.Equal(bound with { Arguments = [], Effective = [] }, read.Optimizer with { Arguments = [], Effective = [] });
        Assert.Equal(bound.Effective.ToArray(), read.Optimizer.Effective.ToArray());
    }

    [Fact]
    public void ATrainingRunReportsItsFinalWeightsExactly()
    {
        var program = Compilation.Create("""
            data d { x: [[0, 1], [1, 0], [1, 1]]  y: [1, 1, 0] }
            network n {
              input 2
              dense 3 tanh
              dense 1 sigmoid
              init normal(mean = 0, std = 1)
              loss bce
            }
            run r {
              train n on d
              optimizer sgd(lr = 0.5, momentum = 0.9)
              steps 20
            }
            """, "t.grad").Program;
        var result = (TrainResult)Runner.Execute(program.Runs[0]);
        var json = ResultSerializer.ToJson(result);
        var layers = json["final"]!["network"]!["layers"]!;
        Assert.Equal(2, layers.Count());
        Assert.Equal(3, layers[0]!["weights"]!.Count());
        Assert.Equal(2, layers[0]!["weights"]![0]!.Count());
        Assert.Equal(result.FinalNetwork.Layers[0].Weight(2, 1), (double)layers[0]!["weights"]![2]![1]!);
        Assert.Equal(result.FinalNetwork.Layers[1].Bias[0], (double)layers[1]!["bias"]![0]!);

        var text = new StringWriter();
        ResultSerializer.Write(new GradReport("t.grad", []) { Runs = [result] }, text);
        var read = (TrainResult)ResultSerializer.Read(new StringReader(text.ToString())).Runs![0];
        Assert.Equal(result.FinalParameters, read.FinalParameters);
        Assert.Equal(result.FinalLoss, read.FinalLoss);
        Assert.Equal(result.Trace.Count, read.Trace.Count);
        Assert.Equal(result.Trace[^1].DeltaNorms, read.Trace[^1].DeltaNorms);
    }

    [Fact]
    public void NonFiniteNumbersAreStringsAndReadBack()
    {
        var program = Compilation.Create("""
            cost f(x) = x^2
            run wild {
              minimize f from x = 1
              optimizer sgd(lr = 1e200)
              steps 10
            }
            """, "t.grad").Program;
        var result = (MinimizeResult)Runner.Execute(program.Runs[0]);
        Assert.Equal(StopReason.Diverged, result.StopReason);
        var json = ResultSerializer.ToJson(result);
        Assert.Equal("diverged", (string)json["stopReason"]!);
        Assert.Contains((string)json["final"]!["cost"]!, new[] { "Infinity", "NaN" });
        var read = (MinimizeResult)ResultSerializer.ReadRun(json);
        Assert.Equal(result.FinalCost, read.FinalCost);
        Assert.Equal(StopReason.Diverged, read.StopReason);
    }

    [Fact]
    public void TheTraceKeepsItsPointsInCompactRows()
    {
        var trace = new MinimizeTrace(2);
        for (var step = 0; step < 70_000; step++)
        {
            trace.Add(step, step * 0.5, [step, -step], [1, 2]);
        }

        Assert.Equal(70_000, trace.Count);
        Assert.Equal(69_999, trace.Step(69_999));
        Assert.Equal(-40_000.0, trace.Parameters(40_000)[1]);
        Assert.Equal(new MinimizeTracePoint(12_345, 6172.5, [12_345, -12_345], [1, 2]).Parameters, trace[12_345].Parameters);
    }
}
