using System.Numerics;

namespace Mpc.Core.Arithmetic;

/// <summary>
/// A finite commutative ring whose elements are small blittable structs. Generic protocol code is written
/// once against this interface and specialised by the JIT for each element type (no virtual calls).
/// </summary>
/// <remarks>
/// Elements are stored as raw little-endian bytes (<c>sizeof(T)</c> of them): a span of elements is its own
/// wire format. Every element has one canonical representation, so equality is bitwise equality.
/// </remarks>
public interface IRing<T> :
    IEquatable<T>,
    IEqualityOperators<T, T, bool>,
    IAdditionOperators<T, T, T>,
    ISubtractionOperators<T, T, T>,
    IMultiplyOperators<T, T, T>,
    IUnaryNegationOperators<T, T>
    where T : unmanaged, IRing<T>
{
    /// <summary>The additive identity.</summary>
    static abstract T Zero { get; }

    /// <summary>The multiplicative identity.</summary>
    static abstract T One { get; }

    /// <summary>The number of elements (2^64 for Z_2^64, p for a prime field).</summary>
    static abstract BigInteger Modulus { get; }

    /// <summary>
    /// Width k of the signed integers this ring embeds without wrapping: every integer in
    /// [-2^(k-1), 2^(k-1)) maps to a distinct element and back through <see cref="ToSignedInt128"/>.
    /// </summary>
    static abstract int SignedBits { get; }

    /// <summary>True when every bit pattern of <c>sizeof(T)</c> bytes is a canonical element (rings mod 2^k).</summary>
    static abstract bool EveryBitPatternIsElement { get; }

    /// <summary>The element congruent to <paramref name="value"/>.</summary>
    static abstract T FromInt64(long value);

    /// <summary>The element congruent to <paramref name="value"/>.</summary>
    static abstract T FromUInt64(ulong value);

    /// <summary>The element congruent to <paramref name="value"/>.</summary>
    static abstract T FromInt128(Int128 value);

    /// <summary>The element congruent to <paramref name="value"/> (any sign, any size).</summary>
    static abstract T FromBigInteger(BigInteger value);

    /// <summary>The canonical representative in [0, Modulus).</summary>
    static abstract BigInteger ToBigInteger(T value);

    /// <summary>
    /// The centred (two's-complement) lift: the integer v with |v| minimal, ties to the negative side, congruent to the element.
    /// </summary>
    static abstract Int128 ToSignedInt128(T value);

    /// <summary>
    /// Turns uniformly random bits stored in <paramref name="value"/> into a uniform element, or returns false
    /// when the bits must be drawn again (rejection sampling: no modulo bias).
    /// </summary>
    static abstract bool TryMakeUniform(ref T value);
}
