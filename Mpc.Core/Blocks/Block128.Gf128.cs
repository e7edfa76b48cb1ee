using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Mpc.Core.Blocks;

/// <summary>
/// Arithmetic in GF(2^128) = GF(2)[x] / (x^128 + x^7 + x^2 + x + 1).
/// </summary>
/// <remarks>
/// Bit <c>i</c> of the block as a little-endian 128-bit integer (bit <c>i mod 64</c> of <see cref="Low"/> for
/// <c>i &lt; 64</c>, of <see cref="High"/> otherwise) is the coefficient of <c>x^i</c>. This is the plain
/// convention of emp-toolkit's <c>gfmul</c>, not GCM's bit-reflected one, so results are not GHASH values.
/// Addition is <c>^</c>; <see cref="One"/> is the identity. Multiplication uses PCLMULQDQ where available
/// and a constant-time shift-and-mask carry-less multiply otherwise; neither branches on the operands.
/// </remarks>
public readonly partial struct Block128
{
    /// <summary>The product of <paramref name="left"/> and <paramref name="right"/> in GF(2^128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 GfMultiply(Block128 left, Block128 right) =>
        Pclmulqdq.IsSupported ? GfMultiplyPclmul(left, right) : GfMultiplySoftware(left, right);

    /// <summary>
    /// The inner product sum_i a_i * b_i in GF(2^128), reducing once at the end
    /// (as in the KOS / SoftSpoken consistency checks).
    /// </summary>
    public static Block128 GfInnerProduct(ReadOnlySpan<Block128> left, ReadOnlySpan<Block128> right)
    {
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"Inner product of {left.Length} and {right.Length} blocks.", nameof(right));
        }
        return Pclmulqdq.IsSupported ? GfInnerProductPclmul(left, right) : GfInnerProductSoftware(left, right);
    }

    /// <summary>The element-wise products <c>destination[i] = left[i] * right[i]</c> in GF(2^128).</summary>
    public static void GfMultiply(ReadOnlySpan<Block128> left, ReadOnlySpan<Block128> right, Span<Block128> destination)
    {
        if (left.Length != right.Length || destination.Length < left.Length)
        {
            throw new ArgumentException(
                $"Multiplying {left.Length} by {right.Length} blocks into {destination.Length}.", nameof(destination));
        }
        if (Pclmulqdq.IsSupported)
        {
            for (int i = 0; i < left.Length; i++)
            {
                destination[i] = GfMultiplyPclmul(left[i], right[i]);
            }
        }
        else
        {
            for (int i = 0; i < left.Length; i++)
            {
                destination[i] = GfMultiplySoftware(left[i], right[i]);
            }
        }
    }
}
