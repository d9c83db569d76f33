using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Charts;
using Grad.Runtime.Costs;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Tests;

/// <summary>The charts' data (Grad.Runtime.Charts): what <c>--plot</c> draws is the runs' own numbers.</summary>
public sealed class ChartsTests
{
    private static (BoundProgram Program, IReadOnlyList<RunResult> Results) Run(string text)
    {
        var compilation = Compilation.Create(text, "test.grad");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        return (compilation.Program, new RunDriver().RunFile(compilation.Program));
    }

    private static readonly Lazy<(BoundProgram Program, IReadOnlyList<RunResult> Results)> Seed =
        new(() => Run(File.ReadAllText(Repo.PathOf("examples/seed.grad"))));

    private static ChartSet SeedCharts() => ChartSet.FromRuns(Seed.Value.Program, Seed.Value.Results);

    [Fact]
    public void SeedHasOneContourPerCostWithEveryMinimizeRunAsAPath()
    {
        var charts = SeedCharts();
        var contour = Assert.Single(charts.Contours);
        Assert.Equal("bowl", contour.CostName);
        Assert.Equal(("w1", "w2"), (contour.XParameter, contour.YParameter));
        Assert.Empty(contour.Held);
        Assert.Equal(["plain", "early", "adaptive"], contour.Paths.Select(p => p.RunName));
    }

    [Fact]
    public void ContourPathsEqualTheRunsTraces()
    {
        var contour = Assert.Single(SeedCharts().Contours);
        var runs = Seed.Value.Results.OfType<MinimizeResult>().ToList();
        foreach (var (path, run) in contour.Paths.Zip(runs))
        {
            Assert.Equal(run.Name, path.RunName);
            Assert.Equal(run.Trace.Select(t => t.Step), path.Steps);
            Assert.Equal(run.Trace.Select(t => t.Parameters[0]), path.X);
            Assert.Equal(run.Trace.Select(t => t.Parameters[1]), path.Y);
        }

        // The seed's picture: plain gradient descent drops to the w1 axis in one step and then crawls.
        var plain = contour.Paths[0];
        Assert.Equal((1.0, 1.0), (plain.X[0], plain.Y[0]));
        Assert.Equal(0.0, plain.Y[1]);
        Assert.Equal(0.367695424770964, plain.X[^1], 12);
    }

    [Fact]
    public void WindowContainsEveryTrajectoryPointWithAMargin()
    {
        var contour = Assert.Single(SeedCharts().Contours);
        var window = contour.Window;
        var points = contour.Paths.SelectMany(p => p.X.Zip(p.Y)).ToList();
        Assert.All(points, p => Assert.True(window.Contains(p.First, p.Second), $"({p.First}, {p.Second}) outside {window}"));

        // Not much more than the paths need: 10% of their extent on every side.
        double xMin = points.Min(p => p.First), xMax = points.Max(p => p.First), yMin = points.Min(p => p.Second), yMax = points.Max(p => p.Second);
        Assert.Equal(xMin - (0.1 * (xMax - xMin)), window.XMin, 12);
        Assert.Equal(xMax + (0.1 * (xMax - xMin)), window.XMax, 12);
        Assert.Equal(yMin - (0.1 * (yMax - yMin)), window.YMin, 12);
        Assert.Equal(yMax + (0.1 * (yMax - yMin)), window.YMax, 12);

        // The grid spans exactly the window.
        Assert.Equal((window.XMin, window.XMax), (contour.GridX[0], contour.GridX[^1]));
        Assert.Equal((window.YMin, window.YMax), (contour.GridY[0], contour.GridY[^1]));
    }

    [Fact]
    public void GridHoldsTheCostsValues()
    {
        var contour = Assert.Single(SeedCharts().Contours);
        foreach (var (row, column) in new[] { (0, 0), (17, 99), (80, 80), (160, 3) })
        {
            var w1 = contour.GridX[column];
            var w2 = contour.GridY[row];
            Assert.Equal((0.001 * w1 * w1) + (w2 * w2), contour.Values[row, column], 15);
        }
    }

