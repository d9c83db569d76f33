using System.Collections;

namespace Grad.Runtime.Contracts;

/// <summary>
/// A trace's recorded points as fixed-width rows of doubles in chunks of about 512k numbers (4 MB, two
/// huge pages: <see cref="FreshPages"/>): no object per point, and a long trace never copies its full
/// chunks. A point is the step number and one row. A chunk starts small and doubles until it is full:
/// a short trace (a minimize run of 50 steps, of which the editor keeps hundreds) holds about what it
/// recorded, not a 4 MB array.
/// </summary>
internal sealed class TraceRows
{
    private const int ChunkNumbers = 2 * FreshPages.HugeBlockLength;
    private const int FirstChunkRows = 16;
    private readonly List<ArraySegment<double>> chunks = [];
    private readonly List<int> steps = [];
    private readonly int rowsPerChunk;

    public TraceRows(int width)
    {
        Width = width;
        rowsPerChunk = Math.Max(1, ChunkNumbers / Math.Max(1, width));
    }

    public int Width { get; }

    public int Count => steps.Count;

    public int Step(int index) => steps[index];

    public ReadOnlySpan<double> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return RowIn(index);
    }

    /// <summary>Keeps only the rows whose step passes <paramref name="keep"/>, in order (no new arrays); returns the kept rows' old indices.</summary>
    public List<int> KeepOnly(Func<int, bool> keep)
    {
        var indices = new List<int>();
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (!keep(steps[i]))
            {
                continue;
            }

            indices.Add(i);
            if (kept != i)
            {
                RowIn(i).CopyTo(RowIn(kept));
                steps[kept] = steps[i];
            }

            kept++;
        }

        steps.RemoveRange(kept, steps.Count - kept);
        var chunksNeeded = (kept + rowsPerChunk - 1) / rowsPerChunk;
        chunks.RemoveRange(chunksNeeded, chunks.Count - chunksNeeded);
        return indices;
    }

    /// <summary>Appends a row made of <paramref name="head"/> followed by the parts, in order.</summary>
    public void Add(int step, double head, ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        if (1 + first.Length + second.Length != Width)
        {
            throw new ArgumentException($"a trace row has {Width} numbers, not {1 + first.Length + second.Length}");
        }

        var (numbers, start) = Append(step);
        var row = numbers.AsSpan(start, Width);
        row[0] = head;
        first.CopyTo(row[1..]);
        second.CopyTo(row[(1 + first.Length)..]);
    }

    /// <summary>
    /// Appends a row of zeros for the caller to fill in place: the array that holds it and where it
    /// starts there (an array, not a span, so that the items of <see cref="Numerics.ThreadTeam.ForEach"/> can write it).
    /// </summary>
    public (double[] Numbers, int Start) Append(int step)
    {
        var slot = Count % rowsPerChunk;
        if (slot == 0)
        {
            // Not cleared by the allocator (each row is, as it is appended): a full chunk is 4 MB of
            // fresh pages, which the row's own writes then touch once instead of twice, mapped in one
            // call rather than a page fault each, in huge pages where it can (FreshPages).
            chunks.Add(chunks.Count == 0 ? FreshPages.Allocate(Math.Min(FirstChunkRows, rowsPerChunk) * Width) : Full());
        }
        else if (chunks[^1].Count < (slot + 1) * Width)
        {
            // Rows keep their places (row i is at i % rowsPerChunk in chunk i / rowsPerChunk): only the capacity grows.
            var rows = Math.Min(2 * chunks[^1].Count / Width, rowsPerChunk);
            var grown = rows == rowsPerChunk ? Full() : FreshPages.Allocate(rows * Width);
            chunks[^1].AsSpan(0, slot * Width).CopyTo(grown);
            chunks[^1] = grown;
        }

        var chunk = chunks[^1];
        chunk.AsSpan(slot * Width, Width).Clear();
        steps.Add(step);
        return (chunk.Array!, chunk.Offset + slot * Width);
    }

    // A full chunk: two huge pages' worth when its rows fit there (the rows use all but less than a row of it).
    private ArraySegment<double> Full() => FreshPages.Allocate(Math.Max(ChunkNumbers, rowsPerChunk * Width));

    private Span<double> RowIn(int index) => chunks[index / rowsPerChunk].AsSpan(index % rowsPerChunk * Width, Width);
}

/// <summary>A trace whose points can be thinned in place (the editor's cap on trace points).</summary>
internal interface IThinnableTrace
{
    int Count { get; }

