using System.Collections.Immutable;

namespace Grad.Language.Resources;

/// <summary>A data file that a <c>.grad</c> file names and may read: where it is, and the path as the file wrote it (for messages).</summary>
public sealed record DataFile(string FullPath, string WrittenPath);

/// <summary>A resolved data file, or why it may not be read (a message in the user's terms, with no file content).</summary>
public sealed record FileResolution(DataFile? File, string? Error)
{
    public static FileResolution Success(DataFile file) => new(file, null);

    public static FileResolution Failure(string error) => new(null, error);
}

/// <summary>A data file's text, or why it could not be read.</summary>
public sealed record FileText(string? Text, string? Error)
{
    public static FileText Success(string text) => new(text, null);

    public static FileText Failure(string error) => new(null, error);
}

/// <summary>
/// Decides which files a <c>.grad</c> file may read and reads them. The language and the runtime
/// never touch the disk themselves: the CLI and the server inject one implementation (the
/// runtime's <c>DiskFileResolver</c>, with their own policy), tests an in-memory one.
/// </summary>
public interface IFileResolver
{
    /// <summary>
    /// Resolves a path written in <paramref name="gradFilePath"/> (<c>csv("data/x.csv")</c>), relative to that
    /// file's folder; null when the file is unsaved. Checks that the file may be read, without reading it.
    /// </summary>
    FileResolution Resolve(string? gradFilePath, string path);

    /// <summary>Reads a resolved file: only a regular file of at most <paramref name="maxBytes"/> bytes, never waiting on a pipe or device.</summary>
    FileText ReadText(DataFile file, long maxBytes);
}

/// <summary>Files held in memory, by full path: for tests and for hosts that may not read the disk. Resolves paths the way the disk resolver does.</summary>
public sealed class InMemoryFileResolver(IReadOnlyDictionary<string, string> files) : IFileResolver
{
    /// <summary>No files at all: every <c>csv("…")</c> is "not found".</summary>
    public static InMemoryFileResolver Empty { get; } = new(ImmutableDictionary<string, string>.Empty);

    public FileResolution Resolve(string? gradFilePath, string path)
    {
        if (FilePaths.Combine(gradFilePath, path) is not { } full)
        {
            return FileResolution.Failure(FilePaths.UnsavedMessage(path));
        }

        return files.ContainsKey(full)
            ? FileResolution.Success(new DataFile(full, path))
            : FileResolution.Failure(FilePaths.NotFoundMessage(path));
    }

    public FileText ReadText(DataFile file, long maxBytes)
    {
        if (!files.TryGetValue(file.FullPath, out var text))
        {
            return FileText.Failure(FilePaths.NotFoundMessage(file.WrittenPath));
        }

        return System.Text.Encoding.UTF8.GetByteCount(text) > maxBytes
            ? FileText.Failure(FilePaths.TooLargeMessage(file.WrittenPath, maxBytes))
            : FileText.Success(text);
    }
}

/// <summary>How a written data path becomes a full path, and the messages every resolver uses, so they read the same.</summary>
public static class FilePaths
{
    /// <summary>The full path of <paramref name="path"/> relative to the folder of <paramref name="gradFilePath"/>; null when a relative path has no file to be relative to.</summary>
    public static string? Combine(string? gradFilePath, string path)
    {
        if (Path.IsPathFullyQualified(path))
        {
            return Path.GetFullPath(path);
        }

        if (gradFilePath is null)
        {
            return null;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(gradFilePath)) ?? Path.GetPathRoot(Path.GetFullPath(gradFilePath))!;
        return Path.GetFullPath(Path.Combine(directory, path));
    }

    public static string NotFoundMessage(string path) => $"no file '{Escape(path)}' next to this .grad file";

    public static string UnsavedMessage(string path) => $"cannot find '{Escape(path)}': a file's path is relative to the .grad file, and this file is not saved yet";

    public static string TooLargeMessage(string path, long maxBytes) =>
        $"'{Escape(path)}' is larger than {ResourceLimits.Format(maxBytes)} bytes, the limit for a data file; {ResourceLimits.Info(LimitKind.DataFileBytes).HowToRaise}";

    /// <summary>
    /// A short, printable excerpt for a message: control characters escaped, at most
    /// <paramref name="maxLength"/> characters, so no message carries more than a glimpse of a file.
    /// </summary>
    public static string Escape(string text, int maxLength = 60)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\'' => "\\'",
                _ when char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
