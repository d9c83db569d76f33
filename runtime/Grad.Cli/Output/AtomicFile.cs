using System.Text;

namespace Grad.Cli.Output;

/// <summary>
/// Outputs are written to a new temporary file in the target's folder and then renamed over the
/// target. A reader (or a crash, Ctrl-C or SIGTERM mid-write) never sees half a file: the old
/// file stays until the new one is complete. The temporary file is created exclusively (never
/// through an existing name), and the rename replaces a symbolic link at the target rather than
/// writing through it, so a link planted in an output folder cannot redirect a write outside it.
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteText(string path, Action<TextWriter> write) =>
        Replace(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            using (var writer = new StreamWriter(stream, Utf8, 1 << 16, leaveOpen: true))
            {
                write(writer);
            }

            stream.Flush(flushToDisk: true);
        });

    public static void WriteText(string path, string text) => WriteText(path, writer => writer.Write(text));

    /// <summary>Lets <paramref name="write"/> create the file at a fresh temporary path, then renames it to <paramref name="path"/>.</summary>
    public static void Replace(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