    void KeepOnly(Func<int, bool> keep);
}

/// <summary>
/// What a trace point records of a schedule and of clipping (v2): the lr of the next update (runs
/// with a schedule), the gradient's total norm before clipping and whether clipping changes it
/// (runs with <c>clip</c>). JSON: the optional <c>lr</c>, <c>gradNorm</c> and <c>clipped</c> of a trace point.
/// </summary>
public readonly record struct TraceCures(double? Lr, double? GradNorm, bool? Clipped);

/// <summary>
/// A value kept beside some of a trace's points (a schedule's or clipping's <see cref="TraceCures"/>,
/// a training run's <see cref="TraceHealth"/>): nothing for a run that has none, thinned with the rows.
/// </summary>
internal sealed class TraceColumn<T>
{
    private List<T?>? values;

    public void Add(int index, T? value)
    {
        if (value is null)
        {
            return;
        }

        values ??= [];
        while (values.Count < index)
        {
            values.Add(default);
        }

        values.Add(value);
    }

    public T? At(int index) => values is not null && index < values.Count ? values[index] : default;

    /// <summary>Keeps the values of these points (ascending indices), as the trace's rows were thinned.</summary>
    public void KeepOnly(List<int> kept)
    {
        if (values is { } all)
        {
            values = [.. kept.TakeWhile(i => i < all.Count).Select(i => all[i])];
        }
    }
}

/// <summary>The recorded states of a minimize run (step 0 first), kept compactly; each point is read as a <see cref="MinimizeTracePoint"/>.</summary>
public sealed class MinimizeTrace : IReadOnlyList<MinimizeTracePoint>, IThinnableTrace
{
    private readonly TraceRows rows;
    private readonly TraceColumn<TraceCures?> cures = new();

    public MinimizeTrace(int parameterCount)
    {
        ParameterCount = parameterCount;
        rows = new TraceRows(1 + 2 * parameterCount);
    }

    public int ParameterCount { get; }

    public int Count => rows.Count;

    public MinimizeTracePoint this[int index] => new(Step(index), Cost(index), Parameters(index).ToArray(), Gradient(index).ToArray())
    {
        Lr = Cures(index).Lr,
        GradNorm = Cures(index).GradNorm,
        Clipped = Cures(index).Clipped,
    };

    public TraceCures Cures(int index) => cures.At(index) ?? default;

    public int Step(int index) => rows.Step(index);

    public double Cost(int index) => rows.Row(index)[0];

    public ReadOnlySpan<double> Parameters(int index) => rows.Row(index).Slice(1, ParameterCount);

    public ReadOnlySpan<double> Gradient(int index) => rows.Row(index).Slice(1 + ParameterCount, ParameterCount);

    public static MinimizeTrace Of(int parameterCount, IEnumerable<MinimizeTracePoint> points)
    {
        var trace = new MinimizeTrace(parameterCount);
        foreach (var point in points)
        {
            trace.Add(point.Step, point.Cost, point.Parameters, point.Gradient, Measured(point));
        }

        return trace;
    }

    public void Add(int step, double cost, ReadOnlySpan<double> parameters, ReadOnlySpan<double> gradient, TraceCures? measured = null)
    {
        cures.Add(Count, measured);
        rows.Add(step, cost, parameters, gradient);
    }

    internal static TraceCures? Measured(IScheduledTracePoint point) =>
        point.Lr is null && point.GradNorm is null && point.Clipped is null ? null : new TraceCures(point.Lr, point.GradNorm, point.Clipped);

    void IThinnableTrace.KeepOnly(Func<int, bool> keep) => cures.KeepOnly(rows.KeepOnly(keep));

    public IEnumerator<MinimizeTracePoint> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// The recorded states of a training run (step 0 first), kept compactly; each point is read as a
/// <see cref="TrainTracePoint"/>. A run with a schedule or clipping also keeps each point's <see cref="TraceCures"/>.
/// A point's health lives in its row too (<see cref="TrainTraceRow"/>): recording a point of a deep
/// network makes no array and no object, and thinning moves the health with the rest of the row.
/// </summary>
public sealed class TrainTrace : IReadOnlyList<TrainTracePoint>, IThinnableTrace
{
    private readonly TraceRows rows;
    private readonly TraceColumn<TraceCures?> cures = new();

    public TrainTrace(int layerCount)
    {
        LayerCount = layerCount;
        rows = new TraceRows(TrainTraceRow.Width(layerCount));
    }

