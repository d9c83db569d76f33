using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Grad.Runtime.Numerics;

/// <summary>
/// Dense matrix product C (+)= α·A·B in float64, where A and B are read through strides so
/// that transposes cost nothing: A(i, p) = a[i·aRow + p·aCol], B(p, j) = b[p·bRow + j·bCol].
/// Blocked in the Goto/BLIS way: packed panels of A and B and a register tile of fused
/// multiply-adds, 8×16 in <see cref="Vector512{T}"/> where AVX-512 runs, else 6×8 in
/// <see cref="Vector256{T}"/>; a forward product X·Wᵀ with no more rows than columns packs only X
/// and runs a 16×8 tile down C's columns (<see cref="MultiplyByColumns"/>). Every element is computed in one fixed order (k in blocks of
/// <see cref="KBlock"/>, a fused multiply-add chain from 0 within a block, then C += α·sum, the
/// first block written as 0 + α·sum when C is not accumulated into, as a cleared C would give), by
/// either kernel and the small-matrix loop alike, so results are
/// bit-identical whatever path or machine computes them. With several threads, a product of at
/// least <see cref="ParallelWork"/> multiply-adds is cut into bands of whole register tiles along
/// its longer side of C (<see cref="Band"/>), one per thread of the <see cref="ThreadTeam"/>; each element
/// is still computed in the same order by one thread, so the result is bit-identical for any
/// thread count. Callers that fuse work of their own into a band use <see cref="MultiplyPart"/>.
/// </summary>
public static unsafe class Gemm
{
    internal const int KBlock = 256;
    private const int RowBlock = 96;
    private const int ColumnBlock = 2048;

    /// <summary>A last block along k at most this long is run by <see cref="MultiplyByColumns"/>' tiles with the block before it.</summary>
    private const int ShortBlock = 64;

    /// <summary>Columns of C that <see cref="MultiplyByColumns"/> takes through every block along k before the next ones.</summary>
    private const int ColumnGroup = 64;

    /// <summary>Elements of a column tile (16 rows × 8 columns).</summary>
    private const int ColumnTile = 16 * 8;

    /// <summary>
    /// Rows of A packed at a time by <see cref="MultiplyByColumns"/>: 64 rows, all of k (W3's 64 × 784, 0.4 MB, and the
    /// group's running totals, 32 KB, stay in L2 while W streams by; 128 rows at a time were 2–4 points of the limit slower).
    /// </summary>
    private const int ColumnsRowBlock = 64;
    private const int SmallWork = 6 * 8 * 32;

    /// <summary>Products with fewer multiply-adds than this stay on one thread (a band would cost more to hand over than to compute).</summary>
    internal const long ParallelWork = 1L << 20;

    /// <summary>Products whose A and B together have at most this many elements (128 KB: they stay in L2) skip packing.</summary>
    private const long DirectOperands = 16384;

    /// <summary>The register tile: 8×16 with AVX-512 (sixteen 8-wide accumulators), else 6×8 with 4-wide vectors.</summary>
    internal static readonly bool WideByDefault = Vector512.IsHardwareAccelerated;

    [ThreadStatic]
    private static double[]? packedA;

    [ThreadStatic]
    private static double[]? packedB;

    [ThreadStatic]
    private static double[]? transposedB;

    /// <summary>The packing that <see cref="Multiply(int, int, int, ReadOnlySpan{double}, int, int, ReadOnlySpan{double}, int, int, Span{double}, int, double, bool, bool, int)"/>'s bands share, one per calling thread.</summary>
    [ThreadStatic]
    private static SharedPacking? ownPacking;

