using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Mpc.Core.Blocks;
using Mpc.Core.Random;

namespace Mpc.Protocols.ObliviousTransfer.Internal;

/// <summary>
/// The computation of IKNP OT extension as pure functions over spans (no I/O): chunking, row operations, and the
/// hashes that turn correlated OTs into random, chosen-message and Z_2^64 correlated ones. The column expansion is
/// <see cref="SoftSpoken"/>'s (IKNP's for k = 1).
/// </summary>
/// <remarks>
/// Matrices are 128 rows of <c>rowBytes</c> bytes, row i being the expansion of base-OT key i over the chunk's
/// (padded) columns; column j, once transposed, is extended OT j.
/// </remarks>
internal static class IknpCore
{
    /// <summary>κ: the number of base OTs and the width of each extended OT's block.</summary>
    public const int Kappa = 128;

    /// <summary>
    /// Extended OTs per chunk (a multiple of 128): a correction frame of just under 1 MiB. Large enough to amortise
    /// per-frame costs, small enough that the two sides work on different chunks at once. Not 2^16: rows 8 KiB apart
    /// would all fall into the same cache sets and the transpose, which reads 16 bytes from each of 128 rows, would
    /// run at half speed; 2^16 - 512 OTs puts rows 8128 bytes apart.
    /// </summary>
    public const int ChunkOts = (1 << 16) - 512;

    /// <summary>
    /// For flavours where the sender does not answer each chunk, how many chunks the receiver may send ahead of the
    /// sender's one-byte acknowledgements. Without it, a receiver faster than its sender would queue the whole batch's
    /// corrections in the sender's inbox (1.6 GB for 10^8 OTs); with it, at most this many chunks wait there.
    /// </summary>
    public const int AckWindow = 4;

    /// <summary>
    /// Whether the sender acknowledges chunk <paramref name="k"/> of <paramref name="chunks"/> (only those the receiver will wait for).
    /// </summary>
    public static bool Acknowledged(int k, int chunks) => k + AckWindow < chunks;

    /// <summary>Bytes per matrix row for a chunk of <paramref name="ots"/> extended OTs (padded to whole blocks).</summary>
    public static int RowBytes(int ots) => (ots + Kappa - 1) / Kappa * Block128.Size;

    /// <summary>
    /// Copies the choice bits of OTs <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> - 1
    /// (<paramref name="start"/> a multiple of 64) into <paramref name="destination"/>, zeroing every bit past the last OT.
    /// </summary>
    public static void ChunkChoices(ReadOnlySpan<ulong> choices, int start, int count, Span<ulong> destination)
    {
        destination.Clear();
        int words = (count + 63) / 64;
        choices.Slice(start / 64, words).CopyTo(destination);
        if (count % 64 != 0)
        {
            destination[words - 1] &= (1UL << (count % 64)) - 1;
        }
    }

    /// <summary>Bit <paramref name="j"/> of the packed choices as 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Choice(ReadOnlySpan<ulong> choices, int j) => (choices[j >> 6] >> (j & 63)) & 1;

    /// <summary><c>destination[j] ^= source[j]</c>.</summary>
    public static void XorInto(ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        for (int j = 0; j < source.Length; j++)
        {
            destination[j] ^= source[j];
        }
    }

    /// <summary>
    /// The wide correlation-robust hash of a batch of extended OTs shifted by <paramref name="offset"/> (0, or the
    /// sender's Δ): <paramref name="width"/> words per OT j, block k of them being TCCR(x_j ⊕ offset, (firstIndex + j, k)),
    /// so no two (OT, block) pairs ever share a tweak.
    /// Needs <paramref name="scratch"/> of at least <c>2 * x.Length</c> blocks when <paramref name="width"/> is not 2.
    /// </summary>
    public static void WideHash(ReadOnlySpan<Block128> x, Block128 offset, ulong firstIndex, int width,
        Span<ulong> destination, Span<Block128> scratch)
    {
        int n = x.Length;
        if (width == 2)
        {
            FixedKeyAes.TccrHash(x, offset, firstIndex, MemoryMarshal.Cast<ulong, Block128>(destination[..(2 * n)]));
            return;
        }
        Span<Block128> hashed = scratch[..n];
        if (width == 1)
        {
            FixedKeyAes.TccrHash(x, offset, firstIndex, hashed);
            for (int j = 0; j < n; j++)
            {
                destination[j] = hashed[j].Low;
            }
            return;
        }
        Span<Block128> tweaks = scratch.Slice(n, n);
        int blocksPerOt = (width + 1) / 2;
        for (int k = 0; k < blocksPerOt; k++)
        {
            for (int j = 0; j < n; j++)
            {
                tweaks[j] = new Block128(firstIndex + (ulong)j, (ulong)k);
            }
            FixedKeyAes.TccrHash(x, offset, tweaks, hashed);
            int word = 2 * k;
            bool both = word + 1 < width;
            for (int j = 0; j < n; j++)
            {
                destination[j * width + word] = hashed[j].Low;
                if (both) destination[j * width + word + 1] = hashed[j].High;
            }
        }
    }

    /// <summary><c>destination ^= source</c>, byte for byte (a matrix row).</summary>
    public static void XorRow(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        ref byte dRef = ref MemoryMarshal.GetReference(destination);
        ref byte sRef = ref MemoryMarshal.GetReference(source);
        nuint n = (nuint)destination.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= n; i += 32)
            {
                (Vector256.LoadUnsafe(ref dRef, i) ^ Vector256.LoadUnsafe(ref sRef, i)).StoreUnsafe(ref dRef, i);
            }
        }
        for (; i + 8 <= n; i += 8)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dRef, i),
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref dRef, i)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref sRef, i)));
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref dRef, i) ^= Unsafe.Add(ref sRef, i);
        }
    }

    /// <summary><c>q ^= u &amp; mask</c> with a mask of all zeros or all ones.</summary>
    public static void XorMasked(Span<byte> q, ReadOnlySpan<byte> u, ulong mask)
    {
        ref byte qRef = ref MemoryMarshal.GetReference(q);
        ref byte uRef = ref MemoryMarshal.GetReference(u);
        nuint n = (nuint)q.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> m = Vector256.Create(mask).AsByte();
            for (; i + 32 <= n; i += 32)
            {
                (Vector256.LoadUnsafe(ref qRef, i) ^ (Vector256.LoadUnsafe(ref uRef, i) & m)).StoreUnsafe(ref qRef, i);
            }
        }
        for (; i + 8 <= n; i += 8)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref qRef, i),
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref qRef, i))
                    ^ (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref uRef, i)) & mask));
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref qRef, i) ^= (byte)(Unsafe.Add(ref uRef, i) & (byte)mask);
        }
    }
}
