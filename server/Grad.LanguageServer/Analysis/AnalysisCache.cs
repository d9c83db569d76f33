using System.Collections.Concurrent;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// Results by content key, shared by the background analysis and the handlers (a hover that
/// comes first computes what the analysis will then reuse). Bounded: cleared when it grows large;
/// and each entry remembers the document (its file path) it was computed for, so that closing the
/// document drops it.
/// </summary>
public sealed class AnalysisCache<T>
    where T : class
{
    private const int Capacity = 512;
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public T GetOrAdd(string key, Func<T> compute) => GetOrAdd(key, null, compute);

    /// <param name="owner">The document the result is for (its file path); null when several may share it.</param>
    public T GetOrAdd(string key, string? owner, Func<T> compute)
    {
        if (entries.Count > Capacity)
        {
            entries.Clear();
        }

        var entry = entries.GetOrAdd(key, _ => new Entry(new Lazy<T>(compute, LazyThreadSafetyMode.ExecutionAndPublication), owner));
        try
        {
            return entry.Value.Value;
        }
        catch
        {
            // Do not cache failures or cancellations: the next caller tries again.
            entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
    }

    public T? TryGet(string key) =>
        entries.TryGetValue(key, out var entry) && entry.Value.IsValueCreated ? entry.Value.Value : null;

    public void Set(string key, T value) => entries[key] = new Entry(new Lazy<T>(value), null);

    /// <summary>Drops the results computed for a document (null: those no document owns).</summary>
    public void Evict(string? owner)
    {
        foreach (var (key, entry) in entries)
        {
            if (entry.Owner == owner)
            {
                entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    public void Clear() => entries.Clear();

    public int Count => entries.Count;

    private sealed record Entry(Lazy<T> Value, string? Owner);
}
