using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Mpc.Core.Blocks;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Mpc.Core.Random;

/// <summary>The AES-NI path: key expansion with AESKEYGENASSIST and an eight-block round pipeline.</summary>
public sealed partial class Aes128
{
    /// <summary>Blocks in flight per pipeline step: enough independent AESENCs to cover its latency.</summary>
    internal const int PipelineWidth = 8;

    private static Vector128<byte>[] ExpandKeyX86(ReadOnlySpan<byte> key)
    {
        var roundKeys = new Vector128<byte>[11];
        Vector128<byte> k = Vector128.Create(key);
        roundKeys[0] = k;
        // AESKEYGENASSIST takes its round constant as an immediate, so each round is spelled out.
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x01)); roundKeys[1] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x02)); roundKeys[2] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x04)); roundKeys[3] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x08)); roundKeys[4] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x10)); roundKeys[5] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x20)); roundKeys[6] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x40)); roundKeys[7] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x80)); roundKeys[8] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x1b)); roundKeys[9] = k;
        k = ExpandRound(k, X86Aes.KeygenAssist(k, 0x36)); roundKeys[10] = k;
        return roundKeys;
    }

    /// <summary>
    /// One step of the FIPS-197 key schedule: w[i] = w[i-4] ^ SubWord(RotWord(w[i-1])) ^ Rcon, prefix-XORed across the four words.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ExpandRound(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ assist;
    }

    /// <summary>Encrypts one block with the schedule starting at <paramref name="roundKeys"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> EncryptBlockX86(ref Vector128<byte> roundKeys, Vector128<byte> block)
    {
        block ^= roundKeys;
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 1));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 2));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 3));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 4));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 5));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 6));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 7));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 8));
        block = X86Aes.Encrypt(block, Unsafe.Add(ref roundKeys, 9));
        return X86Aes.EncryptLast(block, Unsafe.Add(ref roundKeys, 10));
    }

    private static Vector128<byte> EncryptBlockX86(Vector128<byte>[] roundKeys, Vector128<byte> block) =>
        EncryptBlockX86(ref MemoryMarshal.GetArrayDataReference(roundKeys), block);

    /// <summary>
    /// Encrypts eight independent blocks in place, round by round, so eight AESENCs are in flight.
    /// Inlined into its callers, the blocks stay in registers. Callers must be kernels marked
    /// <see cref="MethodImplOptions.NoInlining"/>: if dynamic PGO inlines a kernel into a larger method, the
    /// inliner's budget runs out, this method becomes a real call with eight stack-resident blocks, and
    /// throughput drops threefold.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Encrypt8X86(ref Vector128<byte> roundKeys, ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2,
        ref Vector128<byte> b3, ref Vector128<byte> b4, ref Vector128<byte> b5, ref Vector128<byte> b6, ref Vector128<byte> b7)
    {
        Vector128<byte> k = roundKeys;
        b0 ^= k; b1 ^= k; b2 ^= k; b3 ^= k; b4 ^= k; b5 ^= k; b6 ^= k; b7 ^= k;
        k = Unsafe.Add(ref roundKeys, 1);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 2);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 3);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 4);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 5);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 6);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 7);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 8);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 9);
        b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        k = Unsafe.Add(ref roundKeys, 10);
        b0 = X86Aes.EncryptLast(b0, k); b1 = X86Aes.EncryptLast(b1, k); b2 = X86Aes.EncryptLast(b2, k); b3 = X86Aes.EncryptLast(b3, k);
        b4 = X86Aes.EncryptLast(b4, k); b5 = X86Aes.EncryptLast(b5, k); b6 = X86Aes.EncryptLast(b6, k); b7 = X86Aes.EncryptLast(b7, k);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EncryptBlocksX86(Vector128<byte>[] schedule, ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetArrayDataReference(schedule);
        ref byte src = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(source));
        ref byte dst = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(destination));
        nuint n = (nuint)source.Length;
        nuint i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector128<byte> b0 = Vector128.LoadUnsafe(ref src, (i + 0) * 16);
            Vector128<byte> b1 = Vector128.LoadUnsafe(ref src, (i + 1) * 16);
            Vector128<byte> b2 = Vector128.LoadUnsafe(ref src, (i + 2) * 16);
            Vector128<byte> b3 = Vector128.LoadUnsafe(ref src, (i + 3) * 16);
            Vector128<byte> b4 = Vector128.LoadUnsafe(ref src, (i + 4) * 16);
            Vector128<byte> b5 = Vector128.LoadUnsafe(ref src, (i + 5) * 16);
            Vector128<byte> b6 = Vector128.LoadUnsafe(ref src, (i + 6) * 16);
            Vector128<byte> b7 = Vector128.LoadUnsafe(ref src, (i + 7) * 16);
            Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            b0.StoreUnsafe(ref dst, (i + 0) * 16);
            b1.StoreUnsafe(ref dst, (i + 1) * 16);
            b2.StoreUnsafe(ref dst, (i + 2) * 16);
            b3.StoreUnsafe(ref dst, (i + 3) * 16);
            b4.StoreUnsafe(ref dst, (i + 4) * 16);
            b5.StoreUnsafe(ref dst, (i + 5) * 16);
            b6.StoreUnsafe(ref dst, (i + 6) * 16);
            b7.StoreUnsafe(ref dst, (i + 7) * 16);
        }
        for (; i < n; i++)
        {
            EncryptBlockX86(ref roundKeys, Vector128.LoadUnsafe(ref src, i * 16)).StoreUnsafe(ref dst, i * 16);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void KeystreamX86(Vector128<byte>[] schedule, UInt128 counter, Span<Block128> destination)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetArrayDataReference(schedule);
        ref byte dst = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(destination));
        // Reversing all 16 bytes of the native (low, high) pair gives the big-endian counter block.
        Vector128<byte> reverse = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        nuint n = (nuint)destination.Length;
        nuint i = 0;
        for (; i + 8 <= n; i += 8)
        {
            ulong low = (ulong)counter;
            Vector128<byte> b0, b1, b2, b3, b4, b5, b6, b7;
            if (low <= ulong.MaxValue - 7)
            {
                // No carry into the high half within these 8 blocks: add in the vector unit.
                Vector128<ulong> c = Vector128.Create(low, (ulong)(counter >> 64));
                b0 = Ssse3.Shuffle(c.AsByte(), reverse);
                b1 = Ssse3.Shuffle((c + Vector128.CreateScalar(1UL)).AsByte(), reverse);
                b2 = Ssse3.Shuffle((c + Vector128.CreateScalar(2UL)).AsByte(), reverse);
                b3 = Ssse3.Shuffle((c + Vector128.CreateScalar(3UL)).AsByte(), reverse);
                b4 = Ssse3.Shuffle((c + Vector128.CreateScalar(4UL)).AsByte(), reverse);
                b5 = Ssse3.Shuffle((c + Vector128.CreateScalar(5UL)).AsByte(), reverse);
                b6 = Ssse3.Shuffle((c + Vector128.CreateScalar(6UL)).AsByte(), reverse);
                b7 = Ssse3.Shuffle((c + Vector128.CreateScalar(7UL)).AsByte(), reverse);
            }
            else
            {
                b0 = CounterBlock(counter).AsVector128();
                b1 = CounterBlock(unchecked(counter + 1)).AsVector128();
                b2 = CounterBlock(unchecked(counter + 2)).AsVector128();
                b3 = CounterBlock(unchecked(counter + 3)).AsVector128();
                b4 = CounterBlock(unchecked(counter + 4)).AsVector128();
                b5 = CounterBlock(unchecked(counter + 5)).AsVector128();
                b6 = CounterBlock(unchecked(counter + 6)).AsVector128();
                b7 = CounterBlock(unchecked(counter + 7)).AsVector128();
            }
            Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            b0.StoreUnsafe(ref dst, (i + 0) * 16);
            b1.StoreUnsafe(ref dst, (i + 1) * 16);
            b2.StoreUnsafe(ref dst, (i + 2) * 16);
            b3.StoreUnsafe(ref dst, (i + 3) * 16);
            b4.StoreUnsafe(ref dst, (i + 4) * 16);
            b5.StoreUnsafe(ref dst, (i + 5) * 16);
            b6.StoreUnsafe(ref dst, (i + 6) * 16);
            b7.StoreUnsafe(ref dst, (i + 7) * 16);
            counter = unchecked(counter + 8);
        }
        for (; i < n; i++)
        {
            EncryptBlockX86(ref roundKeys, CounterBlock(counter).AsVector128()).StoreUnsafe(ref dst, i * 16);
            counter = unchecked(counter + 1);
        }
    }
}
