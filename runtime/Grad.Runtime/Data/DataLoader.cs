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
        InlineBoundData inline => DataLoadResult.Success(DataSet.FromRows(inline.Name, inline.X, inline.Y)),
        GeneratedBoundData generated => DataLoadResult.Success(Generators.Generate(generated)),
        CsvBoundData csv => CsvLoader.Load(csv),
        _ => DataLoadResult.Failure($"unsupported data {data.GetType().Name}"),
    };

    /// <summary>The diagnostic for a failed load (GRAD0400), at the data declaration's span.</summary>
    public static Diagnostic ToDiagnostic(BoundData data, string error) =>
        Diagnostic.Create(DiagnosticCatalog.DataFileProblem, data.Syntax.Span, error);
}
