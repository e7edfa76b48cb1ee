using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Mpc.Core.Blocks;

namespace Mpc.Core.Random;

/// <summary>The hashes fused with the AES-NI pipeline: eight blocks per step, intermediate values in registers.</summary>
public static partial class FixedKeyAes
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CrHashX86(ReadOnlySpan<Vector128<byte>> schedule, ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetReference(schedule);
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
            Aes128.Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            // Reloading x (still in L1) instead of keeping it live spares eight registers; each source block
            // is read before the same index of the destination is written, so in-place hashing is safe.
            (b0 ^ Vector128.LoadUnsafe(ref src, (i + 0) * 16)).StoreUnsafe(ref dst, (i + 0) * 16);
            (b1 ^ Vector128.LoadUnsafe(ref src, (i + 1) * 16)).StoreUnsafe(ref dst, (i + 1) * 16);
            (b2 ^ Vector128.LoadUnsafe(ref src, (i + 2) * 16)).StoreUnsafe(ref dst, (i + 2) * 16);
            (b3 ^ Vector128.LoadUnsafe(ref src, (i + 3) * 16)).StoreUnsafe(ref dst, (i + 3) * 16);
            (b4 ^ Vector128.LoadUnsafe(ref src, (i + 4) * 16)).StoreUnsafe(ref dst, (i + 4) * 16);
            (b5 ^ Vector128.LoadUnsafe(ref src, (i + 5) * 16)).StoreUnsafe(ref dst, (i + 5) * 16);
            (b6 ^ Vector128.LoadUnsafe(ref src, (i + 6) * 16)).StoreUnsafe(ref dst, (i + 6) * 16);
            (b7 ^ Vector128.LoadUnsafe(ref src, (i + 7) * 16)).StoreUnsafe(ref dst, (i + 7) * 16);
        }
        for (; i < n; i++)
        {
            Vector128<byte> x = Vector128.LoadUnsafe(ref src, i * 16);
            (Aes128.EncryptBlockX86(ref roundKeys, x) ^ x).StoreUnsafe(ref dst, i * 16);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CcrHashX86(ReadOnlySpan<Vector128<byte>> schedule, ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetReference(schedule);
        ref byte src = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(source));
        ref byte dst = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(destination));
        nuint n = (nuint)source.Length;
        nuint i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector128<byte> s0 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 0) * 16));
            Vector128<byte> s1 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 1) * 16));
            Vector128<byte> s2 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 2) * 16));
            Vector128<byte> s3 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 3) * 16));
            Vector128<byte> s4 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 4) * 16));
            Vector128<byte> s5 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 5) * 16));
            Vector128<byte> s6 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 6) * 16));
            Vector128<byte> s7 = SigmaX86(Vector128.LoadUnsafe(ref src, (i + 7) * 16));
            Vector128<byte> b0 = s0;
            Vector128<byte> b1 = s1;
            Vector128<byte> b2 = s2;
            Vector128<byte> b3 = s3;
            Vector128<byte> b4 = s4;
            Vector128<byte> b5 = s5;
            Vector128<byte> b6 = s6;
            Vector128<byte> b7 = s7;
            Aes128.Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            (b0 ^ s0).StoreUnsafe(ref dst, (i + 0) * 16);
            (b1 ^ s1).StoreUnsafe(ref dst, (i + 1) * 16);
            (b2 ^ s2).StoreUnsafe(ref dst, (i + 2) * 16);
            (b3 ^ s3).StoreUnsafe(ref dst, (i + 3) * 16);
            (b4 ^ s4).StoreUnsafe(ref dst, (i + 4) * 16);
            (b5 ^ s5).StoreUnsafe(ref dst, (i + 5) * 16);
            (b6 ^ s6).StoreUnsafe(ref dst, (i + 6) * 16);
            (b7 ^ s7).StoreUnsafe(ref dst, (i + 7) * 16);
        }
        for (; i < n; i++)
        {
            Vector128<byte> s = SigmaX86(Vector128.LoadUnsafe(ref src, i * 16));
            (Aes128.EncryptBlockX86(ref roundKeys, s) ^ s).StoreUnsafe(ref dst, i * 16);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TccrHashX86(ReadOnlySpan<Vector128<byte>> schedule, ReadOnlySpan<Block128> source, Block128 offset,
        ReadOnlySpan<Block128> tweaks, Span<Block128> destination)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetReference(schedule);
        ref byte src = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(source));
        ref byte twk = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(tweaks));
        ref byte dst = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(destination));
        nuint n = (nuint)source.Length;
        nuint i = 0;
        Vector128<byte> o = offset.AsVector128();
        for (; i + 8 <= n; i += 8)
        {
            Vector128<byte> b0 = Vector128.LoadUnsafe(ref src, (i + 0) * 16) ^ o;
            Vector128<byte> b1 = Vector128.LoadUnsafe(ref src, (i + 1) * 16) ^ o;
            Vector128<byte> b2 = Vector128.LoadUnsafe(ref src, (i + 2) * 16) ^ o;
            Vector128<byte> b3 = Vector128.LoadUnsafe(ref src, (i + 3) * 16) ^ o;
            Vector128<byte> b4 = Vector128.LoadUnsafe(ref src, (i + 4) * 16) ^ o;
            Vector128<byte> b5 = Vector128.LoadUnsafe(ref src, (i + 5) * 16) ^ o;
            Vector128<byte> b6 = Vector128.LoadUnsafe(ref src, (i + 6) * 16) ^ o;
            Vector128<byte> b7 = Vector128.LoadUnsafe(ref src, (i + 7) * 16) ^ o;
            Aes128.Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            Vector128<byte> p0 = b0;
            Vector128<byte> p1 = b1;
            Vector128<byte> p2 = b2;
            Vector128<byte> p3 = b3;
            Vector128<byte> p4 = b4;
            Vector128<byte> p5 = b5;
            Vector128<byte> p6 = b6;
            Vector128<byte> p7 = b7;
            b0 = p0 ^ Vector128.LoadUnsafe(ref twk, (i + 0) * 16);
            b1 = p1 ^ Vector128.LoadUnsafe(ref twk, (i + 1) * 16);
            b2 = p2 ^ Vector128.LoadUnsafe(ref twk, (i + 2) * 16);
            b3 = p3 ^ Vector128.LoadUnsafe(ref twk, (i + 3) * 16);
            b4 = p4 ^ Vector128.LoadUnsafe(ref twk, (i + 4) * 16);
            b5 = p5 ^ Vector128.LoadUnsafe(ref twk, (i + 5) * 16);
            b6 = p6 ^ Vector128.LoadUnsafe(ref twk, (i + 6) * 16);
            b7 = p7 ^ Vector128.LoadUnsafe(ref twk, (i + 7) * 16);
            Aes128.Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            (b0 ^ p0).StoreUnsafe(ref dst, (i + 0) * 16);
            (b1 ^ p1).StoreUnsafe(ref dst, (i + 1) * 16);
            (b2 ^ p2).StoreUnsafe(ref dst, (i + 2) * 16);
            (b3 ^ p3).StoreUnsafe(ref dst, (i + 3) * 16);
            (b4 ^ p4).StoreUnsafe(ref dst, (i + 4) * 16);
            (b5 ^ p5).StoreUnsafe(ref dst, (i + 5) * 16);
            (b6 ^ p6).StoreUnsafe(ref dst, (i + 6) * 16);
            (b7 ^ p7).StoreUnsafe(ref dst, (i + 7) * 16);
        }
        for (; i < n; i++)
        {
            Vector128<byte> p = Aes128.EncryptBlockX86(ref roundKeys, Vector128.LoadUnsafe(ref src, i * 16) ^ o);
            (Aes128.EncryptBlockX86(ref roundKeys, p ^ Vector128.LoadUnsafe(ref twk, i * 16)) ^ p).StoreUnsafe(ref dst, i * 16);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TccrHashX86(ReadOnlySpan<Vector128<byte>> schedule, ReadOnlySpan<Block128> source, Block128 offset,
        ulong firstTweak, Span<Block128> destination)
    {
        ref Vector128<byte> roundKeys = ref MemoryMarshal.GetReference(schedule);
        ref byte src = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(source));
        ref byte dst = ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(destination));
        nuint n = (nuint)source.Length;
        nuint i = 0;
        Vector128<ulong> tweak = Vector128.CreateScalar(firstTweak);
        Vector128<byte> o = offset.AsVector128();
        for (; i + 8 <= n; i += 8)
        {
            Vector128<byte> b0 = Vector128.LoadUnsafe(ref src, (i + 0) * 16) ^ o;
            Vector128<byte> b1 = Vector128.LoadUnsafe(ref src, (i + 1) * 16) ^ o;
            Vector128<byte> b2 = Vector128.LoadUnsafe(ref src, (i + 2) * 16) ^ o;
            Vector128<byte> b3 = Vector128.LoadUnsafe(ref src, (i + 3) * 16) ^ o;
            Vector128<byte> b4 = Vector128.LoadUnsafe(ref src, (i + 4) * 16) ^ o;
            Vector128<byte> b5 = Vector128.LoadUnsafe(ref src, (i + 5) * 16) ^ o;
            Vector128<byte> b6 = Vector128.LoadUnsafe(ref src, (i + 6) * 16) ^ o;
            Vector128<byte> b7 = Vector128.LoadUnsafe(ref src, (i + 7) * 16) ^ o;
            Aes128.Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            Vector128<byte> p0 = b0;
            Vector128<byte> p1 = b1;
            Vector128<byte> p2 = b2;
            Vector128<byte> p3 = b3;
            Vector128<byte> p4 = b4;
            Vector128<byte> p5 = b5;
            Vector128<byte> p6 = b6;
            Vector128<byte> p7 = b7;
            b0 = p0 ^ (tweak + Vector128.CreateScalar(0UL)).AsByte();
            b1 = p1 ^ (tweak + Vector128.CreateScalar(1UL)).AsByte();
            b2 = p2 ^ (tweak + Vector128.CreateScalar(2UL)).AsByte();
            b3 = p3 ^ (tweak + Vector128.CreateScalar(3UL)).AsByte();
            b4 = p4 ^ (tweak + Vector128.CreateScalar(4UL)).AsByte();
            b5 = p5 ^ (tweak + Vector128.CreateScalar(5UL)).AsByte();
            b6 = p6 ^ (tweak + Vector128.CreateScalar(6UL)).AsByte();
            b7 = p7 ^ (tweak + Vector128.CreateScalar(7UL)).AsByte();
            Aes128.Encrypt8X86(ref roundKeys, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            (b0 ^ p0).StoreUnsafe(ref dst, (i + 0) * 16);
            (b1 ^ p1).StoreUnsafe(ref dst, (i + 1) * 16);
            (b2 ^ p2).StoreUnsafe(ref dst, (i + 2) * 16);
            (b3 ^ p3).StoreUnsafe(ref dst, (i + 3) * 16);
            (b4 ^ p4).StoreUnsafe(ref dst, (i + 4) * 16);
            (b5 ^ p5).StoreUnsafe(ref dst, (i + 5) * 16);
            (b6 ^ p6).StoreUnsafe(ref dst, (i + 6) * 16);
            (b7 ^ p7).StoreUnsafe(ref dst, (i + 7) * 16);
            tweak += Vector128.CreateScalar(8UL);
        }
        for (; i < n; i++)
        {
            Vector128<byte> p = Aes128.EncryptBlockX86(ref roundKeys, Vector128.LoadUnsafe(ref src, i * 16) ^ o);
            (Aes128.EncryptBlockX86(ref roundKeys, p ^ tweak.AsByte()) ^ p).StoreUnsafe(ref dst, i * 16);
            tweak += Vector128.CreateScalar(1UL);
        }
    }

    /// <summary>σ on a register: (low, high) -> (high, high ^ low).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> SigmaX86(Vector128<byte> x)
    {
        Vector128<ulong> q = x.AsUInt64();
        return (Sse2.UnpackHigh(q, q) ^ Sse2.ShiftLeftLogical128BitLane(q, 8)).AsByte();
    }
}
