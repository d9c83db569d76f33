using System.Collections.Concurrent;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// Results by content key, shared by the background analysis and the handlers (a hover that
/// comes first computes what the analysis will then reuse). Bounded: cleared when it grows large.
/// </summary>
public sealed class AnalysisCache<T>
    where T : class
{
    private const int Capacity = 512;
    private readonly ConcurrentDictionary<string, Lazy<T>> entries = new(StringComparer.Ordinal);

    public T GetOrAdd(string key, Func<T> compute)
    {
        if (entries.Count > Capacity)
        {
            entries.Clear();
        }

        var lazy = entries.GetOrAdd(key, _ => new Lazy<T>(compute, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not cache failures or cancellations: the next caller tries again.
            entries.TryRemove(new KeyValuePair<string, Lazy<T>>(key, lazy));
            throw;
        }
    }

    public T? TryGet(string key) =>
        entries.TryGetValue(key, out var lazy) && lazy.IsValueCreated ? lazy.Value : null;

    public void Set(string key, T value) => entries[key] = new Lazy<T>(value);
}
