using Grad.Language.Semantics;
using Grad.Runtime.Costs;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>The plotted rectangle of a contour chart.</summary>
public sealed record ChartWindow(double XMin, double XMax, double YMin, double YMax)
{
    public bool Contains(double x, double y) => x >= XMin && x <= XMax && y >= YMin && y <= YMax;
}

/// <summary>A minimize run's trajectory in the chart's two coordinates: the trace's points in order.</summary>
public sealed record ContourPath(string RunName, OptimizerSpec Optimizer, int[] Steps, double[] X, double[] Y);

/// <summary>A parameter that a contour chart holds fixed (a cost of more than two parameters).</summary>
public sealed record HeldParameter(string Name, double Value);

/// <summary>
/// The level sets of a cost over a window that contains every minimize run on it, with each
/// run's path. For a cost of more than two parameters the axes are the two that move most and
/// the others are held at <see cref="HeldFrom"/>'s final values.
/// </summary>
public sealed record ContourChart(
    string CostName,
    string XParameter,
    string YParameter,
    int XIndex,
    int YIndex,
    IReadOnlyList<HeldParameter> Held,
    string? HeldFrom,
    ChartWindow Window,
    double[] GridX,
    double[] GridY,
    double[,] Values,
    LevelSet Levels,
    IReadOnlyList<ContourLine> Lines,
    IReadOnlyList<ContourPath> Paths)
{
    /// <summary>Grid points per axis.</summary>
    public const int GridSize = 161;

    /// <summary>The window reaches this fraction of the paths' extent beyond them on each side.</summary>
    public const double Margin = 0.1;

    /// <summary>A title of its own (a loss landscape's) instead of the cost's.</summary>
    public string? Caption { get; init; }

    public string Title => Caption ?? (Held.Count == 0
        ? $"cost {CostName}: level sets and paths"
        : $"cost {CostName}: {YParameter} against {XParameter}, {string.Join(", ", Held.Select(h => $"{h.Name} = {ChartText.Number(h.Value)}"))} (final values of run {HeldFrom})");

    /// <summary>The runs whose path leaves the window (only a diverged run's can).</summary>
    public IEnumerable<string> PathsLeavingWindow =>
        Paths.Where(p => p.X.Zip(p.Y).Any(q => double.IsFinite(q.First) && double.IsFinite(q.Second) && !Window.Contains(q.First, q.Second))).Select(p => p.RunName);

    /// <summary>The chart for the minimize runs on <paramref name="cost"/> (at least one; every one on this cost, of at least two parameters).</summary>
    public static ContourChart Build(BoundCost cost, IReadOnlyList<MinimizeResult> runs)
    {
        if (runs.Count == 0 || cost.Parameters.Length < 2)
        {
            throw new ArgumentException("a contour chart needs at least one run on a cost of at least two parameters");
        }

        var (xIndex, yIndex) = ChooseAxes(runs, cost.Parameters.Length);
        var paths = runs.Select(r => new ContourPath(
            r.Name,
            r.Optimizer,
            [.. r.Trace.Select(t => t.Step)],
            [.. r.Trace.Select(t => t.Parameters[xIndex])],
            [.. r.Trace.Select(t => t.Parameters[yIndex])])).ToList();
        var window = WindowAround(paths, [.. runs.Select(r => r.StopReason == StopReason.Diverged)]);

        var heldFrom = runs[0];
        var point = (double[])heldFrom.FinalParameters.Clone();
        var held = Enumerable.Range(0, cost.Parameters.Length)
            .Where(i => i != xIndex && i != yIndex)
            .Select(i => new HeldParameter(cost.Parameters[i], point[i]))
            .ToList();

        var compiled = CompiledCost.Compile(cost);
        var gridX = Spaced(window.XMin, window.XMax, GridSize);
        var gridY = Spaced(window.YMin, window.YMax, GridSize);
        var values = new double[GridSize, GridSize];
        for (var row = 0; row < GridSize; row++)
        {
            for (var column = 0; column < GridSize; column++)
            {
                point[xIndex] = gridX[column];
                point[yIndex] = gridY[row];
                values[row, column] = compiled.Evaluate(point);
            }
        }

        var levels = LevelSet.LogSpaced(values.Cast<double>());
        var lines = levels.Levels.SelectMany(level => MarchingSquares.Trace(gridX, gridY, values, level)).ToList();
        return new ContourChart(
            cost.Name,
            cost.Parameters[xIndex],
            cost.Parameters[yIndex],
            xIndex,
            yIndex,
            held,
            held.Count == 0 ? null : heldFrom.Name,
            window,
            gridX,
            gridY,
            values,
            levels,
            lines,
            paths);
    }

    /// <summary>
    /// The two parameters that move most: the largest range (max − min over every finite trace
    /// point of every run), ties to the earlier parameter; returned in declaration order.
    /// </summary>
    public static (int X, int Y) ChooseAxes(IReadOnlyList<MinimizeResult> runs, int parameterCount)
    {
        if (parameterCount == 2)
        {
            return (0, 1);
        }

        var ranges = new double[parameterCount];
        for (var i = 0; i < parameterCount; i++)
        {
            var finite = runs.SelectMany(r => r.Trace).Select(t => t.Parameters[i]).Where(double.IsFinite).ToList();
            ranges[i] = finite.Count == 0 ? 0 : finite.Max() - finite.Min();
        }

        var chosen = Enumerable.Range(0, parameterCount).OrderByDescending(i => ranges[i]).ThenBy(i => i).Take(2).Order().ToArray();
        return (chosen[0], chosen[1]);
    }

    /// <summary>
    /// The bounding box of the paths' finite points with a margin on every side (a coordinate that
    /// does not move gets ±0.5, or ±10% of its value). A diverged run's points count only within
    /// 10 half-widths of the centre of the other runs' points and every start point: its path may
    /// leave the window, rather than shrink the others to a dot.
    /// </summary>
    public static ChartWindow WindowAround(IReadOnlyList<ContourPath> paths, IReadOnlyList<bool>? diverged = null)
    {
        static bool Finite((double X, double Y) p) => double.IsFinite(p.X) && double.IsFinite(p.Y);
        bool Diverged(int i) => diverged is not null && diverged[i];

        var reference = paths
            .SelectMany((p, i) => Diverged(i) ? p.X.Zip(p.Y).Take(1) : p.X.Zip(p.Y))
            .Where(Finite)
            .ToList();
        var points = reference.ToList();
        if (reference.Count > 0)
        {
            double xMin = reference.Min(p => p.First), xMax = reference.Max(p => p.First);
            double yMin = reference.Min(p => p.Second), yMax = reference.Max(p => p.Second);
            double xHalf = Math.Max((xMax - xMin) / 2, 0.5), yHalf = Math.Max((yMax - yMin) / 2, 0.5);
            double xCentre = (xMin + xMax) / 2, yCentre = (yMin + yMax) / 2;
            points.AddRange(paths
                .Where((_, i) => Diverged(i))
                .SelectMany(p => p.X.Zip(p.Y))
                .Where(p => Finite(p) && Math.Abs(p.First - xCentre) <= 10 * xHalf && Math.Abs(p.Second - yCentre) <= 10 * yHalf));
        }

        var (windowXMin, windowXMax) = Extent(points.Select(p => p.First));
        var (windowYMin, windowYMax) = Extent(points.Select(p => p.Second));
        return new ChartWindow(windowXMin, windowXMax, windowYMin, windowYMax);
    }

    /// <summary>The range of the values with <see cref="Margin"/> of it on each side (±0.5, or ±10% of the value, when they are all equal; −1 … 1 for none).</summary>
    internal static (double Min, double Max) Extent(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return (-1, 1);
        }

        var min = list.Min();
        var max = list.Max();
        var margin = max > min ? Margin * (max - min) : Math.Max(0.5, 0.1 * Math.Abs(min));
        return (min - margin, max + margin);
    }

    /// <summary><paramref name="count"/> evenly spaced values from <paramref name="from"/> to exactly <paramref name="to"/>.</summary>
    internal static double[] Spaced(double from, double to, int count) =>
        [.. Enumerable.Range(0, count).Select(i => i == count - 1 ? to : from + ((to - from) * i / (count - 1)))];
}
