using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Data;
using Grad.Runtime.Networks;
using Grad.Runtime.Runs;
using Grad.Runtime.Training;

namespace Grad.Runtime.Tests;

/// <summary>
/// Loss landscapes (docs/training.md): every value is the whole data set's loss at its point, checked
/// against an independent forward pass over all samples at once; the path's points are the least-squares
/// projections of the weights the run had at those steps (re-run to that step); the directions are what
/// Li et al. prescribe (filter-normalised rows, zero biases; orthonormal principal directions).
/// </summary>
public sealed class LandscapeTests
{
    private const string Source = """
        network net {
          input 2
          dense 5 tanh
          dense 1 sigmoid
          init xavier_normal
          seed 4
          loss bce
        }
        data moon = moons(n = 40, noise = 0.1, seed = 2)
        run fit {
          train net on moon
          optimizer sgd(lr = 0.3, momentum = 0.9)
          steps 60
          seed 9
        }
        """;

    private static (BoundRun Run, NetworkModel Model, DataSet Data, double[] Targets) Bound()
    {
        var compilation = Compilation.Create(Source);
        Assert.False(compilation.HasErrors);
        var run = Assert.Single(compilation.Program.Runs);
        var model = NetworkModel.FromBound(run.Network!);
        var data = DataLoader.Load(run.Data!).Data!;
        return (run, model, data, data.TargetsFor(model.OutputWidth)!);
    }

    private static TrainResult Train(BoundRun run, LandscapeRequest? landscape, int? maxSteps = null) =>
        Assert.IsType<TrainResult>(Runner.Execute(run, new RunOptions { Landscape = landscape, MaxSteps = maxSteps }));

    /// <summary>The mean loss over all samples in one batch: not the chunked pass the landscape uses.</summary>
    private static double IndependentLoss(NetworkModel model, DataSet data, double[] targets, double[] parameters) =>
        new Backprop(model, data.Count).Forward(parameters, data.Features, targets, data.Count);

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void TheLineIsTheLossAtEachPointBetweenTheStartAndTheFinalWeights()
    {
        var (run, model, data, targets) = Bound();
        var result = Train(run, new LandscapeRequest(9));
        var landscape = result.Landscape!;
        Assert.Equal([-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5], landscape.Alphas);
        var start = NetworkModel.InitialParameters(run.Network!, model);
        var final = result.FinalParameters;
        for (var k = 0; k < landscape.Alphas.Length; k++)
        {
            var alpha = landscape.Alphas[k];
            var point = start.Zip(final, (a, b) => a + alpha * (b - a)).ToArray();
            Close(IndependentLoss(model, data, targets, point), landscape.LineLosses[k], $"α = {alpha}");
        }

        Assert.Equal(result.DataLoss, landscape.LineLosses[6]);
        Assert.Equal(9 + 81, landscape.ForwardPasses);
    }

    [Fact]
    public void TheRandomPlaneIsTheLossAtEveryGridPointOnFilterNormalisedDirections()
    {
        var (run, model, data, targets) = Bound();
        var result = Train(run, new LandscapeRequest(7, LandscapeDirections.Random));
        var landscape = result.Landscape!;
        var final = result.FinalParameters;
        var (d1, d2) = (landscape.Direction1, landscape.Direction2);
        foreach (var layer in model.Layers)
        {
            Assert.All(new[] { d1, d2 }, d => Assert.All(d.AsSpan(layer.BiasOffset, layer.Units).ToArray(), b => Assert.Equal(0, b)));
            for (var unit = 0; unit < layer.Units; unit++)
            {
                double RowNorm(double[] v) => Math.Sqrt(v.AsSpan(layer.WeightOffset + unit * layer.InputUnits, layer.InputUnits).ToArray().Sum(x => x * x));
                Close(RowNorm(final), RowNorm(d1), $"layer {layer.Index} unit {unit}: ‖d1 row‖");
                Close(RowNorm(final), RowNorm(d2), $"layer {layer.Index} unit {unit}: ‖d2 row‖");
            }
        }

        Assert.True(landscape.PlaneX[0] <= -1 && landscape.PlaneX[^1] >= 1 && landscape.PlaneY[0] <= -1 && landscape.PlaneY[^1] >= 1);
        for (var row = 0; row < 7; row++)
        {
            for (var column = 0; column < 7; column++)
            {
                var (x, y) = (landscape.PlaneX[column], landscape.PlaneY[row]);
                var point = final.Select((t, i) => t + x * d1[i] + y * d2[i]).ToArray();
                Close(IndependentLoss(model, data, targets, point), landscape.PlaneLosses[row, column], $"({x}, {y})");
            }
        }

        // Seeded: the same run gives the same directions; another run seed other ones.
        Assert.Equal(d1, Train(run, new LandscapeRequest(3)).Landscape!.Direction1);
        Assert.NotEqual(d1, Train(run with { Seed = 10 }, new LandscapeRequest(3)).Landscape!.Direction1);
    }

