using System.Collections.Immutable;
using System.Globalization;

namespace Grad.Language.Resources;

/// <summary>A size a file can ask for, checked by the binder before any work is done.</summary>
public enum LimitKind
{
    Parameters,
    Layers,
    DataValues,
    Activations,
    Steps,
    TraceValues,
    ExpressionNodes,
    DataFileBytes,
    SourceCharacters,
}

/// <summary>One limit: its name on the command line (<c>--limit NAME=N</c>) and in the editor (<c>grad.limits.NAME</c>), its default and what it bounds.</summary>
public sealed record LimitInfo(LimitKind Kind, string Name, long Default, string Bounds)
{
    /// <summary>How a user raises this limit, for messages: the CLI flag and the editor setting.</summary>
    public string HowToRaise => $"raise it with `--limit {Name}=N` (grad CLI) or the `grad.limits.{Name}` setting (editor)";
}

/// <summary>
/// The sizes a file may ask for. The binder estimates each one in 64-bit checked arithmetic
/// before anything is allocated or run, and a file that asks for more gets an error naming the
/// limit and how to raise it. docs/limits.md lists them (a test keeps it in step with <see cref="All"/>).
/// </summary>
public sealed record ResourceLimits
{
    public static ImmutableArray<LimitInfo> All { get; } =
    [
        new(LimitKind.Parameters, "parameters", 10_000_000, "weights and biases of one network"),
        new(LimitKind.Layers, "layers", 1_000, "layers of one network, counting every copy made by `repeat`"),
        new(LimitKind.DataValues, "dataValues", 10_000_000, "numbers in one data set (samples × (x width + y width)), inline or generated"),
        new(LimitKind.Activations, "activations", 20_000_000, "activations of one training step: batch × (input + every layer's units)"),
        new(LimitKind.Steps, "steps", 10_000_000, "parameter updates of one run (`steps`, or `epochs` × batches per epoch)"),
        new(LimitKind.TraceValues, "traceValues", 20_000_000, "numbers a run's trace records: recorded steps × values per step"),
        new(LimitKind.ExpressionNodes, "expressionNodes", 10_000, "operations and operands in one cost or `let` expression"),
        new(LimitKind.DataFileBytes, "dataFileBytes", 100_000_000, "bytes of one csv data file"),
        new(LimitKind.SourceCharacters, "sourceCharacters", 1_000_000, "characters of one .grad file (checked before it is read into tokens)"),
    ];

    public static ResourceLimits Default { get; } = Defaults();

    // Indexed by LimitKind, never changed after construction. A plain array rather than an
    // ImmutableDictionary<LimitKind, long>: that generic instance is not in the ReadyToRun image, and
    // compiling its code at start-up cost every `grad` command about 80 JIT-compiled methods.
    private readonly long[] values;

    private ResourceLimits(long[] values) => this.values = values;

    private static ResourceLimits Defaults()
    {
        var values = new long[All.Length];
        foreach (var limit in All)
        {
            values[(int)limit.Kind] = limit.Default;
        }

        return new(values);
    }

    public long this[LimitKind kind] => values[(int)kind];

    public static LimitInfo Info(LimitKind kind) => All.First(l => l.Kind == kind);

    /// <summary>The message of a size over its limit: <paramref name="what"/> with {0} replaced by the size, the limit, its name and how to raise it.</summary>
    public string OverLimit(LimitKind kind, long amount, string what)
    {
        var info = Info(kind);
        var size = amount == long.MaxValue ? "more than 9.2e18" : Format(amount);
        return $"{what.Replace("{0}", size, StringComparison.Ordinal)}, more than the limit of {Format(this[kind])} ({info.Name}); {info.HowToRaise}";
    }

    public ResourceLimits With(LimitKind kind, long value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        var changed = (long[])values.Clone();
        changed[(int)kind] = value;
        return new(changed);
    }

    /// <summary>Parses <c>NAME=N</c> (as in <c>--limit parameters=1e8</c>); N is a whole number ≥ 1, written plainly or as 1e8.</summary>
    public bool TryWith(string assignment, out ResourceLimits limits, out string error)
    {
        limits = this;
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? assignment : assignment[..equals];
        var info = All.FirstOrDefault(l => string.Equals(l.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (info is null)
        {
            error = $"unknown limit '{name}'; the limits are {string.Join(", ", All.Select(l => l.Name))}";
            return false;
        }

        if (equals < 0 || !double.TryParse(assignment[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || number < 1 || number > long.MaxValue || Math.Floor(number) != number)
        {
            error = $"--limit {info.Name}=N needs a whole number N ≥ 1";
            return false;
        }

        limits = With(info.Kind, (long)number);
        error = "";
        return true;
    }

    public bool Equals(ResourceLimits? other) =>
        other is not null && values.AsSpan().SequenceEqual(other.values);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in values)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    /// <summary>A number with thousands separators, as limits are written in messages and docs.</summary>
    public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
