using System.Collections.Concurrent;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// How many times the client reported each data file changed (<c>workspace/didChangeWatchedFiles</c>).
/// Part of the content keys next to the file's last-write time and length, so that a change the
/// file system's timestamps cannot tell apart (same length, same tick) still makes a new key.
/// </summary>
public static class DataFileChanges
{
    public static StringComparer PathComparer { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    // After PathComparer: static initializers run in textual order.
    private static readonly ConcurrentDictionary<string, int> Generations = new(PathComparer);

    public static int Generation(string path) => Generations.TryGetValue(Normalize(path), out var generation) ? generation : 0;

    public static void Changed(string path) => Generations.AddOrUpdate(Normalize(path), 1, (_, generation) => generation + 1);

    public static string Normalize(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }
}