    [Theory]
    [InlineData(LandscapeDirections.Pca)]
    [InlineData(LandscapeDirections.Random)]
    public void ThePathsPointsAreTheLeastSquaresProjectionsOfTheWeightsAtThoseSteps(LandscapeDirections directions)
    {
        var (run, _, _, _) = Bound();
        var result = Train(run, new LandscapeRequest(5, directions));
        var landscape = result.Landscape!;
        var final = result.FinalParameters;
        var (d1, d2) = (landscape.Direction1, landscape.Direction2);
        Assert.Equal(Enumerable.Range(0, 61), landscape.PathSteps);
        foreach (var k in new[] { 0, 1, 17, 40, 60 })
        {
            // The weights after k updates, from the same run stopped there.
            var weights = k == 0 ? NetworkModel.InitialParameters(run.Network!, NetworkModel.FromBound(run.Network!)) : Train(run, null, maxSteps: k).FinalParameters;
            var (x, y) = (landscape.PathX[k], landscape.PathY[k]);
            // Least squares: the residual is orthogonal to both directions.
            var residual = weights.Select((w, i) => w - final[i] - x * d1[i] - y * d2[i]).ToArray();
            var scale = Math.Sqrt(weights.Select((w, i) => (w - final[i]) * (w - final[i])).Sum()) + 1e-300;
            Assert.True(Math.Abs(residual.Zip(d1, (r, d) => r * d).Sum()) <= 1e-10 * scale * Math.Sqrt(d1.Sum(d => d * d)), $"step {k}: residual·d1");
            Assert.True(Math.Abs(residual.Zip(d2, (r, d) => r * d).Sum()) <= 1e-10 * scale * Math.Sqrt(d2.Sum(d => d * d)), $"step {k}: residual·d2");
            if (directions == LandscapeDirections.Pca)
            {
                // Orthonormal directions: the projection is the dot products.
                Close(weights.Select((w, i) => (w - final[i]) * d1[i]).Sum(), x, $"step {k}: x");
                Close(weights.Select((w, i) => (w - final[i]) * d2[i]).Sum(), y, $"step {k}: y");
            }
        }

        Assert.Equal((0.0, 0.0), (landscape.PathX[^1], landscape.PathY[^1]));
        if (directions == LandscapeDirections.Pca)
        {
            Close(1, d1.Sum(d => d * d), "‖d1‖²");
            Close(1, d2.Sum(d => d * d), "‖d2‖²");
            Assert.True(Math.Abs(d1.Zip(d2, (a, b) => a * b).Sum()) <= 1e-12, "d1 ⟂ d2");
            Assert.True(landscape.ExplainedVariance![0] >= landscape.ExplainedVariance[1] && landscape.ExplainedVariance.Sum() <= 1 + 1e-12);
            Assert.True(landscape.PathX[0] <= 0 && landscape.PathY[0] <= 0, "θ0 on the negative side of both");
        }
    }