    [Fact]
    public void ContourLevelsCoverTheWindowsValuesAndAreLogSpaced()
    {
        var contour = Assert.Single(SeedCharts().Contours);
        var values = contour.Values.Cast<double>().ToList();
        double lo = values.Min(), hi = values.Max();
        var levels = contour.Levels.Levels;
        Assert.True(lo > 0, "the bowl is positive on this grid");
        Assert.Equal(0, contour.Levels.Base);

        // From the bottom of the window's values (or 6 decades below the top) to the top.
        Assert.Equal(hi, levels[^1]);
        Assert.Equal(Math.Max(lo, hi * 1e-6), levels[0], 15);
        Assert.InRange(levels.Count, LevelSet.MinCount, LevelSet.MaxCount);
        AssertLogSpaced(levels, contour.Levels.Base);
    }

    [Fact]
    public void LevelsOfANegativeCostAreLogSpacedAboveItsMinimum()
    {
        var levels = LevelSet.LogSpaced([-5, -4.9, -3, 0, 20, 95]);
        Assert.Equal(-5, levels.Base);
        Assert.Equal(95, levels.Levels[^1]);
        Assert.Equal(-4.9, levels.Levels[0], 12);
        AssertLogSpaced(levels.Levels, levels.Base);
    }

    [Fact]
    public void LevelsOfPositiveValuesAreGeometricWithFourPerDecade()
    {
        var levels = LevelSet.LogSpaced([1, 10, 100, 1000, double.NaN, double.PositiveInfinity]);
        Assert.Equal(0, levels.Base);
        Assert.Equal(13, levels.Levels.Count);
        for (var i = 0; i < 13; i++)
        {
            Assert.Equal(Math.Pow(10, i / 4.0), levels.Levels[i], 9);
        }

        Assert.Empty(LevelSet.LogSpaced([2, 2, 2]).Levels);
        Assert.Empty(LevelSet.LogSpaced([double.NaN]).Levels);
    }

    private static void AssertLogSpaced(IReadOnlyList<double> levels, double @base)
    {
        var ratios = levels.Zip(levels.Skip(1), (a, b) => Math.Log((b - @base) / (a - @base))).ToList();
        Assert.All(ratios, r => Assert.True(r > 0, "levels increase"));
        Assert.All(ratios, r => Assert.Equal(ratios[0], r, 9));
    }

    [Fact]
    public void ContourLinesLieOnTheirLevel()
    {
        // Linear interpolation along the cell edges is exact for a linear cost.
        var (program, results) = Run("""
            cost tilt(x, y) = x + 2*y + 10
            run slide {
              minimize tilt from x = 1, y = 1
              optimizer sgd(lr = 0.1)
              steps 20
            }
            """);
        var contour = Assert.Single(ChartSet.FromRuns(program, results).Contours);
        Assert.NotEmpty(contour.Lines);
        Assert.All(contour.Lines, line =>
        {
            Assert.Contains(line.Level, contour.Levels.Levels);
            for (var i = 0; i < line.X.Length; i++)
            {
                Assert.Equal(line.Level, line.X[i] + (2 * line.Y[i]) + 10, 9);
            }
        });
    }

    [Fact]
    public void ALevelSetInsideTheWindowIsOneClosedLine()
    {
        var xs = Enumerable.Range(0, 41).Select(i => -2 + (i * 0.1)).ToArray();
        var values = new double[xs.Length, xs.Length];
        for (var row = 0; row < xs.Length; row++)
        {
            for (var column = 0; column < xs.Length; column++)
            {
                values[row, column] = (xs[column] * xs[column]) + (xs[row] * xs[row]);
            }
        }

        var line = Assert.Single(MarchingSquares.Trace(xs, xs, values, 1.0));
        Assert.Equal((line.X[0], line.Y[0]), (line.X[^1], line.Y[^1]));
        Assert.All(line.X.Zip(line.Y), p => Assert.Equal(1.0, Math.Sqrt((p.First * p.First) + (p.Second * p.Second)), 2));

        // The cells around a NaN (here at (1, 0), on the circle) are skipped: the circle opens there.
        values[20, 30] = double.NaN;
        var open = Assert.Single(MarchingSquares.Trace(xs, xs, values, 1.0));
        Assert.NotEqual((open.X[0], open.Y[0]), (open.X[^1], open.Y[^1]));
        Assert.True(open.X.Length < line.X.Length);
    }

