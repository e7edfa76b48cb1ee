using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mpc.Core.Blocks;

/// <summary>The SSE2 transpose (byte transpose with unpacks, then bit extraction with MOVMSKB or VPMOVB2M).</summary>
public static partial class BitMatrix
{
    private const int TileBytes = 16;
    private const int TileColumns = TileBytes * 8;

    /// <summary>
    /// The SSE2 path; callers check <see cref="Sse2.IsSupported"/> (and <see cref="Avx512BW.IsSupported"/> for
    /// <paramref name="useAvx512"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void TransposeSse2(ReadOnlySpan<byte> rows, int rowBytes, Span<Block128> columns, bool useAvx512)
    {
        // Byte column c of the current tile (byte c of each of the 128 rows, in row order) at bytes[128c .. 128c + 127].
        Span<byte> bytes = stackalloc byte[TileBytes * Rows];
        Span<Block128> partial = stackalloc Block128[TileColumns];
        ref byte source = ref MemoryMarshal.GetReference(rows);
        int j = 0;
        for (int tile = 0; (tile + 1) * TileBytes <= rowBytes && j < columns.Length; tile++, j += TileColumns)
        {
            TransposeTileBytes(ref Unsafe.Add(ref source, tile * TileBytes), rowBytes, bytes);
            int n = Math.Min(TileColumns, columns.Length - j);
            Span<Block128> destination = n == TileColumns ? columns.Slice(j, TileColumns) : partial;
            if (useAvx512)
            {
                ExtractBitsAvx512(bytes, destination);
            }
            else
            {
                ExtractBitsSse2(bytes, destination);
            }
            if (n < TileColumns)
            {
                partial[..n].CopyTo(columns.Slice(j, n));
            }
        }
        for (; j < columns.Length; j++)
        {
            columns[j] = GatherColumn(rows, rowBytes, j);
        }
    }

    /// <summary>Sixteen bytes of each of the 128 rows starting at <paramref name="tile"/>, regrouped by byte column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeTileBytes(ref byte tile, int rowBytes, Span<byte> bytes)
    {
        ref byte destination = ref MemoryMarshal.GetReference(bytes);
        nuint stride = (nuint)rowBytes;
        for (int group = 0; group < Rows / 16; group++)
        {
            ref byte top = ref Unsafe.Add(ref tile, group * 16 * rowBytes);
            Transpose16x16(ref top, stride, ref Unsafe.Add(ref destination, group * 16));
        }
    }

