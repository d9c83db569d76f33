using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Grad.Runtime.Contracts;

/// <summary>
/// Arrays whose pages the kernel maps in one call instead of one page fault per 4 KB page, and
/// whose whole 2 MB blocks are transparent huge pages where the system allows.
/// </summary>
/// <remarks>
/// A trace of a deep network keeps 5L + 4 numbers a point (2 KB a point for 50 layers), and the
/// first write to a page of memory the process has never touched is far dearer than the writes
/// themselves on a virtual machine. On Linux 5.14 and later <c>madvise(MADV_POPULATE_WRITE)</c> maps
/// an array's pages in one call. That still left the first write to each 4 KB page slow on the
/// development VM (writing 20 MB of fresh memory: 55 ms faulting page by page, 4 + 25 ms mapped in one
/// call first), while memory in 2 MB huge pages (<c>MADV_HUGEPAGE</c>, then the same call) took
/// 1.1 + 0.6 ms. An array of a whole number of 2 MB blocks (<see cref="HugeBlockLength"/>) is
/// therefore allocated with 2 MB to spare and handed out from its first 2 MB boundary: the spare
/// memory is never written, so the system never backs it. Where the calls fail or do nothing (another
/// system, an older kernel, huge pages turned off) the pages fault in as they are written; mapped
/// either way, the memory and the numbers written to it are the same.
/// </remarks>
internal static partial class FreshPages
{
    private const int HugePageAdvice = 14; // MADV_HUGEPAGE
    private const int PopulateWrite = 23; // MADV_POPULATE_WRITE (Linux 5.14)
    private const int PageSize = 4096;
    private const int HugePageBytes = 2 << 20;

    /// <summary>Doubles in one 2 MB block: an array of a multiple of this many is handed out in huge pages.</summary>
    public const int HugeBlockLength = HugePageBytes / sizeof(double);

    /// <summary>Below this many bytes an array is left to fault in (a call costs more than a few faults).</summary>
    private const int MinimumBytes = 64 * 1024;

    private static volatile bool supported = OperatingSystem.IsLinux();

    /// <summary>
    /// <paramref name="length"/> new doubles, not cleared: their whole pages mapped at once where the
    /// system allows, and in 2 MB huge pages when <paramref name="length"/> is a multiple of
    /// <see cref="HugeBlockLength"/> (then the segment starts past the array's start, at a 2 MB boundary).
    /// </summary>
    public static unsafe ArraySegment<double> Allocate(int length)
    {
        if (!supported || (long)length * sizeof(double) < MinimumBytes)
        {
            return GC.AllocateUninitializedArray<double>(length);
        }

        var huge = length % HugeBlockLength == 0;
        // Pinned (the pinned object heap): the address the kernel is given stays the array's.
        var array = GC.AllocateUninitializedArray<double>(huge ? length + HugeBlockLength : length, pinned: true);
        var start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        if (huge)
        {
            var aligned = (start + HugePageBytes - 1) & ~(nint)(HugePageBytes - 1);
            var offset = (int)((aligned - start) / sizeof(double));
            var bytes = (nuint)length * sizeof(double);
            // Advice only: without huge pages (turned off, or none free) the call still maps 4 KB pages.
            _ = Madvise(aligned, bytes, HugePageAdvice);
            Populate(aligned, aligned + (nint)bytes);
            return new ArraySegment<double>(array, offset, length);
        }

        Populate((start + PageSize - 1) & ~(nint)(PageSize - 1), (start + (nint)((long)length * sizeof(double))) & ~(nint)(PageSize - 1));
        return array;
    }

    private static void Populate(nint first, nint last)
    {
        if (last > first && Madvise(first, (nuint)(last - first), PopulateWrite) != 0)
        {
            supported = false; // An older kernel (EINVAL): the pages fault in as they are written.
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