    [Fact]
    public void ACostOfThreeParametersIsDrawnInTheTwoThatMoveMost()
    {
        var (program, results) = Run("""
            cost three(a, b, c) = a^2 + 0.0001*b^2 + c^2
            run first {
              minimize three from a = 1, b = 1, c = 3
              optimizer sgd(lr = 0.1)
              steps 50
            }
            run second {
              minimize three from a = -1, b = 2, c = 1
              optimizer sgd(lr = 0.05, momentum = 0.5)
              steps 50
            }
            """);
        var runs = results.OfType<MinimizeResult>().ToList();
        Assert.Equal((0, 2), ContourChart.ChooseAxes(runs, 3));

        var contour = Assert.Single(ChartSet.FromRuns(program, results).Contours);
        Assert.Equal(("a", "c"), (contour.XParameter, contour.YParameter));
        var held = Assert.Single(contour.Held);
        Assert.Equal("b", held.Name);
        Assert.Equal(runs[0].FinalParameters[1], held.Value);
        Assert.Equal("first", contour.HeldFrom);
        Assert.Contains("b = ", contour.Title, StringComparison.Ordinal);
        Assert.Contains("final values of run first", contour.Title, StringComparison.Ordinal);

        // Paths are the traces' a and c; the grid is the cost with b held.
        Assert.Equal(runs[1].Trace.Select(t => t.Parameters[0]), contour.Paths[1].X);
        Assert.Equal(runs[1].Trace.Select(t => t.Parameters[2]), contour.Paths[1].Y);
        var cost = CompiledCost.Compile(program.Costs[0]);
        Assert.Equal(cost.Evaluate([contour.GridX[7], held.Value, contour.GridY[150]]), contour.Values[150, 7]);
    }

    [Fact]
    public void TheAxesAreTheParametersWithTheLargestRangeOverAllRuns()
    {
        static MinimizeResult Fake(string name, params double[][] points) => new(
            name, new OptimizerSpec(OptimizerKind.Sgd, 0.1), points.Length - 1, StopReason.Steps, "f", ["p", "q", "r", "s"], 0, points[^1], new double[4],
            MinimizeTrace.Of(4, points.Select((p, k) => new MinimizeTracePoint(k, 0, p, new double[4]))));

        // q moves 3 in the first run; s moves 0.5 in each but 5 across the two runs; p and r barely move.
        var runs = new[]
        {
            Fake("one", [0, 0, 0, 0], [0.1, 3, 0, 0.5]),
            Fake("two", [0, 0, 0.2, 5], [0, 0, 0.2, 4.5]),
        };
        Assert.Equal((1, 3), ContourChart.ChooseAxes(runs, 4));
    }

    [Fact]
    public void CostCurvesAndGradientComponentsAreTheTraces()
    {
        var charts = SeedCharts();
        var runs = Seed.Value.Results.OfType<MinimizeResult>().ToList();

        var cost = Assert.Single(charts.Lines, l => l.FileStem == "bowl-cost");
        Assert.True(cost.LogY, "the bowl's cost falls by decades");
        Assert.Equal(runs.Select(r => r.Name), cost.Series.Select(s => s.Group));
        Assert.Equal(["plain: sgd(lr = 0.5)", "early: sgd(lr = 0.5)", "adaptive: adagrad(lr = 0.5)"], cost.Series.Select(s => s.Name));
        foreach (var (series, run) in cost.Series.Zip(runs))
        {
            Assert.Equal(run.Trace.Select(t => (double)t.Step), series.X);
            Assert.Equal(run.Trace.Select(t => t.Cost), series.Y);
        }

        var plain = runs[0];
        var gradient = Assert.Single(charts.Lines, l => l.FileStem == "plain-gradient");
        Assert.True(gradient.LogY);
        Assert.Equal(["|∂bowl/∂w1|", "|∂bowl/∂w2|"], gradient.Series.Select(s => s.Name));
        Assert.Equal(plain.Trace.Select(t => Math.Abs(t.Gradient[0])), gradient.Series[0].Y);
        Assert.Equal(plain.Trace.Select(t => Math.Abs(t.Gradient[1])), gradient.Series[1].Y);
        Assert.Contains(charts.Lines, l => l.FileStem == "early-gradient");
        Assert.Contains(charts.Lines, l => l.FileStem == "adaptive-gradient");
    }

