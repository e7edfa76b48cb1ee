using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mpc.Core.Blocks;

/// <summary>
/// Transposes a 128-row bit matrix into one <see cref="Block128"/> per column: the step of OT extension that
/// turns 128 expanded base-OT columns into one 128-bit row per extended OT.
/// </summary>
/// <remarks>
/// <para>
/// The source holds 128 rows of <c>rowBytes</c> bytes each, row-major; bit <c>j</c> of a row is bit <c>j % 8</c>
/// of its byte <c>j / 8</c> (little-endian, as in <see cref="Block128"/>). Column <c>j</c> becomes the block whose
/// bit <c>i</c> is bit <c>j</c> of row <c>i</c>.
/// </para>
/// <para>
/// An SSE2 path (emp-toolkit's <c>sse_trans</c>, with AVX-512 where present) and a portable path (Hacker's Delight,
/// section 7-3) give identical output. How each works: docs/protocols.md#bit-matrix-transpose.
/// </para>
/// </remarks>
public static partial class BitMatrix
{
    /// <summary>The number of rows the transpose takes: the OT-extension security parameter κ.</summary>
    public const int Rows = 128;

    /// <summary>
    /// Writes column <c>j</c> of the 128-row matrix <paramref name="rows"/> to <c>columns[j]</c> for every
    /// <c>j &lt; columns.Length</c>.
    /// </summary>
    /// <param name="rows">128 rows of <c>rows.Length / 128</c> bytes each, row-major.</param>
    /// <param name="columns">The first <c>columns.Length</c> columns, at most <c>8 * rows.Length / 128</c>.</param>
    public static void Transpose(ReadOnlySpan<byte> rows, Span<Block128> columns)
    {
        int rowBytes = CheckShape(rows, columns);
        if (Sse2.IsSupported)
        {
            TransposeSse2(rows, rowBytes, columns, useAvx512: Avx512BW.IsSupported && Vector512.IsHardwareAccelerated);
        }
        else
        {
            TransposeScalar(rows, rowBytes, columns);
        }
    }

    /// <summary>The definition, one bit at a time: the reference the fast paths are tested against.</summary>
    internal static void TransposeNaive(ReadOnlySpan<byte> rows, Span<Block128> columns)
    {
        int rowBytes = CheckShape(rows, columns);
        for (int j = 0; j < columns.Length; j++)
        {
            columns[j] = GatherColumn(rows, rowBytes, j);
        }
    }

    /// <summary>Column <paramref name="j"/> gathered bit by bit (for the few columns past the last whole tile).</summary>
    private static Block128 GatherColumn(ReadOnlySpan<byte> rows, int rowBytes, int j)
    {
        ulong low = 0, high = 0;
        int byteIndex = j >> 3, shift = j & 7;
        for (int i = 0; i < 64; i++)
        {
            low |= (ulong)((rows[i * rowBytes + byteIndex] >> shift) & 1) << i;
            high |= (ulong)((rows[(i + 64) * rowBytes + byteIndex] >> shift) & 1) << i;
        }
        return new Block128(low, high);
    }

    private static int CheckShape(ReadOnlySpan<byte> rows, Span<Block128> columns)
    {
        if (rows.Length % Rows != 0)
        {
            throw new ArgumentException($"A {Rows}-row matrix has a multiple of {Rows} bytes, not {rows.Length}.", nameof(rows));
        }
        int rowBytes = rows.Length / Rows;
        if (columns.Length > (long)rowBytes * 8)
        {
            throw new ArgumentException($"The matrix has {rowBytes * 8L} columns, fewer than the {columns.Length} asked for.",
                nameof(columns));
        }
        return rowBytes;
    }
}
