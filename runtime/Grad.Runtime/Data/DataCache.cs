using System.Collections.Concurrent;
using Grad.Language.Semantics;

namespace Grad.Runtime.Data;

/// <summary>
/// Each data declaration of one compilation loaded once, for all its runs and analyses: the one
/// cache of <c>grad run</c>, <c>grad inspect</c> and <see cref="Runs.Runner.ExecuteAll"/>. The key is
/// the bound declaration itself (by reference), which stands for exactly the inputs it was bound
/// from (generator arguments, or the csv file and column); a new compilation binds new ones.
/// </summary>
public sealed class DataCache(Func<BoundData, DataLoadResult>? load = null)
{
    private readonly ConcurrentDictionary<BoundData, DataLoadResult> loaded = new(ReferenceEqualityComparer.Instance);
    private readonly Func<BoundData, DataLoadResult> load = load ?? DataLoader.Load;

    public DataLoadResult Load(BoundData data) => loaded.GetOrAdd(data, load);
}
