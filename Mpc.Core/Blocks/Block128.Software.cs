using System.Runtime.CompilerServices;

namespace Mpc.Core.Blocks;

/// <summary>Portable GF(2^128) multiplication: a constant-time carry-less multiply and the same reduction.</summary>
public readonly partial struct Block128
{
    /// <summary>The product without PCLMULQDQ: Karatsuba over three 64x64 carry-less products.</summary>
    internal static Block128 GfMultiplySoftware(Block128 left, Block128 right)
    {
        CarrylessMultiplySoftware(left, right, out ulong r0, out ulong r1, out ulong r2, out ulong r3);
        return ReduceSoftware(r0, r1, r2, r3);
    }

    private static Block128 GfInnerProductSoftware(ReadOnlySpan<Block128> left, ReadOnlySpan<Block128> right)
    {
        ulong r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        for (int i = 0; i < left.Length; i++)
        {
            CarrylessMultiplySoftware(left[i], right[i], out ulong s0, out ulong s1, out ulong s2, out ulong s3);
            r0 ^= s0;
            r1 ^= s1;
            r2 ^= s2;
            r3 ^= s3;
        }
        return ReduceSoftware(r0, r1, r2, r3);
    }

    /// <summary>The 256-bit carry-less product r3:r2:r1:r0.</summary>
    private static void CarrylessMultiplySoftware(Block128 a, Block128 b, out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        Clmul64(a._low, b._low, out ulong l0, out ulong l1);
        Clmul64(a._high, b._high, out ulong h0, out ulong h1);
        Clmul64(a._low ^ a._high, b._low ^ b._high, out ulong m0, out ulong m1);
        m0 ^= l0 ^ h0;
        m1 ^= l1 ^ h1;
        r0 = l0;
        r1 = l1 ^ m0;
        r2 = h0 ^ m1;
        r3 = h1;
    }

    /// <summary>64x64 -> 128-bit carry-less product; masks instead of branches, so the time is independent of the operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clmul64(ulong a, ulong b, out ulong low, out ulong high)
    {
        ulong lo = 0, hi = 0;
        for (int i = 0; i < 64; i++)
        {
            ulong mask = 0UL - ((b >> i) & 1);
            lo ^= (a << i) & mask;
            // a >> (64 - i), written so that i = 0 gives 0 rather than a shift by 64 (which C# masks to 0).
            hi ^= ((a >> 1) >> (63 - i)) & mask;
        }
        low = lo;
        high = hi;
    }

    /// <summary>Reduces r3:r2:r1:r0 modulo x^128 + x^7 + x^2 + x + 1, multiplying by 0x87 with shifts.</summary>
    private static Block128 ReduceSoftware(ulong r0, ulong r1, ulong r2, ulong r3)
    {
        // r3 * x^192 = r3 * 0x87 * x^64: its low 64 bits land in r1, the 7 overflow bits fold into r2.
        r1 ^= r3 ^ (r3 << 1) ^ (r3 << 2) ^ (r3 << 7);
        ulong w = r2 ^ (r3 >> 63) ^ (r3 >> 62) ^ (r3 >> 57);
        // w * x^128 = w * 0x87, at most 71 bits.
        r0 ^= w ^ (w << 1) ^ (w << 2) ^ (w << 7);
        r1 ^= (w >> 63) ^ (w >> 62) ^ (w >> 57);
        return new Block128(r0, r1);
    }
}
