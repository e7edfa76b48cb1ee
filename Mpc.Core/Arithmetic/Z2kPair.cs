using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Core.Arithmetic;

/// <summary>
/// Pairs of Z_2^64 values with componentwise arithmetic (the product ring Z_2^64 x Z_2^64): the element type of
/// 2-out-of-3 replicated sharing, where each party holds two of the three additive components of every value.
/// </summary>
/// <remarks>
/// <para>Integers embed on the diagonal, (v, v): public values, constants and opened results are diagonal, so generic
/// code (fixed point, ML) multiplies and adds them to shares componentwise without knowing it holds pairs. The
/// diagonal is a copy of Z_2^64, and the ring members speak of it: <see cref="Modulus"/> is 2^64,
/// <see cref="ToSignedInt128"/> and <see cref="ToBigInteger"/> read the first component, and uniform draws
/// (<see cref="TryMakeUniform"/>) land on the diagonal. A suite reads and writes the components of its shares
/// directly (<see cref="First"/>, <see cref="Second"/>).</para>
/// <para>Laid out as two little-endian <see cref="ulong"/>s, first then second: a span of pairs is a span of 2n ulongs.</para>
/// </remarks>
[SkipLocalsInit]
public readonly struct Z2kPair : IRing<Z2kPair>
{
    /// <summary>The first component (a replicated share's own component).</summary>
    public readonly ulong First;

    /// <summary>The second component (a replicated share's next component).</summary>
    public readonly ulong Second;

    /// <summary>The pair (<paramref name="first"/>, <paramref name="second"/>).</summary>
    public Z2kPair(ulong first, ulong second)
    {
        First = first;
        Second = second;
    }

    /// <summary>The diagonal element (v, v).</summary>
    public static Z2kPair Diagonal(ulong value) => new(value, value);

    /// <summary>Whether both components are equal: a public value.</summary>
    public bool IsDiagonal => First == Second;

    public static Z2kPair Zero => default;
    public static Z2kPair One => new(1, 1);
    public static BigInteger Modulus { get; } = BigInteger.One << 64;
    public static int SignedBits => 64;

    /// <summary>False, although every bit pattern is a pair: uniform draws must be made diagonal (see the remarks).</summary>
    public static bool EveryBitPatternIsElement => false;

    public static Z2kPair FromInt64(long value) => Diagonal((ulong)value);
    public static Z2kPair FromUInt64(ulong value) => Diagonal(value);
    public static Z2kPair FromInt128(Int128 value) => Diagonal((ulong)value);
    public static Z2kPair FromBigInteger(BigInteger value) => Diagonal((ulong)(value & ulong.MaxValue));
    public static BigInteger ToBigInteger(Z2kPair value) => value.First;
    public static Int128 ToSignedInt128(Z2kPair value) => (long)value.First;

    /// <summary>Keeps the first component's uniform bits on the diagonal.</summary>
    public static bool TryMakeUniform(ref Z2kPair value)
    {
        value = Diagonal(value.First);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2kPair operator +(Z2kPair a, Z2kPair b) => new(unchecked(a.First + b.First), unchecked(a.Second + b.Second));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2kPair operator -(Z2kPair a, Z2kPair b) => new(unchecked(a.First - b.First), unchecked(a.Second - b.Second));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2kPair operator *(Z2kPair a, Z2kPair b) => new(unchecked(a.First * b.First), unchecked(a.Second * b.Second));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2kPair operator -(Z2kPair a) => new(unchecked(0UL - a.First), unchecked(0UL - a.Second));
    public static bool operator ==(Z2kPair a, Z2kPair b) => a.First == b.First && a.Second == b.Second;
    public static bool operator !=(Z2kPair a, Z2kPair b) => !(a == b);

    public bool Equals(Z2kPair other) => this == other;
    public override bool Equals(object? obj) => obj is Z2kPair other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(First, Second);

    /// <summary>The value for a diagonal element; both components otherwise.</summary>
    public override string ToString() => IsDiagonal
        ? First.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({First}, {Second})");
}