    /// <summary>
    /// Transposes the 16 x 16 bytes at <paramref name="source"/> (rows <paramref name="stride"/> apart) and writes
    /// column c to <c>destination + 128c</c>: four rounds of unpacks, interleaving 8-, 16-, 32- then 64-bit units.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16x16(ref byte source, nuint stride, ref byte destination)
    {
        Vector128<byte> r0 = Vector128.LoadUnsafe(ref source, 0 * stride);
        Vector128<byte> r1 = Vector128.LoadUnsafe(ref source, 1 * stride);
        Vector128<byte> r2 = Vector128.LoadUnsafe(ref source, 2 * stride);
        Vector128<byte> r3 = Vector128.LoadUnsafe(ref source, 3 * stride);
        Vector128<byte> r4 = Vector128.LoadUnsafe(ref source, 4 * stride);
        Vector128<byte> r5 = Vector128.LoadUnsafe(ref source, 5 * stride);
        Vector128<byte> r6 = Vector128.LoadUnsafe(ref source, 6 * stride);
        Vector128<byte> r7 = Vector128.LoadUnsafe(ref source, 7 * stride);
        Vector128<byte> r8 = Vector128.LoadUnsafe(ref source, 8 * stride);
        Vector128<byte> r9 = Vector128.LoadUnsafe(ref source, 9 * stride);
        Vector128<byte> r10 = Vector128.LoadUnsafe(ref source, 10 * stride);
        Vector128<byte> r11 = Vector128.LoadUnsafe(ref source, 11 * stride);
        Vector128<byte> r12 = Vector128.LoadUnsafe(ref source, 12 * stride);
        Vector128<byte> r13 = Vector128.LoadUnsafe(ref source, 13 * stride);
        Vector128<byte> r14 = Vector128.LoadUnsafe(ref source, 14 * stride);
        Vector128<byte> r15 = Vector128.LoadUnsafe(ref source, 15 * stride);

        // Pairs of rows, byte by byte: a0 = r0[0] r1[0] r0[1] r1[1] ... r0[7] r1[7].
        Vector128<ushort> a0 = Sse2.UnpackLow(r0, r1).AsUInt16(), a1 = Sse2.UnpackHigh(r0, r1).AsUInt16();
        Vector128<ushort> a2 = Sse2.UnpackLow(r2, r3).AsUInt16(), a3 = Sse2.UnpackHigh(r2, r3).AsUInt16();
        Vector128<ushort> a4 = Sse2.UnpackLow(r4, r5).AsUInt16(), a5 = Sse2.UnpackHigh(r4, r5).AsUInt16();
        Vector128<ushort> a6 = Sse2.UnpackLow(r6, r7).AsUInt16(), a7 = Sse2.UnpackHigh(r6, r7).AsUInt16();
        Vector128<ushort> a8 = Sse2.UnpackLow(r8, r9).AsUInt16(), a9 = Sse2.UnpackHigh(r8, r9).AsUInt16();
        Vector128<ushort> a10 = Sse2.UnpackLow(r10, r11).AsUInt16(), a11 = Sse2.UnpackHigh(r10, r11).AsUInt16();
        Vector128<ushort> a12 = Sse2.UnpackLow(r12, r13).AsUInt16(), a13 = Sse2.UnpackHigh(r12, r13).AsUInt16();
        Vector128<ushort> a14 = Sse2.UnpackLow(r14, r15).AsUInt16(), a15 = Sse2.UnpackHigh(r14, r15).AsUInt16();

        // Quads of rows: b0 holds columns 0..3 of rows 0..3, b1 columns 4..7, b2 columns 8..11, b3 columns 12..15.
        Vector128<uint> b0 = Sse2.UnpackLow(a0, a2).AsUInt32(), b1 = Sse2.UnpackHigh(a0, a2).AsUInt32();
        Vector128<uint> b2 = Sse2.UnpackLow(a1, a3).AsUInt32(), b3 = Sse2.UnpackHigh(a1, a3).AsUInt32();
        Vector128<uint> b4 = Sse2.UnpackLow(a4, a6).AsUInt32(), b5 = Sse2.UnpackHigh(a4, a6).AsUInt32();
        Vector128<uint> b6 = Sse2.UnpackLow(a5, a7).AsUInt32(), b7 = Sse2.UnpackHigh(a5, a7).AsUInt32();
        Vector128<uint> b8 = Sse2.UnpackLow(a8, a10).AsUInt32(), b9 = Sse2.UnpackHigh(a8, a10).AsUInt32();
        Vector128<uint> b10 = Sse2.UnpackLow(a9, a11).AsUInt32(), b11 = Sse2.UnpackHigh(a9, a11).AsUInt32();
        Vector128<uint> b12 = Sse2.UnpackLow(a12, a14).AsUInt32(), b13 = Sse2.UnpackHigh(a12, a14).AsUInt32();
        Vector128<uint> b14 = Sse2.UnpackLow(a13, a15).AsUInt32(), b15 = Sse2.UnpackHigh(a13, a15).AsUInt32();

        // Octets of rows: c0 holds columns 0..1 of rows 0..7, c1 columns 2..3, ..., c7 columns 14..15; c8..c15 rows 8..15.
        Vector128<ulong> c0 = Sse2.UnpackLow(b0, b4).AsUInt64(), c1 = Sse2.UnpackHigh(b0, b4).AsUInt64();
        Vector128<ulong> c2 = Sse2.UnpackLow(b1, b5).AsUInt64(), c3 = Sse2.UnpackHigh(b1, b5).AsUInt64();
        Vector128<ulong> c4 = Sse2.UnpackLow(b2, b6).AsUInt64(), c5 = Sse2.UnpackHigh(b2, b6).AsUInt64();
        Vector128<ulong> c6 = Sse2.UnpackLow(b3, b7).AsUInt64(), c7 = Sse2.UnpackHigh(b3, b7).AsUInt64();
        Vector128<ulong> c8 = Sse2.UnpackLow(b8, b12).AsUInt64(), c9 = Sse2.UnpackHigh(b8, b12).AsUInt64();
        Vector128<ulong> c10 = Sse2.UnpackLow(b9, b13).AsUInt64(), c11 = Sse2.UnpackHigh(b9, b13).AsUInt64();
        Vector128<ulong> c12 = Sse2.UnpackLow(b10, b14).AsUInt64(), c13 = Sse2.UnpackHigh(b10, b14).AsUInt64();
        Vector128<ulong> c14 = Sse2.UnpackLow(b11, b15).AsUInt64(), c15 = Sse2.UnpackHigh(b11, b15).AsUInt64();

        // Whole columns: rows 0..7 from c_k, rows 8..15 from c_{k+8}.
        Sse2.UnpackLow(c0, c8).AsByte().StoreUnsafe(ref destination, 0 * Rows);
        Sse2.UnpackHigh(c0, c8).AsByte().StoreUnsafe(ref destination, 1 * Rows);
        Sse2.UnpackLow(c1, c9).AsByte().StoreUnsafe(ref destination, 2 * Rows);
        Sse2.UnpackHigh(c1, c9).AsByte().StoreUnsafe(ref destination, 3 * Rows);
        Sse2.UnpackLow(c2, c10).AsByte().StoreUnsafe(ref destination, 4 * Rows);
        Sse2.UnpackHigh(c2, c10).AsByte().StoreUnsafe(ref destination, 5 * Rows);
        Sse2.UnpackLow(c3, c11).AsByte().StoreUnsafe(ref destination, 6 * Rows);
        Sse2.UnpackHigh(c3, c11).AsByte().StoreUnsafe(ref destination, 7 * Rows);
        Sse2.UnpackLow(c4, c12).AsByte().StoreUnsafe(ref destination, 8 * Rows);
        Sse2.UnpackHigh(c4, c12).AsByte().StoreUnsafe(ref destination, 9 * Rows);
        Sse2.UnpackLow(c5, c13).AsByte().StoreUnsafe(ref destination, 10 * Rows);
        Sse2.UnpackHigh(c5, c13).AsByte().StoreUnsafe(ref destination, 11 * Rows);
        Sse2.UnpackLow(c6, c14).AsByte().StoreUnsafe(ref destination, 12 * Rows);
        Sse2.UnpackHigh(c6, c14).AsByte().StoreUnsafe(ref destination, 13 * Rows);
        Sse2.UnpackLow(c7, c15).AsByte().StoreUnsafe(ref destination, 14 * Rows);
        Sse2.UnpackHigh(c7, c15).AsByte().StoreUnsafe(ref destination, 15 * Rows);
    }

