namespace Grad.Runtime.Charts;

/// <summary>One connected piece of a level set: a polyline (closed when its ends coincide).</summary>
public sealed record ContourLine(double Level, double[] X, double[] Y);

/// <summary>
/// Level sets of a function sampled on a rectangular grid, by marching squares with linear
/// interpolation along the cell edges. Cells with a non-finite corner are skipped; a saddle cell
/// is resolved by the mean of its corners. Segments are joined into polylines through the grid
/// edges they share, so a chart draws a few lines instead of thousands of segments.
/// </summary>
public static class MarchingSquares
{
    /// <param name="xs">grid x coordinates (columns), increasing.</param>
    /// <param name="ys">grid y coordinates (rows), increasing.</param>
    /// <param name="values">values[row, column] = f(xs[column], ys[row]).</param>
    public static IReadOnlyList<ContourLine> Trace(double[] xs, double[] ys, double[,] values, double level)
    {
        var nx = xs.Length;
        var ny = ys.Length;
        var segments = new List<(long From, long To)>();
        var points = new Dictionary<long, (double X, double Y)>();

        // Edge ids: the horizontal edge right of grid point (i, j) is 2·(j·nx + i), the vertical edge above it 2·(j·nx + i) + 1.
        long Horizontal(int i, int j) => 2L * ((long)j * nx + i);
        long Vertical(int i, int j) => (2L * ((long)j * nx + i)) + 1;

        long Point(long edge, int i0, int j0, int i1, int j1)
        {
            if (!points.ContainsKey(edge))
            {
                var a = values[j0, i0];
                var b = values[j1, i1];
                var t = (level - a) / (b - a);
                points[edge] = (xs[i0] + (t * (xs[i1] - xs[i0])), ys[j0] + (t * (ys[j1] - ys[j0])));
            }

            return edge;
        }

        for (var j = 0; j + 1 < ny; j++)
        {
            for (var i = 0; i + 1 < nx; i++)
            {
                var v00 = values[j, i];
                var v10 = values[j, i + 1];
                var v11 = values[j + 1, i + 1];
                var v01 = values[j + 1, i];
                if (!double.IsFinite(v00) || !double.IsFinite(v10) || !double.IsFinite(v11) || !double.IsFinite(v01))
                {
                    continue;
                }

                var index = (v00 >= level ? 1 : 0) | (v10 >= level ? 2 : 0) | (v11 >= level ? 4 : 0) | (v01 >= level ? 8 : 0);
                if (index is 0 or 15)
                {
                    continue;
                }

                // The crossing on each side of the cell, created on demand.
                long Bottom() => Point(Horizontal(i, j), i, j, i + 1, j);
                long Top() => Point(Horizontal(i, j + 1), i, j + 1, i + 1, j + 1);
                long Left() => Point(Vertical(i, j), i, j, i, j + 1);
                long Right() => Point(Vertical(i + 1, j), i + 1, j, i + 1, j + 1);

                switch (index)
                {
                    case 1 or 14: segments.Add((Left(), Bottom())); break;
                    case 2 or 13: segments.Add((Bottom(), Right())); break;
                    case 3 or 12: segments.Add((Left(), Right())); break;
                    case 4 or 11: segments.Add((Right(), Top())); break;
                    case 6 or 9: segments.Add((Bottom(), Top())); break;
                    case 7 or 8: segments.Add((Left(), Top())); break;
                    case 5 or 10:
                    {
                        // Saddle: corners 00 and 11 on one side, 10 and 01 on the other. If the centre is on the
                        // same side as 00, the line separates 10 and 01 from the centre; otherwise 00 and 11.
                        var centreAbove = (v00 + v10 + v11 + v01) / 4 >= level;
                        var zeroZeroAbove = v00 >= level;
                        if (centreAbove == zeroZeroAbove)
                        {
                            segments.Add((Bottom(), Right()));
                            segments.Add((Left(), Top()));
                        }
                        else
                        {
                            segments.Add((Left(), Bottom()));
                            segments.Add((Right(), Top()));
                        }

                        break;
                    }
                }
            }
        }

        return Join(segments, points, level);
    }

    private static List<ContourLine> Join(List<(long From, long To)> segments, Dictionary<long, (double X, double Y)> points, double level)
    {
        // Every crossing point belongs to at most two segments (the two cells beside its edge).
        var byPoint = new Dictionary<long, List<int>>();
        for (var s = 0; s < segments.Count; s++)
        {
            foreach (var end in new[] { segments[s].From, segments[s].To })
            {
                if (!byPoint.TryGetValue(end, out var list))
                {
                    byPoint[end] = list = new List<int>(2);
                }

                list.Add(s);
            }
        }

        var used = new bool[segments.Count];
        var lines = new List<ContourLine>();
        for (var s = 0; s < segments.Count; s++)
        {
            if (used[s])
            {
                continue;
            }

            used[s] = true;
            var chain = new LinkedList<long>([segments[s].From, segments[s].To]);
            Extend(chain, forward: true);
            Extend(chain, forward: false);
            lines.Add(new ContourLine(level, [.. chain.Select(p => points[p].X)], [.. chain.Select(p => points[p].Y)]));
        }

        return lines;

        void Extend(LinkedList<long> chain, bool forward)
        {
            while (true)
            {
                var end = forward ? chain.Last!.Value : chain.First!.Value;
                var next = byPoint[end].FirstOrDefault(t => !used[t], -1);
                if (next < 0)
                {
                    return;
                }

                used[next] = true;
                var other = segments[next].From == end ? segments[next].To : segments[next].From;
                if (forward)
                {
                    chain.AddLast(other);
                }
                else
                {
                    chain.AddFirst(other);
                }
            }
        }
    }
}
