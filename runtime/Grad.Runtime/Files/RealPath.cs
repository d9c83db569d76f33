namespace Grad.Runtime.Files;

/// <summary>Where a path really leads: every symbolic link along it followed (at most 40, as the kernel does), without opening anything.</summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    public static string Of(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var remaining = new Stack<string>(Split(fullPath[root.Length..]).Reverse());
        var current = root;
        var links = 0;
        while (remaining.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, part);
            var target = LinkTarget(next);
            if (target is null || ++links > MaxLinks)
            {
                current = next;
                continue;
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? root;
                target = target[current.Length..];
            }

            foreach (var targetPart in Split(target).Reverse())
            {
                remaining.Push(targetPart);
            }
        }

        return current;
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