    [Fact]
    public void LogScaleOnlyWhereTheValuesSpanDecades()
    {
        Assert.True(LineChart.SpansDecades([1, 0.5, 0.01, 0]));
        Assert.False(LineChart.SpansDecades([1, 0.5, 0.02]));
        Assert.False(LineChart.SpansDecades([1, -0.5, 0.0001]));
        Assert.False(LineChart.SpansDecades([0, 0, double.NaN]));
    }

    [Fact]
    public void LossCurvesGroupTrainingRunsByDataSet()
    {
        var charts = SeedCharts();
        var deep = Seed.Value.Results.OfType<TrainResult>().Single();
        var loss = Assert.Single(charts.Lines, l => l.FileStem == "point-loss");
        var series = Assert.Single(loss.Series);
        Assert.Equal("deep (chain)", series.Name);
        Assert.Equal(deep.Trace.Select(t => t.Loss), series.Y);
        Assert.Equal(deep.Trace.Select(t => (double)t.Step), series.X);
    }

    [Fact]
    public void SmoothingIsTensorBoardsDebiasedMovingAverage()
    {
        // By hand, w = 0.9: m = 0.1·1 = 0.1 → 0.1/(1 − 0.9) = 1; m = 0.09 → 0.09/0.19; m = 0.081 + 0.1 = 0.181 → 0.181/0.271;
        // m = 0.1629 → 0.1629/0.3439. The infinite point passes through and does not count.
        var smoothed = LineChart.Smooth([1, 0, 1, double.PositiveInfinity, 0], 0.9);
        Assert.Equal(1, smoothed[0], 15);
        Assert.Equal(0.09 / 0.19, smoothed[1], 15);
        Assert.Equal(0.181 / 0.271, smoothed[2], 15);
        Assert.Equal(double.PositiveInfinity, smoothed[3]);
        Assert.Equal(0.1629 / 0.3439, smoothed[4], 15);

        // A constant curve stays itself; the default weight is 0.9.
        Assert.All(LineChart.Smooth([2.5, 2.5, 2.5]), v => Assert.Equal(2.5, v, 14));
        Assert.Equal(LineChart.Smooth([3, 1, 2], 0.9), LineChart.Smooth([3, 1, 2]));
    }

    [Fact]
    public void AMiniBatchLossCurveGetsASmoothedLineInItsRunsGroupAndAFullBatchOneDoesNot()
    {
        var (program, results) = Run("""
            network net {
              input 2
              dense 4 tanh
              dense 1 sigmoid
              loss bce
              seed 1
            }
            data moons = moons(n = 40, noise = 0.2, seed = 3)
            run minibatch {
              train net on moons
              optimizer sgd(lr = 0.5)
              batch 8
              epochs 4
              seed 2
            }
            run full {
              train net on moons
              optimizer sgd(lr = 0.5)
              steps 20
            }
            """);
        var loss = Assert.Single(ChartSet.FromRuns(program, results).Lines, l => l.FileStem == "moons-loss");
        var minibatch = results.OfType<TrainResult>().Single(r => r.Name == "minibatch");
        Assert.Equal(["minibatch (net)", "minibatch (smoothed)", "full (net)"], loss.Series.Select(s => s.Name));
        Assert.Equal([false, true, false], loss.Series.Select(s => s.Smoothed));
        var smoothed = loss.Series[1];
        Assert.Equal("minibatch", smoothed.Group);
        Assert.Equal(minibatch.Trace.Select(t => (double)t.Step), smoothed.X);
        Assert.Equal(LineChart.Smooth([.. minibatch.Trace.Select(t => t.Loss)]), smoothed.Y);
    }

    [Fact]
    public void HeatmapCellsAreTheTracedDeltaNorms()
    {
        var deep = Seed.Value.Results.OfType<TrainResult>().Single();
        var heatmap = Assert.Single(SeedCharts().Heatmaps);
        Assert.Equal("deep-heatmap", heatmap.FileStem);
        Assert.Equal(Enumerable.Range(1, 9), heatmap.Layers);
        Assert.Equal(deep.Trace.Select(t => t.Step), heatmap.Steps);
        Assert.Equal((9, 101), (heatmap.Log10Norms.GetLength(0), heatmap.Log10Norms.GetLength(1)));
        for (var l = 0; l < 9; l++)
        {
            for (var k = 0; k < deep.Trace.Count; k++)
            {
                Assert.Equal(Math.Log10(deep.Trace[k].DeltaNorms[l]), heatmap.Log10Norms[l, k]);
            }
        }

        // The seed's vanishing gradient: layer 1's δ is about eight decades below the output's.
        Assert.InRange(heatmap.Log10Norms[8, 0] - heatmap.Log10Norms[0, 0], 6, 10);
    }