    public int LayerCount { get; }

    public int Count => rows.Count;

    public TrainTracePoint this[int index] => new(Step(index), Loss(index), DeltaNorms(index).ToArray(), WeightGradNorms(index).ToArray())
    {
        Lr = Cures(index).Lr,
        GradNorm = Cures(index).GradNorm,
        Clipped = Cures(index).Clipped,
        Health = Health(index),
    };

    /// <summary>The point's per-layer health (docs/training.md); null for a trace read from a result written without it.</summary>
    public TraceHealth? Health(int index)
    {
        var parts = MeasuredParts(index);
        return !parts.HasFlag(HealthParts.Measured) ? null : new TraceHealth(DeadFractions(index).ToArray(), SaturatedFractions(index).ToArray())
        {
            UpdateRatios = parts.HasFlag(HealthParts.UpdateRatios) ? UpdateRatios(index).ToArray() : null,
            Sharpness = Sharpness(index),
            SharpnessLimit = SharpnessLimit(index),
        };
    }

    /// <summary>The point's sharpness (<see cref="TraceHealth.Sharpness"/>) without the rest of its health; null where it was not measured.</summary>
    public double? Sharpness(int index) =>
        MeasuredParts(index).HasFlag(HealthParts.Sharpness) ? rows.Row(index)[TrainTraceRow.SharpnessAt(LayerCount)] : null;

    // A point's health read in place (the JSON writer: no arrays for a trace of 10,000 points).
    internal HealthParts MeasuredParts(int index) => (HealthParts)(int)rows.Row(index)[TrainTraceRow.PartsAt(LayerCount)];

    internal ReadOnlySpan<double> DeadFractions(int index) => rows.Row(index).Slice(TrainTraceRow.DeadFractionsAt(LayerCount), LayerCount);

    internal ReadOnlySpan<double> SaturatedFractions(int index) => rows.Row(index).Slice(TrainTraceRow.SaturatedFractionsAt(LayerCount), LayerCount);

    internal ReadOnlySpan<double> UpdateRatios(int index) => rows.Row(index).Slice(TrainTraceRow.UpdateRatiosAt(LayerCount), LayerCount);

    internal double? SharpnessLimit(int index) =>
        MeasuredParts(index).HasFlag(HealthParts.SharpnessLimit) ? rows.Row(index)[TrainTraceRow.SharpnessLimitAt(LayerCount)] : null;

    public TraceCures Cures(int index) => cures.At(index) ?? default;

    public int Step(int index) => rows.Step(index);

    public double Loss(int index) => rows.Row(index)[0];

    public ReadOnlySpan<double> DeltaNorms(int index) => rows.Row(index).Slice(1, LayerCount);

    public ReadOnlySpan<double> WeightGradNorms(int index) => rows.Row(index).Slice(1 + LayerCount, LayerCount);

    public static TrainTrace Of(int layerCount, IEnumerable<TrainTracePoint> points)
    {
        var trace = new TrainTrace(layerCount);
        foreach (var point in points)
        {
            trace.Add(point);
        }

        return trace;
    }

    public void Add(TrainTracePoint point) => Add(point.Step, point.Loss, point.DeltaNorms, point.WeightGradNorms, MinimizeTrace.Measured(point), point.Health);

    public void Add(int step, double loss, ReadOnlySpan<double> deltaNorms, ReadOnlySpan<double> weightGradNorms, TraceCures? measured = null, TraceHealth? measuredHealth = null)
    {
        Expect(deltaNorms.Length, "δ norms");
        Expect(weightGradNorms.Length, "weight-gradient norms");
        if (measuredHealth is { } health)
        {
            Expect(health.DeadFractions.Length, "dead fractions");
            Expect(health.SaturatedFractions.Length, "saturated fractions");
            Expect(health.UpdateRatios?.Length ?? LayerCount, "update ratios");
        }

        var row = Append(step, loss, measured);
        deltaNorms.CopyTo(row.DeltaNorms);
        weightGradNorms.CopyTo(row.WeightGradNorms);
        if (measuredHealth is { } measuredOnes)
        {
            measuredOnes.DeadFractions.CopyTo(row.DeadFractions);
            measuredOnes.SaturatedFractions.CopyTo(row.SaturatedFractions);
            measuredOnes.UpdateRatios?.CopyTo(row.UpdateRatios);
            row.SetHealth(measuredOnes.UpdateRatios is not null, measuredOnes.Sharpness, measuredOnes.SharpnessLimit);
        }
    }