    [Fact]
    public void ThePrincipalDirectionsAreTheTopEigenvectorsOfTheCentredPathsCovariance()
    {
        // Points on a known ellipse in 3-D around θT = 0: the variance is largest along e1, then e2.
        double[] final = [0, 0, 0];
        var path = Enumerable.Range(0, 12).Select(k => (k, new[] { 3 * Math.Cos(k * Math.PI / 6), Math.Sin(k * Math.PI / 6), 0.0 })).ToList();
        var (first, second, explained) = LossLandscapes.Principal(path, final);
        Assert.Equal(1, Math.Abs(first[0]), 12);
        Assert.Equal(1, Math.Abs(second[1]), 12);
        Assert.Equal(0.9, explained[0], 12);
        Assert.Equal(0.1, explained[1], 12);
        Assert.Throws<ArgumentException>(() => LossLandscapes.Principal([(0, [1.0, 0, 0]), (1, [2.0, 0, 0]), (2, [3.0, 0, 0])], final));
    }

    [Fact]
    public void TheGridIsBudgetedAndCancellable()
    {
        Assert.Equal(99, LossLandscapes.Resolution(new LandscapeRequest(99), 1).Resolution);
        Assert.Null(LossLandscapes.Resolution(new LandscapeRequest(99), 1).Note);
        var (lowered, note) = LossLandscapes.Resolution(new LandscapeRequest(99), 1e6);
        Assert.True(lowered < 99 && (lowered + 1) + (double)(lowered + 1) * (lowered + 1) > LandscapeRequest.MaxWork / 1e6 && lowered + (double)lowered * lowered <= LandscapeRequest.MaxWork / 1e6);
        Assert.Contains("resolution lowered from 99", note);

        var (run, model, _, _) = Bound();
        using var cancel = new CancellationTokenSource();
        var calls = 0;
        Assert.Throws<OperationCanceledException>(() => LossLandscapes.Compute(new LandscapeRequest(9), model, new double[model.ParameterCount], new double[model.ParameterCount], [],
            0, _ => { if (++calls == 5) { cancel.Cancel(); } return 1; }, 1, cancel.Token));
        Assert.Equal(5, calls);
    }

    [Fact]
    public void WithATimeBudgetTheResolutionIsLoweredUntilItsPassesFitAtTheFirstPassesTime()
    {
        Assert.Equal((4, null), LossLandscapes.WithinTime(4, null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(0.25)));
        var (lowered, note) = LossLandscapes.WithinTime(21, null, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(0.25));
        Assert.Equal(4, lowered); // 4 + 16 = 20 passes of 10 ms fit 0.25 s; 5 + 25 = 30 would not
        Assert.Equal("resolution lowered from 21 to 4: (N + N²) passes of 10 ms must stay within the time budget of 0.25 s (docs/training.md)", note);
        Assert.Equal(3, LossLandscapes.WithinTime(21, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.25)).Resolution);

        // Computed: a pass that takes at least 10 ms under a budget of 0.25 s leaves at most N = 4, and the values are the loss at the points.
        var (run, model, data, targets) = Bound();
        var result = Train(run, null);
        var start = NetworkModel.InitialParameters(run.Network!, model);
        var final = result.FinalParameters;
        double SlowLoss(double[] point)
        {
            Thread.Sleep(10);
            return IndependentLoss(model, data, targets, point);
        }

        var landscape = LossLandscapes.Compute(new LandscapeRequest(21) { TimeBudget = TimeSpan.FromSeconds(0.25) }, model, start, final, [(0, start), (60, final)],
            run.Seed, SlowLoss, 1);
        Assert.InRange(landscape.Resolution, LandscapeRequest.MinResolution, 4);
        Assert.Equal(landscape.Resolution + landscape.Resolution * landscape.Resolution + 1, landscape.ForwardPasses); // + the warm timing pass
        Assert.StartsWith($"resolution lowered from 21 to {landscape.Resolution}: ", landscape.Note, StringComparison.Ordinal);
        Assert.Equal(LandscapeRequest.LineFrom, landscape.Alphas[0]);
        Assert.Equal(LandscapeRequest.LineTo, landscape.Alphas[^1]);
        for (var k = 0; k < landscape.Alphas.Length; k++)
        {
            var alpha = landscape.Alphas[k];
            Close(IndependentLoss(model, data, targets, [.. start.Zip(final, (a, b) => a + alpha * (b - a))]), landscape.LineLosses[k], $"α = {alpha}");
        }