    /// <summary>
    /// C[m×n] (row stride ldc) = α·A·B, or += when <paramref name="accumulate"/>, on up to
    /// <paramref name="threads"/> threads (the same bits for any count).
    /// </summary>
    public static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<double> a, int aRow, int aCol,
        ReadOnlySpan<double> b, int bRow, int bCol,
        Span<double> c, int ldc,
        double alpha = 1, bool accumulate = false, int threads = 1) =>
        Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, alpha, accumulate, WideByDefault, threads);

    /// <summary>As above with the register tile chosen explicitly (tests run both kernels on any machine).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<double> a, int aRow, int aCol,
        ReadOnlySpan<double> b, int bRow, int bCol,
        Span<double> c, int ldc,
        double alpha, bool accumulate, bool wide, int threads = 1, Epilogue epilogue = default)
    {
        CheckBounds(m, n, k, a.Length, aRow, aCol, b.Length, bRow, bCol, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k > 0 && (threads <= 1 || (long)m * n * k < ParallelWork) && FitsDirect(m, n, k, wide))
        {
            // B's rows must be contiguous: a transposed B (a layer's weights in Z = X·Wᵀ) is transposed once first.
            var tBase = bCol == 1 ? null : Buffer(ref transposedB, k * n);
            fixed (double* aBase = a, bBase = b, cBase = c)
            {
                if (tBase is not null)
                {
                    Transpose(k, n, bBase, bRow, bCol, tBase, n);
                }

                MultiplyDirect(m, n, k, aBase, aRow, aCol, tBase is null ? bBase : tBase, tBase is null ? bRow : n, cBase, ldc, alpha, accumulate, wide);
                ApplyEpilogue(m, n, cBase, ldc, epilogue);
            }

            return;
        }

        fixed (double* aBase = a, bBase = b, cBase = c)
        {
            var parts = Parts(m, n, k, wide, threads);
            if (parts > 1)
            {
                MultiplyInParts(m, n, k, aBase, aRow, aCol, bBase, bRow, bCol, cBase, ldc, alpha, accumulate, wide, parts, epilogue);
                return;
            }

            MultiplyAdd(m, n, k, aBase, aRow, aCol, bBase, bRow, bCol, cBase, ldc, alpha, accumulate, wide, default, epilogue);
        }
    }

    /// <summary>
    /// C += α·A·B, one band per part on the <see cref="ThreadTeam"/>, the operand every band reads whole packed once
    /// between them in the calling thread's <see cref="SharedPacking"/> (a method of its own: its closure is allocated only here).
    /// </summary>
    private static void MultiplyInParts(int m, int n, int k, double* a, int aRow, int aCol, double* b, int bRow, int bCol, double* c, int ldc, double alpha, bool accumulate, bool wide, int parts, Epilogue epilogue)
    {
        var (aAddress, bAddress, cAddress) = ((nint)a, (nint)b, (nint)c);
        var shared = ownPacking ??= new SharedPacking();
        shared.Begin(m, n, k);
        ThreadTeam.Run(parts, part => MultiplyBand(m, n, k, (double*)aAddress, aRow, aCol, (double*)bAddress, bRow, bCol, (double*)cAddress, ldc, alpha, accumulate, wide, Band(m, n, k, wide, part, parts), shared.For(m, n, k, part, parts), epilogue));
    }

    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/> of C = α·A·B (or += when
    /// <paramref name="accumulate"/>): the rectangle <see cref="Band"/> gives it, cleared first
    /// when not accumulating. Run every part once, on any threads in any order, and C holds the
    /// bits <see cref="Multiply(int, int, int, ReadOnlySpan{double}, int, int, ReadOnlySpan{double}, int, int, Span{double}, int, double, bool, int)"/> gives.
    /// With <paramref name="shared"/> (<see cref="SharedPacking.Begin"/> called for this product before its parts), the
    /// operand that every band reads whole is packed once between the parts instead of once by each. With
    /// <paramref name="bias"/> and <paramref name="rectified"/>, the band gets <see cref="MultiplyBiased"/>'s epilogue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyPart(
        int m, int n, int k,
        ReadOnlySpan<double> a, int aRow, int aCol,
        ReadOnlySpan<double> b, int bRow, int bCol,
        Span<double> c, int ldc,
        double alpha, bool accumulate, int part, int parts, SharedPacking? shared = null,
        ReadOnlySpan<double> bias = default, Span<double> rectified = default)
    {
        CheckBounds(m, n, k, a.Length, aRow, aCol, b.Length, bRow, bCol, c.Length, ldc);
        CheckEpilogue(m, n, ldc, bias.Length, rectified.Length);
        var sharing = shared is null ? default : shared.For(m, n, k, part, parts);
        var band = Band(m, n, k, WideByDefault, part, parts);
        if (band.IsEmpty)
        {
            return;
        }

        fixed (double* aBase = a, bBase = b, cBase = c, biasBase = bias, rectifiedBase = rectified)
        {
            MultiplyBand(m, n, k, aBase, aRow, aCol, bBase, bRow, bCol, cBase, ldc, alpha, accumulate, WideByDefault, band, sharing, new Epilogue(biasBase, rectifiedBase));
        }
    }

    /// <summary>
    /// C[m×n] (row stride ldc) = A·B + 1·biasᵀ on up to <paramref name="threads"/> threads, and, when
    /// <paramref name="rectified"/> is not empty, rectified (the same stride) = relu(C) element by element (a dense
    /// layer's Z = X·Wᵀ + b and its ReLU). The epilogue is applied to each tile of C as it leaves the registers:
    /// element by element it is the product's value (the documented order) plus b_j, one rounding, and then
    /// z &lt; 0 ? +0 : z (NaN and −0 kept, as torch.relu keeps them), the bits of the product followed by those two loops, without reading C again.
    /// </summary>
    public static void MultiplyBiased(
        int m, int n, int k,
        ReadOnlySpan<double> a, int aRow, int aCol,
        ReadOnlySpan<double> b, int bRow, int bCol,
        Span<double> c, int ldc, ReadOnlySpan<double> bias, Span<double> rectified, int threads = 1) =>
        MultiplyBiased(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, bias, rectified, WideByDefault, threads);

    /// <summary>As above with the register tile chosen explicitly (tests run both kernels on any machine).</summary>
    internal static void MultiplyBiased(
        int m, int n, int k,
        ReadOnlySpan<double> a, int aRow, int aCol,
        ReadOnlySpan<double> b, int bRow, int bCol,
        Span<double> c, int ldc, ReadOnlySpan<double> bias, Span<double> rectified, bool wide, int threads)
    {
        CheckEpilogue(m, n, ldc, bias.Length, rectified.Length);
        fixed (double* biasBase = bias, rectifiedBase = rectified)
        {
            Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc, 1, false, wide, threads, new Epilogue(biasBase, rectifiedBase));
        }
    }

    /// <summary>A bias, when given, has a value for each of C's n columns, and a rectified copy, when given, C's shape and stride.</summary>
    private static void CheckEpilogue(int m, int n, int ldc, int biasLength, int rectifiedLength)
    {
        if (biasLength != 0 && biasLength < n)
        {
            throw new ArgumentException($"GEMM: a bias of {biasLength} values for {n} columns");
        }

        if (rectifiedLength != 0 && m > 0 && n > 0 && rectifiedLength < (long)(m - 1) * ldc + n)
        {
            throw new ArgumentException($"GEMM: a rectified copy of {rectifiedLength} elements for {m} rows of stride {ldc}");
        }
    }

    /// <summary>
    /// What a product does to each element of C after computing it (<see cref="MultiplyBiased"/>): adds
    /// <see cref="Bias"/>'s value of its column, when there is a bias, and writes relu(C) (C &lt; 0 ? +0 : C) to the same place of
    /// <see cref="Rectified"/> (C's stride), when there is one. Default: nothing.
    /// </summary>
    internal readonly struct Epilogue(double* bias, double* rectified)
    {
        public double* Bias => bias;

        public double* Rectified => rectified;

        public bool IsNone => bias is null && rectified is null;

        /// <summary>The epilogue of the block of C that starts at row <paramref name="row"/>, column <paramref name="column"/> (C's stride <paramref name="ldc"/>).</summary>
        public Epilogue At(long row, long column, long ldc) =>
            new(bias is null ? null : bias + column, rectified is null ? null : rectified + row * ldc + column);
    }

    /// <summary>
    /// The epilogue on C's m × n block in place, for the paths that do not apply it in their registers: element by
    /// element, c + b_j, then c &lt; 0 ? +0 : c into the rectified copy (the same operations as the column kernel's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyEpilogue(int m, int n, double* c, long ldc, Epilogue epilogue)
    {
        if (epilogue.IsNone)
        {
            return;
        }

        var bias = epilogue.Bias;
        var rectified = epilogue.Rectified;
        for (var i = 0; i < m; i++)
        {
            var row = c + i * ldc;
            var rectifiedRow = rectified is null ? null : rectified + i * ldc;
            var j = 0;
            for (; j + 4 <= n; j += 4)
            {
                var value = Vector256.Load(row + j);
                if (bias is not null)
                {
                    value += Vector256.Load(bias + j);
                    Vector256.Store(value, row + j);
                }

                if (rectifiedRow is not null)
                {
                    Vector256.Store(Vector256.ConditionalSelect(Vector256.LessThan(value, Vector256<double>.Zero), Vector256<double>.Zero, value), rectifiedRow + j);
                }
            }

            for (; j < n; j++)
            {
                var value = row[j];
                if (bias is not null)
                {
                    value += bias[j];
                    row[j] = value;
                }

                if (rectifiedRow is not null)
                {
                    rectifiedRow[j] = value < 0 ? 0 : value;
                }
            }
        }
    }

    /// <summary>
    /// How many parts a product of this shape is cut into on <paramref name="threads"/> threads:
    /// one below <see cref="ParallelWork"/> multiply-adds (a part would cost more to hand over
    /// than to compute), else one per thread, at most one per register tile along C's longer side.
    /// </summary>
    public static int Parts(int m, int n, int k, int threads) => Parts(m, n, k, WideByDefault, threads);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Parts(int m, int n, int k, bool wide, int threads)
    {
        if (threads <= 1 || m == 0 || n == 0 || (long)m * n * k < ParallelWork)
        {
            return 1;
        }

        var (length, tile) = m > n ? (m, wide ? 8 : 6) : (n, wide ? 16 : 8);
        return Math.Min(threads, (length + tile - 1) / tile);
    }

    /// <summary>
    /// The rectangle of C that part <paramref name="part"/> of <paramref name="parts"/> computes:
    /// a band of whole register tiles along C's longer side, the tiles left over from an even cut to the first parts (a part past <see cref="Parts(int, int, int, int)"/> is empty),
    /// so every element is computed by one part, in the one order of any other.
    /// </summary>
    public static Rectangle Band(int m, int n, int k, int part, int parts) => Band(m, n, k, WideByDefault, part, parts);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Rectangle Band(int m, int n, int k, bool wide, int part, int parts)
    {
        var count = Parts(m, n, k, wide, parts);
        if (part >= count)
        {
            return new Rectangle(0, 0, 0, 0);
        }

        var byRows = m > n;
        var tile = byRows ? (wide ? 8 : 6) : (wide ? 16 : 8);
        var length = byRows ? m : n;
        var tiles = (length + tile - 1) / tile;
        // Tiles that do not divide evenly go to the first parts: part 0 is the caller's, which starts first.
        var start = (int)(((long)tiles * part + count - 1) / count) * tile;
        var end = Math.Min(length, (int)(((long)tiles * (part + 1) + count - 1) / count) * tile);
        return byRows ? new Rectangle(start, end, 0, n) : new Rectangle(0, m, start, end);
    }

    /// <summary>
    /// The operand that every band of one product reads whole (A, when the bands are columns of C: X in Z = X·Wᵀ,
    /// Δᵀ in ∂C/∂W = Δᵀ·X, Δ in Δ·W), packed once between the parts of that product instead of once by each part:
    /// a part claims each block of it before packing, packs the blocks it claims and reads the others' once they are
    /// published. A part waits only for a block that another part is packing at that moment, never for one not begun,
    /// so the parts may run at once, one after another on one thread, or any mix of the two; and a packed block is
    /// the same copy whoever packs it, so the bits are the same. Call <see cref="Begin"/> before each product's parts;
    /// keep one per product whose parts run at the same time (a layer's ∂C/∂W and Δ·W need two).
    /// </summary>
    public sealed class SharedPacking
    {
        private double[]? buffer;
        private int[] pieces = [];
        private int generation;
        private long arrived;
        private (int M, int N, int K) shape = (-1, -1, -1);

        /// <summary>The first 64-byte boundary of the pinned buffer: all of A packed for the column path (<see cref="MultiplyByColumns"/>).</summary>
        internal double* Start { get; private set; }

        /// <summary>
        /// All of A packed for the packed path (<see cref="MultiplyAdd"/>), after the column path's: a product's bands
        /// of different widths may take different paths, and each path's blocks are its own.
        /// </summary>
        internal double* PackedStart => Start + (shape.M + 16L) * shape.K;

        /// <summary>The packed path's first block: the column path's blocks come first.</summary>
        internal int PackedPieces => (shape.M + ColumnsRowBlock - 1) / ColumnsRowBlock;

        /// <summary>Readies this packing for the parts of one m × n × k product (none of its parts may be running).</summary>
        public void Begin(int m, int n, int k)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(m);
            ArgumentOutOfRangeException.ThrowIfNegative(n);
            ArgumentOutOfRangeException.ThrowIfNegative(k);

            // All of A twice over, once for each path, in strips of whole register tiles (at most 16 rows of padding),
            // and each path's blocks: ColumnsRowBlock rows (the column path), RowBlock rows along k (the packed path).
            var length = 2 * (m + 16L) * k;
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length + LineElements, Array.MaxLength, nameof(k));
            Start = Buffer(ref buffer, (int)length);

            var count = (m + ColumnsRowBlock - 1) / ColumnsRowBlock + (k + KBlock - 1) / KBlock * ((m + RowBlock - 1) / RowBlock);
            if (pieces.Length < count || generation == int.MaxValue / 2)
            {
                pieces = new int[Math.Max(count, pieces.Length)];
                generation = 0;
            }

            generation++;
            arrived = 0;
            shape = (m, n, k);
        }

        /// <summary>Part <paramref name="part"/> of <paramref name="parts"/>' view, checked: the product <see cref="Begin"/> was called for, each part once.</summary>
        internal Sharing For(int m, int n, int k, int part, int parts)
        {
            if (shape != (m, n, k))
            {
                throw new ArgumentException($"GEMM: the shared packing was begun for a {shape.M}×{shape.N}×{shape.K} product, not this {m}×{n}×{k} one");
            }

            var bit = 1L << (part & 63);
            if ((Interlocked.Or(ref arrived, bit) & bit) != 0 && part < 64)
            {
                throw new InvalidOperationException($"GEMM: part {part} ran twice on one shared packing (call Begin before each product's parts)");
            }

            return new Sharing(this, generation, part, parts);
        }

        /// <summary>True when the caller is to pack <paramref name="piece"/> (and then <see cref="Publish"/> it); false once another part has published it.</summary>
        internal bool Claim(int piece, int current)
        {
            ref var state = ref pieces[piece];
            var (claimed, published) = (2 * current - 1, 2 * current);
            var seen = Volatile.Read(ref state);
            if (seen < claimed && Interlocked.CompareExchange(ref state, claimed, seen) == seen)
            {
                return true;
            }

            // Another part is packing it now (it does nothing else before publishing): wait for it.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref state) != published)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            return false;
        }

        internal void Publish(int piece, int current) => Volatile.Write(ref pieces[piece], 2 * current);
    }

    /// <summary>One part's view of a <see cref="SharedPacking"/> (default: none, each part packs its own operands).</summary>
    internal readonly struct Sharing(SharedPacking? packing, int generation, int part, int parts)
    {
        public SharedPacking? Packing => packing;

        /// <summary>The block this part starts at, of <paramref name="blocks"/>: its own share's first, so that the parts begin by packing different blocks.</summary>
        public int First(int blocks) => packing is null ? 0 : (int)((long)blocks * part / parts);

        public bool Claim(int piece) => packing!.Claim(piece, generation);

        public void Publish(int piece) => packing?.Publish(piece, generation);
    }

    /// <summary>Rows [RowStart, RowEnd) × columns [ColumnStart, ColumnEnd) of a matrix.</summary>
    public readonly record struct Rectangle(int RowStart, int RowEnd, int ColumnStart, int ColumnEnd)
    {
        public bool IsEmpty => RowEnd <= RowStart || ColumnEnd <= ColumnStart;
    }

    /// <summary>C (+)= α·A·B over one rectangle of C, on this thread; a band of all of C's rows (all of A) packs A with the other bands through <paramref name="sharing"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBand(int m, int n, int k, double* a, int aRow, int aCol, double* b, int bRow, int bCol, double* c, int ldc, double alpha, bool accumulate, bool wide, Rectangle band, Sharing sharing, Epilogue epilogue)
    {
        if (band.IsEmpty)
        {
            return;
        }

        MultiplyAdd(
            band.RowEnd - band.RowStart, band.ColumnEnd - band.ColumnStart, k,
            a + (long)band.RowStart * aRow, aRow, aCol,
            b + (long)band.ColumnStart * bCol, bRow, bCol,
            c + (long)band.RowStart * ldc + band.ColumnStart, ldc, alpha, accumulate, wide,
            band.RowStart == 0 && band.RowEnd == m ? sharing : default, epilogue.At(band.RowStart, band.ColumnStart, ldc));
    }

    /// <summary>
    /// C += α·A·B (C = α·A·B when not <paramref name="accumulate"/>) on this thread: the reference
    /// loop for small products (k = 0 among them: C cleared or left), else packed panels and the register tile. Without
    /// accumulate, the first block along k writes 0 + α·sum straight from the registers, what it would
    /// add to a cleared C (−0 included), so C is not cleared, read and written again (a weight
    /// gradient's 512 × 784 output is 3.2 MB: that traffic kept ∂C/∂W from scaling on two threads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd(int m, int n, int k, double* aBase, int aRow, int aCol, double* bBase, int bRow, int bCol, double* cBase, int ldc, double alpha, bool accumulate, bool wide, Sharing sharing, Epilogue epilogue = default)
    {
        if ((long)m * n * k <= SmallWork || m < 2 || n < 4)
        {
            if (!accumulate)
            {
                for (var i = 0; i < m; i++)
                {
                    new Span<double>(cBase + (long)i * ldc, n).Clear();
                }
            }

            MultiplySmall(m, n, k, aBase, aRow, aCol, bBase, bRow, bCol, cBase, ldc, alpha);
            ApplyEpilogue(m, n, cBase, ldc, epilogue);
            return;
        }

        if (wide && aCol == 1 && bRow == 1 && m <= n && m >= 8 && n >= 8)
        {
            MultiplyByColumns(m, n, k, aBase, aRow, bBase, bCol, cBase, ldc, alpha, accumulate, sharing, epilogue);
            return;
        }

        // Shared, all of A is packed once between the bands, block by block (each block's rows in strips, block after
        // block along k); each band starts at its own block, so that the bands pack different blocks at once.
        var rowTile = wide ? 8 : 6;
        var shared = sharing.Packing;
        var paddedRows = (m + rowTile - 1) / rowTile * rowTile;
        var blocks = (m + RowBlock - 1) / RowBlock;
        var first = sharing.First(blocks);
        var ap = shared is null ? Buffer(ref packedA, (Math.Min(m, RowBlock) + 16) * Math.Min(k, KBlock)) : null;
        var bp = Buffer(ref packedB, (Math.Min(n, ColumnBlock) + 16) * Math.Min(k, KBlock));
        for (var jc = 0; jc < n; jc += ColumnBlock)
        {
            var nc = Math.Min(ColumnBlock, n - jc);
            for (var pc = 0; pc < k; pc += KBlock)
            {
                var kc = Math.Min(KBlock, k - pc);
                PackB(bBase, bRow, bCol, pc, jc, kc, nc, bp, wide ? 16 : 8);
                for (var block = 0; block < blocks; block++)
                {
                    var ic = (first + block) % blocks * RowBlock;
                    var mc = Math.Min(RowBlock, m - ic);
                    var strips = ap;
                    if (shared is null)
                    {
                        PackA(aBase, aRow, aCol, ic, pc, mc, kc, ap, rowTile);
                    }
                    else
                    {
                        strips = shared.PackedStart + (long)pc * paddedRows + (long)ic * kc;
                        var piece = shared.PackedPieces + pc / KBlock * blocks + ic / RowBlock;
                        if (sharing.Claim(piece))
                        {
                            PackA(aBase, aRow, aCol, ic, pc, mc, kc, strips, rowTile);
                            sharing.Publish(piece);
                        }
                    }

                    MacroKernel(mc, nc, kc, strips, bp, cBase + ic * ldc + jc, ldc, alpha, accumulate || pc > 0, wide);
                }
            }
        }

        ApplyEpilogue(m, n, cBase, ldc, epilogue);
    }

    /// <summary>
    /// C (+)= α·A·Wᵀ where A's rows and W's rows are contiguous along k (every forward product
    /// Z = X·Wᵀ) and A has no more rows than W: the register tile runs down C's columns, 16 rows of C
    /// in two vectors by 8 of its columns. Only A is packed (16-row strips along k, a quarter of what
    /// packing W would be for W3's 128 × 512 × 784); W's elements are broadcast from its rows where
    /// they are, eight rows at a time. Between blocks along k a tile's running totals stay in its own
    /// columns, in a contiguous 1 KB of <c>totals</c>; only the last block transposes them into C's rows,
    /// so C is written once and never read (unless accumulated into). The last panel of fewer than 8 rows
    /// of W is copied (zeros after it) so that the tile never reads past W, and a tile with fewer rows or
    /// columns than 16 × 8 ends in a whole tile of its own that is then copied into C. Every element's
    /// chain and additions are the documented order's: (start + α·sum₀) + α·sum₁ + …, start C or 0.
    /// Shared (<paramref name="sharing"/>), all of A is packed once between the bands, 64 rows at a time, each band
    /// starting at its own rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyByColumns(int m, int n, int k, double* a, int aRow, double* w, int wRow, double* c, int ldc, double alpha, bool accumulate, Sharing sharing, Epilogue epilogue)
    {
        var shared = sharing.Packing;
        var packedLength = shared is null ? (Math.Min(m, ColumnsRowBlock) + 16) * k : 0;
        var own = Buffer(ref packedA, packedLength + 8 * (KBlock + ShortBlock) + ColumnsRowBlock * ColumnGroup + 2 * ColumnTile);
        var lastPanel = own + packedLength;
        var totals = lastPanel + 8 * (KBlock + ShortBlock);
        var zeros = totals + ColumnsRowBlock * ColumnGroup;
        var edge = zeros + ColumnTile;
        new Span<double>(zeros, ColumnTile).Clear();
        var blocks = (m + ColumnsRowBlock - 1) / ColumnsRowBlock;
        var first = sharing.First(blocks);
        for (var block = 0; block < blocks; block++)
        {
            // A's rows, all of k, block after block (64 of W3's X's rows: 0.4 MB, in L2).
            var ic = (first + block) % blocks * ColumnsRowBlock;
            var mc = Math.Min(ColumnsRowBlock, m - ic);
            var paddedRows = (mc + 15) / 16 * 16;
            var packed = shared is null ? own : shared.Start + (long)ic * k;
            var piece = ic / ColumnsRowBlock;
            if (shared is null || sharing.Claim(piece))
            {
                for (var pc = 0; pc < k; pc += KBlock)
                {
                    var length = BlockLength(k, pc);
                    PackStrips(a + (long)ic * aRow + pc, aRow, mc, length, packed + (long)paddedRows * pc);
                    pc += length - Math.Min(KBlock, k - pc);
                }

                sharing.Publish(piece);
            }

            // C a group of columns at a time through every block along k, so that the group's running totals
            // (64 × 64 elements, 32 KB) stay in L2 from one block to the next.
            for (var jg = 0; jg < n; jg += ColumnGroup)
            {
                for (var pc = 0; pc < k; pc += KBlock)
                {
                    // A short last block along k (16 of W3's 784) is run by the same tiles right after the one before it.
                    var kc = Math.Min(KBlock, k - pc);
                    var length = BlockLength(k, pc);
                    var next = length - kc;
                    var last = pc + length == k;
                    var strips = packed + (long)paddedRows * pc;
                    // Strip by strip of A, each through the group's panels of W (16 KB each, in L2 after the first strip).
                    var end = Math.Min(n, jg + ColumnGroup);
                    if (n % 8 != 0 && end == n)
                    {
                        new Span<double>(lastPanel, 8 * length).Clear();
                        for (var j = n - n % 8; j < n; j++)
                        {
                            new ReadOnlySpan<double>(w + j * (long)wRow + pc, length).CopyTo(new Span<double>(lastPanel + (j - (n - n % 8)) * length, length));
                        }
                    }

                    for (var ir = 0; ir < mc; ir += 16)
                    {
                        for (var jr = jg; jr < end; jr += 8)
                        {
                            var (rows, columns) = (Math.Min(16, mc - ir), Math.Min(8, n - jr));
                            var panel = columns < 8 ? lastPanel : w + jr * (long)wRow + pc;
                            var panelRow = columns < 8 ? length : (long)wRow;
                            var strip = strips + ir * length;
                            var tile = c + (ic + ir) * (long)ldc + jr;
                            var tileTotals = totals + ((ir / 16 * (ColumnGroup / 8)) + ((jr - jg) / 8)) * ColumnTile;
                            var start = tileTotals;
                            if (pc == 0 && accumulate)
                            {
                                LoadColumns(tile, ldc, rows, columns, tileTotals);
                            }
                            else if (pc == 0)
                            {
                                start = zeros;
                            }

                            // The last block ends in C's rows (with the epilogue), through a whole tile of its own at the edges.
                            var whole = rows == 16 && columns == 8;
                            var rowsOut = !last ? null : whole ? tile : edge;
                            var ldcOut = whole ? ldc : 8L;
                            var tileEpilogue = last && whole ? epilogue.At(ic + ir, jr, ldc) : default;
                            if (next == 0)
                            {
                                ColumnKernel16x8(kc, strip, panel, panelRow, new ColumnTarget(alpha, start, tileTotals, rowsOut, ldcOut, tileEpilogue));
                            }
                            else
                            {
                                ColumnKernel16x8(kc, strip, panel, panelRow, new ColumnTarget(alpha, start, tileTotals, null, 0, default));
                                ColumnKernel16x8(next, strip + kc * 16, panel + kc, panelRow, new ColumnTarget(alpha, tileTotals, tileTotals, rowsOut, ldcOut, tileEpilogue));
                            }

                            if (last && !whole)
                            {
                                for (var i = 0; i < rows; i++)
                                {
                                    new ReadOnlySpan<double>(edge + i * 8, columns).CopyTo(new Span<double>(tile + i * ldc, columns));
                                }

                                ApplyEpilogue(rows, columns, tile, ldc, epilogue.At(ic + ir, jr, ldc));
                            }
                        }
                    }

                    pc += next;
                }
            }
        }
    }

    /// <summary>A column tile's start when C is accumulated into: C's rows × columns part, in the tile's columns (column j's 16 rows at 16·j), zeros beyond it.</summary>
    private static void LoadColumns(double* tile, long ldc, int rows, int columns, double* destination)
    {
        for (var j = 0; j < 8; j++)
        {
            for (var i = 0; i < 16; i++)
            {
                destination[16 * j + i] = i < rows && j < columns ? tile[i * ldc + j] : 0;
            }
        }
    }

    /// <summary>
    /// Ã for <see cref="MultiplyByColumns"/>: rows of A (contiguous along k) in strips of 16, each strip
    /// step by step along k (packed[strip·kc + p·16 + r] = A(strip + r, p)), zeros below the last row.
    /// Whole strips go in 8×8 blocks of 512-bit shuffles, sixteen rows read at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackStrips(double* a, int aRow, int mc, int kc, double* packed)
    {
        for (var strip = 0; strip < mc; strip += 16)
        {
            var rows = Math.Min(16, mc - strip);
            var source = a + strip * (long)aRow;
            var destination = packed + strip * (long)kc;
            var p = 0;
            if (rows == 16)
            {
                for (; p + 8 <= kc; p += 8)
                {
                    Transpose8x8(source + p, aRow, destination + p * 16);
                    Transpose8x8(source + 8L * aRow + p, aRow, destination + p * 16 + 8);
                }
            }

            for (; p < kc; p++)
            {
                for (var r = 0; r < 16; r++)
                {
                    destination[p * 16 + r] = r < rows ? source[r * (long)aRow + p] : 0;
                }
            }
        }
    }

    /// <summary>
    /// destination[q·16 + r] = source[r·stride + q] for r, q &lt; 8: an 8×8 transpose in three rounds of
    /// shuffles (pairs of elements, then pairs of 128-bit lanes twice), as <see cref="ColumnKernel16x8"/> turns its tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(double* source, long stride, double* destination)
    {
        var (r0, r1, r2, r3) = (Vector512.Load(source), Vector512.Load(source + stride), Vector512.Load(source + 2 * stride), Vector512.Load(source + 3 * stride));
        var (r4, r5, r6, r7) = (Vector512.Load(source + 4 * stride), Vector512.Load(source + 5 * stride), Vector512.Load(source + 6 * stride), Vector512.Load(source + 7 * stride));
        var (t0, t1, t2, t3) = (Avx512F.UnpackLow(r0, r1), Avx512F.UnpackHigh(r0, r1), Avx512F.UnpackLow(r2, r3), Avx512F.UnpackHigh(r2, r3));
        var (t4, t5, t6, t7) = (Avx512F.UnpackLow(r4, r5), Avx512F.UnpackHigh(r4, r5), Avx512F.UnpackLow(r6, r7), Avx512F.UnpackHigh(r6, r7));
        var (u0, u1, u2, u3) = (Avx512F.Shuffle4x128(t0, t2, 0x88), Avx512F.Shuffle4x128(t0, t2, 0xDD), Avx512F.Shuffle4x128(t1, t3, 0x88), Avx512F.Shuffle4x128(t1, t3, 0xDD));
        var (u4, u5, u6, u7) = (Avx512F.Shuffle4x128(t4, t6, 0x88), Avx512F.Shuffle4x128(t4, t6, 0xDD), Avx512F.Shuffle4x128(t5, t7, 0x88), Avx512F.Shuffle4x128(t5, t7, 0xDD));
        Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0x88), destination);
        Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0x88), destination + 16);
        Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0x88), destination + 32);
        Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0x88), destination + 48);
        Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0xDD), destination + 64);
        Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0xDD), destination + 80);
        Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0xDD), destination + 96);
        Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0xDD), destination + 112);
    }

    /// <summary>The length of the block along k that starts at <paramref name="pc"/>, with a short last block after it (at most <see cref="ShortBlock"/>) joined to it.</summary>
    private static int BlockLength(int k, int pc)
    {
        var kc = Math.Min(KBlock, k - pc);
        var rest = k - pc - kc;
        return rest <= ShortBlock ? kc + rest : kc;
    }

    /// <summary>
    /// A product whose operands stay in the first caches (together at most <see cref="DirectOperands"/>
    /// elements, one block along k) and whose B has contiguous rows, at least one register tile in size:
    /// no packing pays for itself there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FitsDirect(int m, int n, int k, bool wide) =>
        k <= KBlock && m >= (wide ? 8 : 6) && n >= (wide ? 16 : 8) && (long)m * k + (long)k * n <= DirectOperands;

    /// <summary>
    /// destination[p·stride + j] = B(p, j) = b[p·bRow + j·bCol] for p &lt; k, j &lt; n: B with contiguous
    /// rows. A transposed B (bRow = 1: column j of B contiguous) goes in 4×4 blocks of vector shuffles,
    /// the rest element by element. The packing of a transposed panel is this with the tile's width as stride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(int k, int n, double* b, int bRow, int bCol, double* destination, int stride)
    {
        var blockedRows = 0;
        var blockedColumns = 0;
        if (bRow == 1 && Avx.IsSupported)
        {
            blockedRows = k & ~3;
            blockedColumns = n & ~3;
            for (var j = 0; j < blockedColumns; j += 4)
            {
                var column0 = b + j * (long)bCol;
                var column1 = column0 + bCol;
                var column2 = column1 + bCol;
                var column3 = column2 + bCol;
                for (var p = 0; p < blockedRows; p += 4)
                {
                    // Four columns of B, four of their elements each, become four rows of the destination.
                    var r0 = Vector256.Load(column0 + p);
                    var r1 = Vector256.Load(column1 + p);
                    var r2 = Vector256.Load(column2 + p);
                    var r3 = Vector256.Load(column3 + p);
                    var low01 = Avx.UnpackLow(r0, r1);
                    var high01 = Avx.UnpackHigh(r0, r1);
                    var low23 = Avx.UnpackLow(r2, r3);
                    var high23 = Avx.UnpackHigh(r2, r3);
                    var row = destination + p * (long)stride + j;
                    Vector256.Store(Avx.Permute2x128(low01, low23, 0x20), row);
                    Vector256.Store(Avx.Permute2x128(high01, high23, 0x20), row + stride);
                    Vector256.Store(Avx.Permute2x128(low01, low23, 0x31), row + 2 * stride);
                    Vector256.Store(Avx.Permute2x128(high01, high23, 0x31), row + 3 * stride);
                }
            }
        }

        for (var p = 0; p < k; p++)
        {
            var row = destination + p * (long)stride;
            for (var j = p < blockedRows ? blockedColumns : 0; j < n; j++)
            {
                row[j] = b[p * (long)bRow + j * (long)bCol];
            }
        }
    }

    /// <summary>
    /// C (+)= α·A·B without packing: the register tile broadcasts A's elements and loads B's rows where
    /// they are, and writes each element of C once, 0 + α·sum (or C + α·sum), so C is not cleared
    /// first. Rows and columns beyond the whole tiles take the reference loop. One block along k, so
    /// every element is the documented order's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyDirect(int m, int n, int k, double* a, int aRow, int aCol, double* b, int bRow, double* c, int ldc, double alpha, bool accumulate, bool wide)
    {
        var rowTile = wide ? 8 : 6;
        var columnTile = wide ? 16 : 8;
        var fullRows = m - m % rowTile;
        var fullColumns = n - n % columnTile;
        for (var jr = 0; jr < fullColumns; jr += columnTile)
        {
            for (var ir = 0; ir < fullRows; ir += rowTile)
            {
                var tileA = a + ir * (long)aRow;
                var tile = c + ir * (long)ldc + jr;
                if (wide)
                {
                    DirectKernel8x16(k, tileA, aRow, aCol, b + jr, bRow, tile, ldc, alpha, accumulate);
                }
                else
                {
                    DirectKernel6x8(k, tileA, aRow, aCol, b + jr, bRow, tile, ldc, alpha, accumulate);
                }
            }
        }

        if (!accumulate)
        {
            for (var i = 0; i < m; i++)
            {
                var start = i < fullRows ? fullColumns : 0;
                new Span<double>(c + i * (long)ldc + start, n - start).Clear();
            }
        }

        if (fullColumns < n)
        {
            MultiplySmall(fullRows, n - fullColumns, k, a, aRow, aCol, b + fullColumns, bRow, 1, c + fullColumns, ldc, alpha);
        }

        if (fullRows < m)
        {
            MultiplySmall(m - fullRows, n, k, a + fullRows * (long)aRow, aRow, aCol, b, bRow, 1, c + fullRows * (long)ldc, ldc, alpha);
        }
    }

    /// <summary>
    /// The pointer kernels below read and write without bounds checks: every element they can
    /// touch is checked here first, in 64-bit arithmetic, so a wrong shape is an exception and
    /// never a read past an array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckBounds(int m, int n, int k, int aLength, int aRow, int aCol, int bLength, int bRow, int bCol, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0 || aRow < 0 || aCol < 0 || bRow < 0 || bCol < 0 || ldc < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes and strides must not be negative (m={m}, n={n}, k={k}, strides {aRow},{aCol} {bRow},{bCol} {ldc})");
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        if (k > 0)
        {
            Require("A", (m - 1L) * aRow + (k - 1L) * aCol, aLength);
            Require("B", (k - 1L) * bRow + (n - 1L) * bCol, bLength);
        }

        Require("C", (m - 1L) * ldc + (n - 1L), cLength);
        if (n > ldc && m > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ldc), $"GEMM: rows of C ({n} wide) overlap with a row stride of {ldc}");
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Require(string matrix, long lastIndex, int length)
        {
            if (lastIndex >= length)
            {
                throw new ArgumentOutOfRangeException(nameof(matrix), $"GEMM: {matrix} has {length} elements but the shape reaches element {lastIndex}");
            }
        }
    }

    /// <summary>
    /// A per-thread packing buffer of at least <paramref name="length"/> elements, grown to the largest size asked for
    /// so far, from its first 64-byte boundary on: pinned, so that it never moves, and aligned, so that a packed
    /// strip's 512-bit loads never straddle two cache lines (a buffer that happened to start 8 or 16 bytes past a
    /// line made one thread's bands up to a tenth slower than the other's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double* Buffer(ref double[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length + LineElements)
        {
            buffer = GC.AllocateArray<double>(length + LineElements, pinned: true);
        }

        return Aligned(buffer);
    }

    /// <summary>The first 64-byte boundary in a pinned array.</summary>
    private static double* Aligned(double[] pinned)
    {
        var start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (double*)((start + LineElements * sizeof(double) - 1) & ~(nint)(LineElements * sizeof(double) - 1));
    }

    /// <summary>Doubles in a 64-byte cache line.</summary>
    private const int LineElements = 8;

    /// <summary>The reference order, for matrices too small to be worth packing.</summary>
    /// <remarks>
    /// This loop, the packing and the macro-kernel are compiled optimised at their first call, like the
    /// micro-kernels: the CLI runs for a second or so, and otherwise they began as tier-0 code with
    /// on-stack replacement (PackB's Vector256 code is not precompiled by ReadyToRun).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplySmall(int m, int n, int k, double* a, int aRow, int aCol, double* b, int bRow, int bCol, double* c, int ldc, double alpha)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var total = c[i * (long)ldc + j];
                for (var pc = 0; pc < k; pc += KBlock)
                {
                    var end = Math.Min(k, pc + KBlock);
                    var sum = 0.0;
                    for (var p = pc; p < end; p++)
                    {
                        sum = Math.FusedMultiplyAdd(a[i * (long)aRow + p * (long)aCol], b[p * (long)bRow + j * (long)bCol], sum);
                    }

                    total += alpha * sum;
                }

                c[i * (long)ldc + j] = total;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackA(double* a, int aRow, int aCol, int ic, int pc, int mc, int kc, double* packed, int rowTile)
    {
        var whole = 0;
        if (aRow == 1 && aCol != 1)
        {
            // A's columns are contiguous (Δᵀ in a weight gradient ∂C/∂W = Δᵀ·X): step by step along k, the block's part
            // of one column of A (a row of Δ) is read once from start to end into the whole strips (strip by strip, the
            // steps were 4 KB apart and crossed a page each).
            whole = mc / rowTile * rowTile;
            for (var p = 0; p < kc; p++)
            {
                CopyColumn(a + ic + (pc + p) * (long)aCol, whole, rowTile, packed + p * rowTile, kc * rowTile);
            }
        }

        for (var strip = whole; strip < mc; strip += rowTile)
        {
            var rows = Math.Min(rowTile, mc - strip);
            var destination = packed + strip * kc;
            if (aCol == 1 && rows == rowTile)
            {
                // Ã[p, r] = A(row r, p): A's rows are contiguous, so this is a transpose with the tile's height as stride.
                Transpose(kc, rowTile, a + (ic + strip) * (long)aRow + pc, 1, aRow, destination, rowTile);
                continue;
            }

            for (var p = 0; p < kc; p++)
            {
                var source = a + (ic + strip) * (long)aRow + (pc + p) * (long)aCol;
                var r = 0;
                for (; r < rows; r++)
                {
                    destination[r] = source[r * (long)aRow];
                }

                for (; r < rowTile; r++)
                {
                    destination[r] = 0;
                }

                destination += rowTile;
            }
        }
    }

    /// <summary>
    /// destination[s·stripStride + r] = source[s·rowTile + r] for the <paramref name="rows"/> / rowTile whole strips s and
    /// r &lt; rowTile (8 or 6): one step along k of every strip, a vector copy each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyColumn(double* source, int rows, int rowTile, double* destination, long stripStride)
    {
        if (rowTile == 8)
        {
            for (var r = 0; r < rows; r += 8)
            {
                Vector256.Store(Vector256.Load(source + r), destination);
                Vector256.Store(Vector256.Load(source + r + 4), destination + 4);
                destination += stripStride;
            }

            return;
        }

        for (var r = 0; r < rows; r += rowTile)
        {
            Vector256.Store(Vector256.Load(source + r), destination);
            Vector128.Store(Vector128.Load(source + r + 4), destination + 4);
            destination += stripStride;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(double* b, int bRow, int bCol, int pc, int jc, int kc, int nc, double* packed, int columnTile)
    {
        var whole = 0;
        if (bCol == 1)
        {
            // B's rows contiguous (X in ∂C/∂W = Δᵀ·X, W in Δ·W): row by row along k, each row read once from start to
            // end into the whole strips (rows 4 KB apart read strip by strip crossed a page at every step).
            whole = nc / columnTile * columnTile;
            for (var p = 0; p < kc; p++)
            {
                var source = b + (pc + p) * (long)bRow + jc;
                var destination = packed + p * columnTile;
                for (var strip = 0; strip < whole; strip += columnTile)
                {
                    for (var j = 0; j < columnTile; j += 4)
                    {
                        Vector256.Store(Vector256.Load(source + strip + j), destination + strip * (long)kc + j);
                    }
                }
            }
        }

        for (var strip = whole; strip < nc; strip += columnTile)
        {
            var columns = Math.Min(columnTile, nc - strip);
            var destination = packed + strip * kc;
            if (bRow == 1 && columns == columnTile)
            {
                // A transposed B (the weights in Z = X·Wᵀ): its columns are contiguous, so this is a transpose.
                Transpose(kc, columnTile, b + pc + (jc + strip) * (long)bCol, 1, bCol, destination, columnTile);
                continue;
            }

            for (var p = 0; p < kc; p++)
            {
                var source = b + (pc + p) * (long)bRow + (jc + strip) * (long)bCol;
                var j = 0;
                for (; j < columns; j++)
                {
                    destination[j] = source[j * (long)bCol];
                }

                for (; j < columnTile; j++)
                {
                    destination[j] = 0;
                }

                destination += columnTile;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(int mc, int nc, int kc, double* ap, double* bp, double* c, int ldc, double alpha, bool accumulate, bool wide)
    {
        var rowTile = wide ? 8 : 6;
        var columnTile = wide ? 16 : 8;
        var edge = stackalloc double[16 * 16];

        // A strip of Ã (in L1) through every strip of B̃ (from L2), so that C is written a band of rows at a time
        // (strips of B̃ in L1 and Ã's strips from L2 took W3's backward products 2–5 % longer).
        for (var ir = 0; ir < mc; ir += rowTile)
        {
            var rows = Math.Min(rowTile, mc - ir);
            for (var jr = 0; jr < nc; jr += columnTile)
            {
                var columns = Math.Min(columnTile, nc - jr);
                var tile = c + ir * ldc + jr;
                if (rows == rowTile && columns == columnTile)
                {
                    Kernel(kc, ap + ir * kc, bp + jr * kc, tile, ldc, alpha, accumulate, wide);
                }
                else
                {
                    // Through a whole tile that holds C's part when C is added to, so each element is C + α·sum
                    // (or 0 + α·sum) as in a whole tile: C + (0 + α·sum) would turn −0 + −0 into +0.
                    if (accumulate)
                    {
                        for (var i = 0; i < rows; i++)
                        {
                            new ReadOnlySpan<double>(tile + i * ldc, columns).CopyTo(new Span<double>(edge + i * columnTile, columns));
                        }
                    }

                    Kernel(kc, ap + ir * kc, bp + jr * kc, edge, columnTile, alpha, accumulate, wide);
                    for (var i = 0; i < rows; i++)
                    {
                        new ReadOnlySpan<double>(edge + i * columnTile, columns).CopyTo(new Span<double>(tile + i * ldc, columns));
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(int kc, double* a, double* b, double* c, int ldc, double alpha, bool accumulate, bool wide)
    {
        if (wide)
        {
            MicroKernel8x16(kc, a, b, c, ldc, alpha, accumulate);
        }
        else
        {
            MicroKernel(kc, a, b, c, ldc, alpha, accumulate);
        }
    }

    /// <summary>C[8×16] += α·(Ã·B̃), or = 0 + α·(Ã·B̃) when not <paramref name="accumulate"/>, with sixteen 8-wide accumulators (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel8x16(int kc, double* a, double* b, double* c, int ldc, double alpha, bool accumulate)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 8);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 16;
        }

        var scale = Vector512.Create(alpha);
        StoreRow512(c, c00, c01, scale, accumulate);
        StoreRow512(c + ldc, c10, c11, scale, accumulate);
        StoreRow512(c + 2 * ldc, c20, c21, scale, accumulate);
        StoreRow512(c + 3 * ldc, c30, c31, scale, accumulate);
        StoreRow512(c + 4 * ldc, c40, c41, scale, accumulate);
        StoreRow512(c + 5 * ldc, c50, c51, scale, accumulate);
        StoreRow512(c + 6 * ldc, c60, c61, scale, accumulate);
        StoreRow512(c + 7 * ldc, c70, c71, scale, accumulate);
    }

    /// <summary>
    /// One block along k of a 16×8 tile of C = Ã·Wᵀ: sixteen 8-wide accumulators, each one column of
    /// the tile (two per column, rows 0–7 and 8–15), each a fused multiply-add chain from 0, fed by
    /// Ã's packed strip (16 rows, step by step along k) and W's eight rows read in place. Each column
    /// becomes start + α·sum (the start in the tile's columns: the running totals, C's part, or zeros);
    /// the totals are left in <see cref="ColumnTarget.Totals"/>' columns, or, at the last block, turned
    /// into rows by two 8×8 transposes in registers and stored in <see cref="ColumnTarget.Rows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void ColumnKernel16x8(int kc, double* a, double* w, long wRow, in ColumnTarget target)
    {
        Vector512<double> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<double> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default, d6 = default, d7 = default;
        double* w0 = w, w1 = w + wRow, w2 = w + 2 * wRow, w3 = w + 3 * wRow, w4 = w + 4 * wRow, w5 = w + 5 * wRow, w6 = w + 6 * wRow, w7 = w + 7 * wRow;
        for (nint p = 0; p < kc; p++)
        {
            var upper = Vector512.Load(a);
            var lower = Vector512.Load(a + 8);
            var x = Vector512.Create(w0[p]);
            c0 = Vector512.FusedMultiplyAdd(upper, x, c0);
            d0 = Vector512.FusedMultiplyAdd(lower, x, d0);
            x = Vector512.Create(w1[p]);
            c1 = Vector512.FusedMultiplyAdd(upper, x, c1);
            d1 = Vector512.FusedMultiplyAdd(lower, x, d1);
            x = Vector512.Create(w2[p]);
            c2 = Vector512.FusedMultiplyAdd(upper, x, c2);
            d2 = Vector512.FusedMultiplyAdd(lower, x, d2);
            x = Vector512.Create(w3[p]);
            c3 = Vector512.FusedMultiplyAdd(upper, x, c3);
            d3 = Vector512.FusedMultiplyAdd(lower, x, d3);
            x = Vector512.Create(w4[p]);
            c4 = Vector512.FusedMultiplyAdd(upper, x, c4);
            d4 = Vector512.FusedMultiplyAdd(lower, x, d4);
            x = Vector512.Create(w5[p]);
            c5 = Vector512.FusedMultiplyAdd(upper, x, c5);
            d5 = Vector512.FusedMultiplyAdd(lower, x, d5);
            x = Vector512.Create(w6[p]);
            c6 = Vector512.FusedMultiplyAdd(upper, x, c6);
            d6 = Vector512.FusedMultiplyAdd(lower, x, d6);
            x = Vector512.Create(w7[p]);
            c7 = Vector512.FusedMultiplyAdd(upper, x, c7);
            d7 = Vector512.FusedMultiplyAdd(lower, x, d7);
            a += 16;
        }

        // Column j's rows 0–7 and 8–15 at start + 16·j and start + 16·j + 8.
        var scale = Vector512.Create(target.Alpha);
        var start = target.Start;
        c0 = Vector512.Load(start) + scale * c0;
        d0 = Vector512.Load(start + 8) + scale * d0;
        c1 = Vector512.Load(start + 16) + scale * c1;
        d1 = Vector512.Load(start + 24) + scale * d1;
        c2 = Vector512.Load(start + 32) + scale * c2;
        d2 = Vector512.Load(start + 40) + scale * d2;
        c3 = Vector512.Load(start + 48) + scale * c3;
        d3 = Vector512.Load(start + 56) + scale * d3;
        c4 = Vector512.Load(start + 64) + scale * c4;
        d4 = Vector512.Load(start + 72) + scale * d4;
        c5 = Vector512.Load(start + 80) + scale * c5;
        d5 = Vector512.Load(start + 88) + scale * d5;
        c6 = Vector512.Load(start + 96) + scale * c6;
        d6 = Vector512.Load(start + 104) + scale * d6;
        c7 = Vector512.Load(start + 112) + scale * c7;
        d7 = Vector512.Load(start + 120) + scale * d7;
        var rows = target.Rows;
        if (rows is null)
        {
            var totals = target.Totals;
            Vector512.Store(c0, totals);
            Vector512.Store(d0, totals + 8);
            Vector512.Store(c1, totals + 16);
            Vector512.Store(d1, totals + 24);
            Vector512.Store(c2, totals + 32);
            Vector512.Store(d2, totals + 40);
            Vector512.Store(c3, totals + 48);
            Vector512.Store(d3, totals + 56);
            Vector512.Store(c4, totals + 64);
            Vector512.Store(d4, totals + 72);
            Vector512.Store(c5, totals + 80);
            Vector512.Store(d5, totals + 88);
            Vector512.Store(c6, totals + 96);
            Vector512.Store(d6, totals + 104);
            Vector512.Store(c7, totals + 112);
            Vector512.Store(d7, totals + 120);
            return;
        }

        // The epilogue's bias: column j's value added to both of its vectors.
        var bias = target.Epilogue.Bias;
        if (bias is not null)
        {
            (c0, d0) = AddBias(c0, d0, bias[0]);
            (c1, d1) = AddBias(c1, d1, bias[1]);
            (c2, d2) = AddBias(c2, d2, bias[2]);
            (c3, d3) = AddBias(c3, d3, bias[3]);
            (c4, d4) = AddBias(c4, d4, bias[4]);
            (c5, d5) = AddBias(c5, d5, bias[5]);
            (c6, d6) = AddBias(c6, d6, bias[6]);
            (c7, d7) = AddBias(c7, d7, bias[7]);
        }

        // Rows 0–7 from the upper accumulators, then rows 8–15 from the lower.
        var ldc = target.Ldc;
        StoreRows(rows, ldc, c0, c1, c2, c3, c4, c5, c6, c7);
        StoreRows(rows + 8 * ldc, ldc, d0, d1, d2, d3, d4, d5, d6, d7);
        var rectified = target.Epilogue.Rectified;
        if (rectified is not null)
        {
            StoreRows(rectified, ldc, Rectify(c0), Rectify(c1), Rectify(c2), Rectify(c3), Rectify(c4), Rectify(c5), Rectify(c6), Rectify(c7));
            StoreRows(rectified + 8 * ldc, ldc, Rectify(d0), Rectify(d1), Rectify(d2), Rectify(d3), Rectify(d4), Rectify(d5), Rectify(d6), Rectify(d7));
        }
    }

    /// <summary>A column's bias added to both of its vectors (its rows 0–7 and 8–15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Upper, Vector512<double> Lower) AddBias(Vector512<double> upper, Vector512<double> lower, double bias)
    {
        var value = Vector512.Create(bias);
        return (upper + value, lower + value);
    }

    /// <summary>z &lt; 0 ? +0 : z in each lane (NaN and −0 are kept, as torch.relu keeps them), the epilogue's ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Rectify(Vector512<double> value) =>
        Vector512.ConditionalSelect(Vector512.LessThan(value, Vector512<double>.Zero), Vector512<double>.Zero, value);

    /// <summary>
    /// Eight columns of a column tile (lane r of column j is row r, column j) stored as eight rows of C by an 8×8
    /// transpose in registers (pairs of elements, then pairs of 128-bit lanes twice).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows(
        double* c, long ldc,
        Vector512<double> column0, Vector512<double> column1, Vector512<double> column2, Vector512<double> column3,
        Vector512<double> column4, Vector512<double> column5, Vector512<double> column6, Vector512<double> column7)
    {
        var (t0, t1, t2, t3) = (Avx512F.UnpackLow(column0, column1), Avx512F.UnpackHigh(column0, column1), Avx512F.UnpackLow(column2, column3), Avx512F.UnpackHigh(column2, column3));
        var (t4, t5, t6, t7) = (Avx512F.UnpackLow(column4, column5), Avx512F.UnpackHigh(column4, column5), Avx512F.UnpackLow(column6, column7), Avx512F.UnpackHigh(column6, column7));
        var (u0, u1, u2, u3) = (Avx512F.Shuffle4x128(t0, t2, 0x88), Avx512F.Shuffle4x128(t0, t2, 0xDD), Avx512F.Shuffle4x128(t1, t3, 0x88), Avx512F.Shuffle4x128(t1, t3, 0xDD));
        var (u4, u5, u6, u7) = (Avx512F.Shuffle4x128(t4, t6, 0x88), Avx512F.Shuffle4x128(t4, t6, 0xDD), Avx512F.Shuffle4x128(t5, t7, 0x88), Avx512F.Shuffle4x128(t5, t7, 0xDD));
        Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0x88), c);
        Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0x88), c + ldc);
        Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0x88), c + 2 * ldc);
        Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0x88), c + 3 * ldc);
        Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0xDD), c + 4 * ldc);
        Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0xDD), c + 5 * ldc);
        Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0xDD), c + 6 * ldc);
        Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0xDD), c + 7 * ldc);
    }

    /// <summary>
    /// Where <see cref="ColumnKernel16x8"/> starts and leaves its tile, passed by reference: as more arguments they
    /// took registers through the loop, and the JIT kept four of W's row pointers on the stack.
    /// </summary>
    internal readonly struct ColumnTarget(double alpha, double* start, double* totals, double* rows, long ldc, Epilogue epilogue)
    {
        /// <summary>At the last block, what the tile does after its sums (its bias at its first column, its rectified rows at its first row): <see cref="MultiplyBiased"/>.</summary>
        public Epilogue Epilogue { get; } = epilogue;

        public double Alpha { get; } = alpha;

        /// <summary>What the tile's sums are added to, in its columns (column j's 16 rows at 16·j): running totals, C's part or zeros.</summary>
        public double* Start { get; } = start;

        /// <summary>Where the new totals go, in the same columns, when <see cref="Rows"/> is null.</summary>
        public double* Totals { get; } = totals;

        /// <summary>C's first row (row stride <see cref="Ldc"/>) at the last block along k, else null.</summary>
        public double* Rows { get; } = rows;

        public long Ldc { get; } = ldc;
    }

    /// <summary>C[8×16] (+)= α·A·B read in place (A through its strides, B's rows contiguous): sixteen 8-wide accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectKernel8x16(int k, double* a, long aRow, long aCol, double* b, long bRow, double* c, long ldc, double alpha, bool accumulate)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        double* a0 = a, a1 = a + aRow, a2 = a + 2 * aRow, a3 = a + 3 * aRow, a4 = a + 4 * aRow, a5 = a + 5 * aRow, a6 = a + 6 * aRow, a7 = a + 7 * aRow;
        long offset = 0;
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 8);
            var x = Vector512.Create(a0[offset]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[offset]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[offset]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[offset]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[offset]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[offset]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[offset]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[offset]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            offset += aCol;
            b += bRow;
        }

        var scale = Vector512.Create(alpha);
        StoreRow512(c, c00, c01, scale, accumulate);
        StoreRow512(c + ldc, c10, c11, scale, accumulate);
        StoreRow512(c + 2 * ldc, c20, c21, scale, accumulate);
        StoreRow512(c + 3 * ldc, c30, c31, scale, accumulate);
        StoreRow512(c + 4 * ldc, c40, c41, scale, accumulate);
        StoreRow512(c + 5 * ldc, c50, c51, scale, accumulate);
        StoreRow512(c + 6 * ldc, c60, c61, scale, accumulate);
        StoreRow512(c + 7 * ldc, c70, c71, scale, accumulate);
    }

    /// <summary>A row of the tile: C + α·sum, or 0 + α·sum when C was not cleared (as the cleared C would give, −0 included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow512(double* row, Vector512<double> left, Vector512<double> right, Vector512<double> scale, bool accumulate)
    {
        var (start0, start1) = accumulate ? (Vector512.Load(row), Vector512.Load(row + 8)) : (Vector512<double>.Zero, Vector512<double>.Zero);
        Vector512.Store(start0 + scale * left, row);
        Vector512.Store(start1 + scale * right, row + 8);
    }

    /// <summary>C[6×8] (+)= α·A·B read in place: twelve 4-wide accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectKernel6x8(int k, double* a, long aRow, long aCol, double* b, long bRow, double* c, long ldc, double alpha, bool accumulate)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        double* a0 = a, a1 = a + aRow, a2 = a + 2 * aRow, a3 = a + 3 * aRow, a4 = a + 4 * aRow, a5 = a + 5 * aRow;
        long offset = 0;
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 4);
            var x = Vector256.Create(a0[offset]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[offset]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[offset]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[offset]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[offset]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[offset]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            offset += aCol;
            b += bRow;
        }

        var scale = Vector256.Create(alpha);
        StoreRow(c, c00, c01, scale, accumulate);
        StoreRow(c + ldc, c10, c11, scale, accumulate);
        StoreRow(c + 2 * ldc, c20, c21, scale, accumulate);
        StoreRow(c + 3 * ldc, c30, c31, scale, accumulate);
        StoreRow(c + 4 * ldc, c40, c41, scale, accumulate);
        StoreRow(c + 5 * ldc, c50, c51, scale, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(double* row, Vector256<double> left, Vector256<double> right, Vector256<double> scale, bool accumulate)
    {
        var (start0, start1) = accumulate ? (Vector256.Load(row), Vector256.Load(row + 4)) : (Vector256<double>.Zero, Vector256<double>.Zero);
        Vector256.Store(start0 + scale * left, row);
        Vector256.Store(start1 + scale * right, row + 4);
    }

    /// <summary>C[6×8] += α·(Ã·B̃) for one packed strip of each, or = 0 + α·(Ã·B̃) when not <paramref name="accumulate"/>: twelve 4-wide accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(int kc, double* a, double* b, double* c, int ldc, double alpha, bool accumulate)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 4);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 8;
        }

        var scale = Vector256.Create(alpha);
        StoreRow(c, c00, c01, scale, accumulate);
        StoreRow(c + ldc, c10, c11, scale, accumulate);
        StoreRow(c + 2 * ldc, c20, c21, scale, accumulate);
        StoreRow(c + 3 * ldc, c30, c31, scale, accumulate);
        StoreRow(c + 4 * ldc, c40, c41, scale, accumulate);
        StoreRow(c + 5 * ldc, c50, c51, scale, accumulate);
    }
}
