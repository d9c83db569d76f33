using System.Collections.Concurrent;
using Grad.Language.Semantics;

namespace Grad.Runtime.Data;

/// <summary>
/// Each data set loaded once, for every run and analysis that reads it: the one cache of
/// <see cref="Runs.RunDriver"/>, which serves <c>grad run</c>, <c>grad inspect</c> and the language
/// server, and of the analysis (<see cref="Analysis.AnalysisOptions.LoadData"/>). The key is what
/// the load reads: a generator's name and arguments, a CSV declaration's name, file and target
/// column; inline rows by the bound declaration itself. So an edited copy of the file (a fix being
/// verified) that binds the same declaration anew finds it loaded. A CSV file is read once per
/// cache: a front end makes a new cache when the file may have changed (the server: per request).
/// Thread-safe; each data set is loaded by one thread while the others wait for it.
/// </summary>
public sealed class DataCache(Func<BoundData, DataLoadResult>? load = null)
{
    private readonly ConcurrentDictionary<object, Lazy<DataLoadResult>> loaded = new();
    private readonly Func<BoundData, DataLoadResult> load = load ?? DataLoader.Load;

    public DataLoadResult Load(BoundData data) =>
        loaded.GetOrAdd(Key(data), _ => new Lazy<DataLoadResult>(() => load(data), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>How many data sets the cache holds (for tests).</summary>
    public int Count => loaded.Count;

    private static object Key(BoundData data) => data switch
    {
        GeneratedBoundData g => (g.Name, g.Generator, g.N, g.Seed, g.Noise, g.Classes, g.Spread, g.Slope, g.Intercept),
        CsvBoundData csv => (csv.Name, csv.Path, csv.Target, csv.MaxBytes),
        _ => new ByReference(data),
    };

    /// <summary>Inline rows are compared by reference: comparing their arrays would cost what loading them does.</summary>
    private sealed record ByReference(BoundData Data)
    {
        public bool Equals(ByReference? other) => other is not null && ReferenceEquals(Data, other.Data);

        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Data);
    }
}
