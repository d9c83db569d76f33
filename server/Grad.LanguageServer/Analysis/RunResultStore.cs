using System.Collections.Concurrent;

namespace Grad.LanguageServer.Analysis;

/// <summary>The last result of each run of each document, with the content key it was computed for.</summary>
public sealed class RunResultStore
{
    private readonly ConcurrentDictionary<(string Uri, string Run), StoredRun> results = new();

    public void Set(string uri, string run, string contentKey, RunReport report) =>
        results[(uri, run)] = new StoredRun(contentKey, report, DateTime.UtcNow);

    public StoredRun? Get(string uri, string run) => results.TryGetValue((uri, run), out var stored) ? stored : null;

    public void Clear(string uri)
    {
        foreach (var key in results.Keys.Where(k => k.Uri == uri).ToArray())
        {
            results.TryRemove(key, out _);
        }
    }
}

/// <summary>A run's result; <see cref="ContentKey"/> tells whether the file still says what was run.</summary>
public sealed record StoredRun(string ContentKey, RunReport Report, DateTime FinishedUtc);
