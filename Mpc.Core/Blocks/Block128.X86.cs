using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mpc.Core.Blocks;

/// <summary>GF(2^128) multiplication on PCLMULQDQ.</summary>
public readonly partial struct Block128
{
    /// <summary>x^128 = x^7 + x^2 + x + 1 modulo the field polynomial.</summary>
    private const ulong ReductionConstant = 0x87;

    /// <summary>The product on PCLMULQDQ; callers check <see cref="Pclmulqdq.IsSupported"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Block128 GfMultiplyPclmul(Block128 left, Block128 right)
    {
        (Vector128<ulong> low, Vector128<ulong> high) = CarrylessMultiplyPclmul(left.AsVector(), right.AsVector());
        return FromVector(ReducePclmul(low, high));
    }

    private static Block128 GfInnerProductPclmul(ReadOnlySpan<Block128> left, ReadOnlySpan<Block128> right)
    {
        Vector128<ulong> low = Vector128<ulong>.Zero;
        Vector128<ulong> high = Vector128<ulong>.Zero;
        for (int i = 0; i < left.Length; i++)
        {
            (Vector128<ulong> l, Vector128<ulong> h) = CarrylessMultiplyPclmul(left[i].AsVector(), right[i].AsVector());
            low ^= l;
            high ^= h;
        }
        return FromVector(ReducePclmul(low, high));
    }

    /// <summary>The 256-bit carry-less product as (bits 0..127, bits 128..255).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<ulong> Low, Vector128<ulong> High) CarrylessMultiplyPclmul(Vector128<ulong> a, Vector128<ulong> b)
    {
        // Immediate bit 0 picks a's quadword, bit 4 picks b's.
        Vector128<ulong> t0 = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        Vector128<ulong> t1 = Pclmulqdq.CarrylessMultiply(a, b, 0x10);
        Vector128<ulong> t2 = Pclmulqdq.CarrylessMultiply(a, b, 0x01);
        Vector128<ulong> t3 = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        Vector128<ulong> middle = t1 ^ t2;
        return (t0 ^ Sse2.ShiftLeftLogical128BitLane(middle, 8), t3 ^ Sse2.ShiftRightLogical128BitLane(middle, 8));
    }

    /// <summary>
    /// Reduces low + x^128 * high. With high = h1 x^64 + h0: h1 * 0x87 = u1 x^64 + u0 (u1 below 2^7), so
    /// high * x^128 = u0 x^64 + (h0 ^ u1) * 0x87, which fits in 128 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> ReducePclmul(Vector128<ulong> low, Vector128<ulong> high)
    {
        Vector128<ulong> p = Vector128.CreateScalar(ReductionConstant);
        Vector128<ulong> u = Pclmulqdq.CarrylessMultiply(high, p, 0x01);
        low ^= Sse2.ShiftLeftLogical128BitLane(u, 8);
        Vector128<ulong> w = high ^ Sse2.ShiftRightLogical128BitLane(u, 8);
        return low ^ Pclmulqdq.CarrylessMultiply(w, p, 0x00);
    }
}