    [Fact]
    public void AZeroNormIsAGapInTheHeatmap()
    {
        var run = new TrainResult(
            "r", new OptimizerSpec(OptimizerKind.Sgd, 0.1), 1, StopReason.Steps, "n", "d", 1, 1,
            [new LayerSummary(1, 1, "relu", null, new(0, 0), new(0, 0)), new LayerSummary(2, 1, "linear", null, new(1, 1), new(1, 1))],
            TrainTrace.Of(2, [new TrainTracePoint(0, 1, [0, 0.1], [0, 0.1]), new TrainTracePoint(1, 1, [double.NaN, 10], [0, 10])]),
            new NetworkWeights([]));
        var heatmap = DeltaHeatmap.FromRun(run);
        Assert.True(double.IsNaN(heatmap.Log10Norms[0, 0]));
        Assert.True(double.IsNaN(heatmap.Log10Norms[0, 1]));
        Assert.Equal(-1, heatmap.Log10Norms[1, 0], 15);
        Assert.Equal(1, heatmap.Log10Norms[1, 1], 15);
    }

    [Fact]
    public void GradientFlowShowsEachLayersNormsInitiallyAndAfterTraining()
    {
        var deep = Seed.Value.Results.OfType<TrainResult>().Single();
        var flow = Assert.Single(SeedCharts().Flows);
        Assert.Equal("chain-flow", flow.FileStem);
        Assert.Equal(Enumerable.Range(1, 9), flow.Layers);
        Assert.Equal("9 out", flow.LayerNames[^1]);
        Assert.Equal(["‖δ^l‖ initial", "‖∂C/∂W^l‖ initial", "‖δ^l‖ after deep", "‖∂C/∂W^l‖ after deep"], flow.Series.Select(s => s.Name));
        Assert.Equal(deep.Layers.Select(l => l.DeltaNorm.Initial), flow.Series[0].Values);
        Assert.Equal(deep.Layers.Select(l => l.WeightGradNorm.Initial), flow.Series[1].Values);
        Assert.Equal(deep.Layers.Select(l => l.DeltaNorm.Final), flow.Series[2].Values);
        Assert.Equal(deep.Layers.Select(l => l.WeightGradNorm.Final), flow.Series[3].Values);
    }

    [Fact]
    public void AnUntrainedNetworkIsShownAtItsInitialWeights()
    {
        var (program, results) = Run("""
            network lonely {
              input 2
              dense 3 tanh
              dense 1 sigmoid
              loss bce
            }
            """);
        Assert.Empty(results);
        Assert.Empty(ChartSet.FromRuns(program, results).Flows);

        var analysis = NetworkAnalyzer.AnalyzeInitial(program, program.Networks[0])!;
        var flow = Assert.Single(ChartSet.FromRuns(program, results, network => NetworkAnalyzer.AnalyzeInitial(program, network)).Flows);
        Assert.Equal(["‖δ^l‖ initial", "‖∂C/∂W^l‖ initial"], flow.Series.Select(s => s.Name));
        Assert.Equal(analysis.Layers.Select(l => l.DeltaNorm), flow.Series[0].Values);
        Assert.Equal(analysis.Layers.Select(l => l.WeightGradNorm), flow.Series[1].Values);
        Assert.Equal(flow, Assert.Single(ChartSet.FromAnalyses([analysis]).Flows), new FlowComparer());
    }

    private sealed class FlowComparer : IEqualityComparer<GradientFlowChart>
    {
        public bool Equals(GradientFlowChart? x, GradientFlowChart? y) =>
            x is not null && y is not null && x.NetworkName == y.NetworkName && x.Layers.SequenceEqual(y.Layers)
            && x.Series.Select(s => s.Name).SequenceEqual(y.Series.Select(s => s.Name))
            && x.Series.Zip(y.Series).All(p => p.First.Values.SequenceEqual(p.Second.Values));

