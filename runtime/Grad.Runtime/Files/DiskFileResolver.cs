using System.Collections.Immutable;
using System.Text;
using Grad.Language.Resources;

namespace Grad.Runtime.Files;

/// <summary>
/// The one place where a <c>.grad</c> file's data files are found and read, for the CLI and the
/// server alike. A path is relative to the <c>.grad</c> file; symbolic links are followed to
/// where they really lead, and that must be inside <paramref name="allowedRoots"/> (null:
/// anywhere, as in the CLI; empty: the <c>.grad</c> file's own folder); only a regular file is read (never a device, pipe or directory),
/// opened without waiting and read up to the size limit.
/// </summary>
public sealed class DiskFileResolver(ImmutableArray<string>? allowedRoots = null) : IFileResolver
{
    /// <summary>The CLI's resolver: any regular file the user can read.</summary>
    public static DiskFileResolver Anywhere { get; } = new();

    private readonly ImmutableArray<string>? roots = allowedRoots?.Select(r => RealPath.Of(Path.GetFullPath(r))).ToImmutableArray();

    public FileResolution Resolve(string? gradFilePath, string path)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            return FileResolution.Failure($"'{FilePaths.Escape(path)}' is not a file name");
        }

        if (FilePaths.Combine(gradFilePath, path) is not { } full)
        {
            return FileResolution.Failure(FilePaths.UnsavedMessage(path));
        }

        var real = RealPath.Of(full);
        if (roots is { } allowed && !AllowedRoots(allowed, gradFilePath).Any(root => IsInside(real, root)))
        {
            return FileResolution.Failure(
                $"'{FilePaths.Escape(path)}' is outside the workspace folders; Grad reads data files only inside them (the `grad.data.allowOutsideWorkspace` setting allows more)");
        }

        return FileKind.Of(real) switch
        {
            FileKind.Kind.Missing => FileResolution.Failure(FilePaths.NotFoundMessage(path)),
            FileKind.Kind.Regular => FileResolution.Success(new DataFile(real, path)),
            FileKind.Kind.Directory => FileResolution.Failure($"'{FilePaths.Escape(path)}' is a folder, not a csv file"),
            _ => FileResolution.Failure($"'{FilePaths.Escape(path)}' is not a regular file (a device, pipe or socket); Grad reads data only from ordinary files"),
        };
    }

    public FileText ReadText(DataFile file, long maxBytes)
    {
        var opened = FileKind.OpenRegular(file.FullPath, out var handle, out var length);
        using (handle)
        {
            switch (opened)
            {
                case FileKind.Kind.Missing:
                    return FileText.Failure($"cannot find the data file '{FilePaths.Escape(file.WrittenPath)}'");
                case FileKind.Kind.Regular:
                    break;
                case FileKind.Kind.Unreadable:
                    return FileText.Failure($"cannot read the data file '{FilePaths.Escape(file.WrittenPath)}' (permission denied or not readable)");
                default:
                    return FileText.Failure($"'{FilePaths.Escape(file.WrittenPath)}' is not a regular file (a device, pipe or socket); Grad reads data only from ordinary files");
            }

            if (length > maxBytes)
            {
                return FileText.Failure(FilePaths.TooLargeMessage(file.WrittenPath, maxBytes));
            }

            // Read exactly the length the file had when opened: a file that grows meanwhile cannot push past the limit.
            var bytes = new byte[length];
            var total = 0;
            try
            {
                while (total < bytes.Length)
                {
                    var read = RandomAccess.Read(handle!, bytes.AsSpan(total), total);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }
            }
            catch (IOException)
            {
                return FileText.Failure($"cannot read the data file '{FilePaths.Escape(file.WrittenPath)}'");
            }

            return FileText.Success(new UTF8Encoding(false).GetString(bytes, 0, total));
        }
    }

    /// <summary>The workspace folders; with none open, the folder of the <c>.grad</c> file itself.</summary>
    private static IEnumerable<string> AllowedRoots(ImmutableArray<string> roots, string? gradFilePath) =>
        !roots.IsEmpty ? roots
        : gradFilePath is not null && Path.GetDirectoryName(Path.GetFullPath(gradFilePath)) is { } folder ? [RealPath.Of(folder)]
        : [];

    private static bool IsInside(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var withSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.Equals(root, comparison) || path.StartsWith(withSeparator, comparison);
    }
}
