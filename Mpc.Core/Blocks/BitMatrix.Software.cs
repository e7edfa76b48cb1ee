using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Mpc.Core.Blocks;

/// <summary>The portable transpose: 64 x 64 bit blocks held in 64-bit words.</summary>
public static partial class BitMatrix
{
    /// <summary>The transpose without SIMD; exposed to tests so it is checked even where SSE2 is on.</summary>
    internal static void TransposeScalar(ReadOnlySpan<byte> rows, int rowBytes, Span<Block128> columns)
    {
        Span<ulong> low = stackalloc ulong[64];
        Span<ulong> high = stackalloc ulong[64];
        int j = 0;
        for (int word = 0; (word + 1) * 8 <= rowBytes && j < columns.Length; word++, j += 64)
        {
            for (int i = 0; i < 64; i++)
            {
                low[i] = BinaryPrimitives.ReadUInt64LittleEndian(rows.Slice(i * rowBytes + word * 8, 8));
                high[i] = BinaryPrimitives.ReadUInt64LittleEndian(rows.Slice((i + 64) * rowBytes + word * 8, 8));
            }
            Transpose64(low);
            Transpose64(high);
            int n = Math.Min(64, columns.Length - j);
            for (int c = 0; c < n; c++)
            {
                columns[j + c] = new Block128(low[c], high[c]);
            }
        }
        for (; j < columns.Length; j++)
        {
            columns[j] = GatherColumn(rows, rowBytes, j);
        }
    }

    /// <summary>
    /// Transposes a 64 x 64 bit matrix in place (bit <c>j</c> of <c>a[i]</c> swaps with bit <c>i</c> of <c>a[j]</c>):
    /// six rounds that swap the off-diagonal blocks of size 32, 16, ..., 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose64(Span<ulong> a)
    {
        if (a.Length != 64) throw new ArgumentException("A 64 x 64 bit matrix is 64 words.", nameof(a));
        int width = 32;
        ulong mask = 0x0000_0000_FFFF_FFFFUL;
        while (width != 0)
        {
            for (int k = 0; k < 64; k = ((k | width) + 1) & ~width)
            {
                ulong t = ((a[k] >> width) ^ a[k | width]) & mask;
                a[k] ^= t << width;
                a[k | width] ^= t;
            }
            width >>= 1;
            mask ^= mask << width;
        }
    }
}