        public int GetHashCode(GradientFlowChart obj) => obj.NetworkName.GetHashCode(StringComparison.Ordinal);
    }

    [Fact]
    public void AOneParameterCostHasAProfileInsteadOfAContour()
    {
        var (program, results) = Run("""
            cost line(x) = (x - 3)^2
            run go {
              minimize line from x = 0
              optimizer sgd(lr = 0.1)
              steps 30
            }
            """);
        var charts = ChartSet.FromRuns(program, results);
        Assert.Empty(charts.Contours);
        Assert.Contains(charts.Lines, l => l.FileStem == "line-cost");
        Assert.Contains(charts.Lines, l => l.FileStem == "go-gradient");

        var run = (MinimizeResult)results[0];
        var profile = Assert.Single(charts.Profiles);
        Assert.Equal("line-profile", profile.FileStem);
        var path = Assert.Single(profile.Paths);
        Assert.Equal(run.Trace.Select(t => t.Parameters[0]), path.X);
        Assert.Equal(run.Trace.Select(t => t.Cost), path.Cost);

        // The window is the path's range (0 … ≈3) and 10% more each side; the curve is the cost there.
        var xMax = run.Trace.Max(t => t.Parameters[0]);
        Assert.Equal(-0.1 * xMax, profile.GridX[0], 12);
        Assert.Equal(1.1 * xMax, profile.GridX[^1], 12);
        Assert.All(profile.GridX.Zip(profile.Values), p => Assert.Equal((p.First - 3) * (p.First - 3), p.Second, 12));
    }

    [Fact]
    public void ADivergedRunDoesNotShrinkTheOthersToADot()
    {
        var calm = new ContourPath("calm", new OptimizerSpec(OptimizerKind.Sgd, 0.1), [0, 1, 2], [1, 0.5, 0.2], [1, 0.6, 0.1]);
        var wild = new ContourPath("wild", new OptimizerSpec(OptimizerKind.Sgd, 10), [0, 1, 2, 3], [1, -3, 40, 1e150], [1, 2, -50, double.PositiveInfinity]);
        var window = ContourChart.WindowAround([calm, wild], [false, true]);

        // Every point of the run that converged, and the diverged run's points near them (-3, 2), but not 40 or 1e150.
        Assert.All(calm.X.Zip(calm.Y), p => Assert.True(window.Contains(p.First, p.Second)));
        Assert.True(window.Contains(-3, 2));
        Assert.False(window.Contains(40, -50));
        Assert.Equal(-3 - (0.1 * 4), window.XMin, 12);

        // Without the flags every finite point counts (1e150 is paired with an infinite y, so it is not one).
        var all = ContourChart.WindowAround([calm, wild]);
        Assert.True(all.Contains(40, -50));
        Assert.Equal(40 + (0.1 * 43), all.XMax, 12);
    }

    [Fact]
    public void TwoNetworksOrMoreAreComparedAtTheirInitialWeights()
    {
        var (program, _) = Run("""
            network narrow {
              input 1
              repeat 5 { dense 1 sigmoid }
              init normal(mean = 0, std = 1)
              loss mse
            }
            network wide {
              input 2
              dense 8 relu
              dense 8 relu
              dense 1 linear
              init he_normal
              loss mse
            }
            """);
        var analyses = program.Networks.Select(n => NetworkAnalyzer.AnalyzeInitial(program, n)!).ToList();
        var comparison = ChartSet.FromAnalyses(analyses).FlowComparison;
        Assert.NotNull(comparison);
        Assert.Equal(["narrow", "wide"], comparison.Networks.Select(n => n.NetworkName));
        foreach (var (network, analysis) in comparison.Networks.Zip(analyses))
        {
            Assert.Equal(analysis.Layers.Select(l => l.Index), network.Layers);
            Assert.Equal(analysis.Layers.Select(l => l.DeltaNorm), network.DeltaNorms);
        }

        Assert.Null(ChartSet.FromAnalyses(analyses.Take(1).ToList()).FlowComparison);
        Assert.Null(SeedCharts().FlowComparison);
    }
}