    /// <summary>
    /// For each byte column c: bit 7 of every row's byte is column 8c + 7, bit 6 is column 8c + 6, and so on, so
    /// eight rounds of "most significant bits, then shift each byte left by one" give the eight output blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExtractBitsSse2(ReadOnlySpan<byte> bytes, Span<Block128> destination)
    {
        ref byte source = ref MemoryMarshal.GetReference(bytes);
        ref Block128 output = ref MemoryMarshal.GetReference(destination);
        for (int c = 0; c < TileBytes; c++)
        {
            ref byte column = ref Unsafe.Add(ref source, c * Rows);
            Vector128<byte> x0 = Vector128.LoadUnsafe(ref column, 0);
            Vector128<byte> x1 = Vector128.LoadUnsafe(ref column, 16);
            Vector128<byte> x2 = Vector128.LoadUnsafe(ref column, 32);
            Vector128<byte> x3 = Vector128.LoadUnsafe(ref column, 48);
            Vector128<byte> x4 = Vector128.LoadUnsafe(ref column, 64);
            Vector128<byte> x5 = Vector128.LoadUnsafe(ref column, 80);
            Vector128<byte> x6 = Vector128.LoadUnsafe(ref column, 96);
            Vector128<byte> x7 = Vector128.LoadUnsafe(ref column, 112);
            for (int bit = 7; bit >= 0; bit--)
            {
                ulong low = (uint)Sse2.MoveMask(x0) | ((ulong)(uint)Sse2.MoveMask(x1) << 16)
                    | ((ulong)(uint)Sse2.MoveMask(x2) << 32) | ((ulong)(uint)Sse2.MoveMask(x3) << 48);
                ulong high = (uint)Sse2.MoveMask(x4) | ((ulong)(uint)Sse2.MoveMask(x5) << 16)
                    | ((ulong)(uint)Sse2.MoveMask(x6) << 32) | ((ulong)(uint)Sse2.MoveMask(x7) << 48);
                Unsafe.Add(ref output, c * 8 + bit) = new Block128(low, high);
                // Shifting 64-bit lanes moves bit 6 of each byte into bit 7 of the same byte; what crosses
                // into the next byte lands below bit 7 and is never extracted.
                x0 = Sse2.ShiftLeftLogical(x0.AsUInt64(), 1).AsByte();
                x1 = Sse2.ShiftLeftLogical(x1.AsUInt64(), 1).AsByte();
                x2 = Sse2.ShiftLeftLogical(x2.AsUInt64(), 1).AsByte();
                x3 = Sse2.ShiftLeftLogical(x3.AsUInt64(), 1).AsByte();
                x4 = Sse2.ShiftLeftLogical(x4.AsUInt64(), 1).AsByte();
                x5 = Sse2.ShiftLeftLogical(x5.AsUInt64(), 1).AsByte();
                x6 = Sse2.ShiftLeftLogical(x6.AsUInt64(), 1).AsByte();
                x7 = Sse2.ShiftLeftLogical(x7.AsUInt64(), 1).AsByte();
            }
        }
    }

    /// <summary><see cref="ExtractBitsSse2"/> with 64 rows per VPMOVB2M.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExtractBitsAvx512(ReadOnlySpan<byte> bytes, Span<Block128> destination)
    {
        ref byte source = ref MemoryMarshal.GetReference(bytes);
        ref Block128 output = ref MemoryMarshal.GetReference(destination);
        for (int c = 0; c < TileBytes; c++)
        {
            ref byte column = ref Unsafe.Add(ref source, c * Rows);
            Vector512<byte> x0 = Vector512.LoadUnsafe(ref column, 0);
            Vector512<byte> x1 = Vector512.LoadUnsafe(ref column, 64);
            for (int bit = 7; bit >= 0; bit--)
            {
                Unsafe.Add(ref output, c * 8 + bit) = new Block128(x0.ExtractMostSignificantBits(), x1.ExtractMostSignificantBits());
                x0 = Avx512BW.ShiftLeftLogical(x0.AsUInt64(), 1).AsByte();
                x1 = Avx512BW.ShiftLeftLogical(x1.AsUInt64(), 1).AsByte();
            }
        }
    }
}