        // Without a budget (the CLI) nothing is timed: the resolution asked for.
        Assert.Equal(9, LossLandscapes.Compute(new LandscapeRequest(9), model, start, final, [(0, start), (60, final)], run.Seed, p => IndependentLoss(model, data, targets, p), 1).Resolution);
    }

    [Fact]
    public void AColdFirstPassAloneDoesNotLowerTheResolution()
    {
        // The first pass is slow (as the forward pass's compilation on a busy machine makes it), every later one
        // fast: the warm pass decides, N stays as asked, and the one extra pass is counted.
        var (run, model, data, targets) = Bound();
        var result = Train(run, null);
        var start = NetworkModel.InitialParameters(run.Network!, model);
        var final = result.FinalParameters;
        var calls = 0;
        double ColdLoss(double[] point)
        {
            if (++calls == 1)
            {
                Thread.Sleep(300);
            }

            return IndependentLoss(model, data, targets, point);
        }

        var landscape = LossLandscapes.Compute(new LandscapeRequest(9) { TimeBudget = TimeSpan.FromSeconds(5) }, model, start, final, [(0, start), (60, final)],
            run.Seed, ColdLoss, 1);
        Assert.Equal(9, landscape.Resolution); // 300 ms × 90 passes would need 27 s
        Assert.Null(landscape.Note);
        Assert.Equal(9 + 81 + 1, landscape.ForwardPasses);
        Assert.Equal(calls, landscape.ForwardPasses);
        var alpha = landscape.Alphas[0];
        Close(IndependentLoss(model, data, targets, [.. start.Zip(final, (a, b) => a + alpha * (b - a))]), landscape.LineLosses[0], "the line's first point");
    }

    [Fact]
    public void TheLandscapeIsDrawnLikeACostsContourWithThePath()
    {
        var (run, _, _, _) = Bound();
        var result = Train(run, new LandscapeRequest(11, LandscapeDirections.Pca));
        var charts = Assert.IsType<LandscapeCharts>(LandscapeCharts.FromRun(result));
        Assert.Equal("fit-landscape", charts.PlaneFileStem);
        Assert.Equal("fit-landscape-line", charts.Line.FileStem);
        Assert.Equal(result.Landscape!.LineLosses, charts.Line.Series[0].Y);
        var path = Assert.Single(charts.Plane.Paths);
        Assert.Equal(result.Landscape.PathX, path.X);
        Assert.StartsWith("PC1 (", charts.Plane.XParameter);
        Assert.True(charts.Plane.Lines.Count >= LevelSet.MinCount);
        Assert.Contains("loss landscape", charts.Plane.Title);

        var panel = PanelCharts.Build("f.grad", ChartSet.FromRuns(Compilation.Create(Source).Program, [result]), [result], []);
        var section = panel["sections"]!.Single(s => (string?)s["run"] == "fit");
        var plane = section["charts"]!.Single(c => (string)c["id"]! == "landscape-0");
        Assert.Equal("path", (string)plane["kind"]!);
        Assert.Equal(61, plane["series"]![0]!["xs"]!.Count());
    }

    [Fact]
    public void TheLandscapeSurvivesTheJsonRoundTrip()
    {
        var (run, _, _, _) = Bound();
        var result = Train(run, new LandscapeRequest(5, LandscapeDirections.Pca));
        var read = Assert.IsType<TrainResult>(ResultSerializer.ReadRun(ResultSerializer.ToJson(result))).Landscape!;
        Assert.Equal(result.Landscape!.PlaneLosses, read.PlaneLosses);
        Assert.Equal(result.Landscape.PathY, read.PathY);
        Assert.Equal(result.Landscape.ExplainedVariance, read.ExplainedVariance);
        Assert.Equal(LandscapeDirections.Pca, read.Directions);
    }
}