    /// <summary>Appends a point whose norms and health the recorder then writes in place (<see cref="TrainTraceRow"/>).</summary>
    internal TrainTraceRow Append(int step, double loss, TraceCures? measured)
    {
        cures.Add(Count, measured);
        var (numbers, start) = rows.Append(step);
        numbers[start] = loss;
        return new TrainTraceRow(numbers, start, LayerCount);
    }

    /// <summary>Appends a copy of another trace's point (the same layers): its row as it is, no point object between.</summary>
    internal void AddCopy(TrainTrace source, int index)
    {
        var row = Append(source.Step(index), source.Loss(index), source.cures.At(index));
        source.rows.Row(index).CopyTo(row.Numbers.AsSpan(row.Start, rows.Width));
    }

    private void Expect(int length, string what)
    {
        if (length != LayerCount)
        {
            throw new ArgumentException($"a trace point of {LayerCount} layers has {length} {what}");
        }
    }

    void IThinnableTrace.KeepOnly(Func<int, bool> keep) => cures.KeepOnly(rows.KeepOnly(keep));

    public IEnumerator<TrainTracePoint> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Which parts of a <see cref="TraceHealth"/> a trace point has (a number of its row).</summary>
[Flags]
internal enum HealthParts
{
    None = 0,
    Measured = 1,
    UpdateRatios = 2,
    Sharpness = 4,
    SharpnessLimit = 8,
}

/// <summary>
/// One point of a <see cref="TrainTrace"/> in its chunk, as the recorder fills it in place: the
/// loss, the δ norms and the weight-gradient norms (layer 1 first), then the health: which of its
/// parts the point has (<see cref="HealthParts"/>), the dead fractions, the saturated fractions and
/// the update ratios (one number per layer each), the sharpness and its limit. The offsets are
/// into <see cref="Numbers"/>, an array so that the items of <see cref="Numerics.ThreadTeam.ForEach"/> can write it.
/// </summary>
internal readonly struct TrainTraceRow(double[] numbers, int start, int layers)
{
    public double[] Numbers => numbers;

    public int Start => start;

    public int DeltaNormsStart => start + 1;

    public int WeightGradNormsStart => start + 1 + layers;

    public int DeadFractionsStart => start + DeadFractionsAt(layers);

    public int SaturatedFractionsStart => start + SaturatedFractionsAt(layers);

    public int UpdateRatiosStart => start + UpdateRatiosAt(layers);

    public Span<double> DeltaNorms => numbers.AsSpan(DeltaNormsStart, layers);

    public Span<double> WeightGradNorms => numbers.AsSpan(WeightGradNormsStart, layers);

    public Span<double> DeadFractions => numbers.AsSpan(DeadFractionsStart, layers);

    public Span<double> SaturatedFractions => numbers.AsSpan(SaturatedFractionsStart, layers);

    public Span<double> UpdateRatios => numbers.AsSpan(UpdateRatiosStart, layers);

    public static int Width(int layers) => SharpnessLimitAt(layers) + 1;

    public static int DeadFractionsAt(int layers) => PartsAt(layers) + 1;

    public static int SaturatedFractionsAt(int layers) => DeadFractionsAt(layers) + layers;

    public static int UpdateRatiosAt(int layers) => SaturatedFractionsAt(layers) + layers;

    public static int SharpnessAt(int layers) => UpdateRatiosAt(layers) + layers;

    public static int SharpnessLimitAt(int layers) => SharpnessAt(layers) + 1;

    /// <summary>Marks the point's health as written: its fractions, its update ratios when it has them, and its sharpness and limit when measured.</summary>
    public void SetHealth(bool hasUpdateRatios, double? sharpness, double? sharpnessLimit)
    {
        var parts = HealthParts.Measured | (hasUpdateRatios ? HealthParts.UpdateRatios : 0);
        if (sharpness is { } value)
        {
            numbers[start + SharpnessAt(layers)] = value;
            parts |= HealthParts.Sharpness;
        }

        if (sharpnessLimit is { } limit)
        {
            numbers[start + SharpnessLimitAt(layers)] = limit;
            parts |= HealthParts.SharpnessLimit;
        }

        numbers[start + PartsAt(layers)] = (int)parts;
    }

    public static int PartsAt(int layers) => 1 + 2 * layers;
}
