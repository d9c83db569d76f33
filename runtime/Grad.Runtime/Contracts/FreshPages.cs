using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Grad.Runtime.Contracts;

/// <summary>
/// Arrays whose pages the kernel maps in one call instead of one page fault per 4 KB page.
/// </summary>
/// <remarks>
/// A trace of a deep network keeps 5L + 4 numbers a point (2 KB a point for 50 layers) in 512 KB
/// chunks of memory the process has never touched, and the first write to a page costs a page
/// fault. On a virtual machine a fault can cost far more than the writes themselves (on the
/// development VM, writing 2 KB rows into fresh memory took 3–10 µs a row against 0.13 µs in memory
/// already mapped), and W2 (10,000 points of a 50-layer chain) spent more on its trace's faults than on
/// the points' measures. On Linux 5.14 and later <c>madvise(MADV_POPULATE_WRITE)</c> maps a chunk's
/// pages in one call (0.3–0.4 µs a row there); elsewhere, or if the call fails, the pages fault in
/// as they are written. Mapped either way, the memory and the numbers written to it are the same.
/// </remarks>
internal static partial class FreshPages
{
    private const int PopulateWrite = 23; // MADV_POPULATE_WRITE (Linux 5.14)
    private const int PageSize = 4096;

    /// <summary>Below this many bytes an array is left to fault in (a call costs more than a few faults).</summary>
    private const int MinimumBytes = 64 * 1024;

    private static volatile bool supported = OperatingSystem.IsLinux();

    /// <summary>A new array of <paramref name="length"/> doubles, not cleared, its whole pages mapped at once where the system allows.</summary>
    public static unsafe double[] Allocate(int length)
    {
        if (!supported || (long)length * sizeof(double) < MinimumBytes)
        {
            return GC.AllocateUninitializedArray<double>(length);
        }

        // Pinned (the pinned object heap): the address the kernel is given stays the array's.
        var array = GC.AllocateUninitializedArray<double>(length, pinned: true);
        var start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        var first = (start + PageSize - 1) & ~(nint)(PageSize - 1);
        var last = (start + (nint)((long)length * sizeof(double))) & ~(nint)(PageSize - 1);
        if (last > first && Madvise(first, (nuint)(last - first), PopulateWrite) != 0)
        {
            supported = false; // An older kernel (EINVAL): the pages fault in as they are written.
        }

        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
