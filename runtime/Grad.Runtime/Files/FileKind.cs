using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Grad.Runtime.Files;

/// <summary>
/// What a path is, and opening it only when it is a regular file. On Linux through
/// <c>open(O_NONBLOCK | O_NOFOLLOW)</c> and <c>statx</c>: a FIFO or device is recognised without
/// waiting for a writer, and the type is checked on the opened file itself, so nothing can be
/// swapped in between the check and the read. Elsewhere through .NET's file API.
/// </summary>
internal static partial class FileKind
{
    public enum Kind { Missing, Regular, Directory, Other, Unreadable }

    public static Kind Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            var buffer = new byte[StatxSize];
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxSize_, buffer) != 0)
            {
                return Marshal.GetLastPInvokeError() is ENoEnt or ENotDir ? Kind.Missing : Kind.Unreadable;
            }

            return TypeOf(buffer);
        }

        if (Directory.Exists(path))
        {
            return Kind.Directory;
        }

        return File.Exists(path) ? Kind.Regular : Kind.Missing;
    }

    /// <summary>Opens a regular file for reading without blocking; anything else is refused with its kind.</summary>
    public static Kind OpenRegular(string path, out SafeFileHandle? handle, out long length)
    {
        handle = null;
        length = 0;
        if (!OperatingSystem.IsLinux())
        {
            if (Of(path) != Kind.Regular)
            {
                return Of(path);
            }

            try
            {
                handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                length = RandomAccess.GetLength(handle);
                return Kind.Regular;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return e is FileNotFoundException or DirectoryNotFoundException ? Kind.Missing : Kind.Unreadable;
            }
        }

        var fd = Open(path, ORdOnly | ONonBlock | ONoFollow | OCloExec);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                ENoEnt or ENotDir => Kind.Missing,
                ELoop => Kind.Other,
                _ => Kind.Unreadable,
            };
        }

        var opened = new SafeFileHandle(fd, ownsHandle: true);
        var buffer = new byte[StatxSize];
        var kind = Statx(fd, "", AtEmptyPath, StatxType | StatxSize_, buffer) == 0 ? TypeOf(buffer) : Kind.Unreadable;
        if (kind != Kind.Regular)
        {
            opened.Dispose();
            return kind;
        }

        handle = opened;
        length = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(40));
        return Kind.Regular;
    }

    private static Kind TypeOf(byte[] statx) => (BinaryPrimitives.ReadUInt16LittleEndian(statx.AsSpan(28)) & 0xF000) switch
    {
        0x8000 => Kind.Regular,
        0x4000 => Kind.Directory,
        _ => Kind.Other,
    };

    // struct statx (linux/stat.h): 256 bytes, the same on every architecture; stx_mode is a u16 at
    // offset 28 and stx_size a u64 at offset 40.
    private const int StatxSize = 256;
    private const uint StatxType = 0x1;
    private const uint StatxSize_ = 0x200;
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int ENoEnt = 2;
    private const int ENotDir = 20;
    private const int ELoop = 40;

    private static int ONoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
