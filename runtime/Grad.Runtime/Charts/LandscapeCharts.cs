using Grad.Runtime.Contracts;

namespace Grad.Runtime.Charts;

/// <summary>
/// A training run's loss landscape as charts (docs/training.md): <c>RUN-landscape-line</c>, the loss
/// against α along θ0 + α(θT − θ0), and <c>RUN-landscape</c>, the plane's level sets with the
/// projected path, drawn like a cost's contour (<see cref="ContourChart"/>: the CLI's contour plot, the panel's path chart).
/// </summary>
public sealed record LandscapeCharts(string RunName, LineChart Line, ContourChart Plane)
{
    public string PlaneFileStem => $"{RunName}-landscape";

    public static LandscapeCharts? FromRun(TrainResult run)
    {
        if (run.Landscape is not { } landscape)
        {
            return null;
        }

        var line = new LineChart($"{run.Name}-landscape-line", $"run {run.Name}: loss along θ0 + α(θT − θ0) (α = 0 start, 1 end)", "α", $"loss over {run.DataName}",
            LineChart.SpansDecades(landscape.LineLosses), [new ChartSeries($"{run.Name} ({run.NetworkName})", landscape.Alphas, landscape.LineLosses)]);
        var levels = LevelSet.LogSpaced(landscape.PlaneLosses.Cast<double>());
        var lines = levels.Levels.SelectMany(level => MarchingSquares.Trace(landscape.PlaneX, landscape.PlaneY, landscape.PlaneLosses, level)).ToList();
        var (x, y, directions) = landscape.ExplainedVariance is [var first, var second, ..]
            ? ($"PC1 ({Numbers.Format(100 * first, 3)}% of the path's variance)", $"PC2 ({Numbers.Format(100 * second, 3)}%)", "the path's top two principal directions")
            : ("d1 (random, filter-normalised)", "d2 (random, filter-normalised)", "two filter-normalised random directions");
        var window = new ChartWindow(landscape.PlaneX[0], landscape.PlaneX[^1], landscape.PlaneY[0], landscape.PlaneY[^1]);
        var path = new ContourPath(run.Name, run.Optimizer, landscape.PathSteps, landscape.PathX, landscape.PathY);
        var plane = new ContourChart($"loss of {run.Name}", x, y, 0, 1, [], null, window, landscape.PlaneX, landscape.PlaneY, landscape.PlaneLosses, levels, lines, [path])
        {
            Caption = $"run {run.Name}: loss landscape around the final weights on {directions}, with the path",
        };
        return new LandscapeCharts(run.Name, line, plane);
    }
}
