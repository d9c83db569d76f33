using Grad.Language.Diagnostics;
using Grad.Language.Semantics;

namespace Grad.Runtime.Data;

/// <summary>A loaded data set, or why it could not be loaded (a message in the user's terms).</summary>
public sealed record DataLoadResult(DataSet? Data, string? Error)
{
    public static DataLoadResult Success(DataSet data) => new(data, null);

    public static DataLoadResult Failure(string error) => new(null, error);
}

/// <summary>Turns a <see cref="BoundData"/> into a <see cref="DataSet"/>: inline rows, a generator or a CSV file.</summary>
public static class DataLoader
{
    public static DataLoadResult Load(BoundData data) => data switch
    {
        InlineBoundData inline when inline.X.Length == 0 => DataLoadResult.Failure($"data {inline.Name} has no samples"),
        InlineBoundData inline when InlineShapeProblem(inline) is { } problem => DataLoadResult.Failure(problem),
        InlineBoundData inline => DataLoadResult.Success(DataSet.FromRows(inline.Name, inline.X, inline.Y)),
        GeneratedBoundData generated => DataLoadResult.Success(Generators.Generate(generated)),
        CsvBoundData csv => CsvLoader.Load(csv),
        _ => DataLoadResult.Failure($"unsupported data {data.GetType().Name}"),
    };

    /// <summary>
    /// Inline rows that cannot form a data set: the binder reports why (a syntax error it recovered
    /// from, a ragged row), but a front end may still ask to load them, so the loader says so
    /// rather than throwing (found by the fuzzer).
    /// </summary>
    private static string? InlineShapeProblem(InlineBoundData inline)
    {
        if (inline.X.Length != inline.Y.Length)
        {
            return $"data {inline.Name} has {inline.X.Length} rows of x but {inline.Y.Length} rows of y";
        }

        int xWidth = inline.X[0].Length, yWidth = inline.Y[0].Length;
        if (xWidth == 0 || yWidth == 0)
        {
            return $"data {inline.Name} has an empty row";
        }

        for (int i = 0; i < inline.X.Length; i++)
        {
            if (inline.X[i].Length != xWidth || inline.Y[i].Length != yWidth)
            {
                return $"data {inline.Name}: row {i + 1} is not as wide as the first";
            }
        }

        return null;
    }

    /// <summary>The diagnostic for a failed load (GRAD0400), at the data declaration's span.</summary>
    public static Diagnostic ToDiagnostic(BoundData data, string error) =>
        Diagnostic.Create(DiagnosticCatalog.DataFileProblem, data.Syntax.Span, error);
}
