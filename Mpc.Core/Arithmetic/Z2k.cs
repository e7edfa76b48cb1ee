using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Core.Arithmetic;

/// <summary>The ring of integers modulo 2^64, on <see cref="ulong"/> with wrapping arithmetic.</summary>
[SkipLocalsInit]
public readonly struct Z2k : IRing<Z2k>
{
    /// <summary>The canonical representative in [0, 2^64).</summary>
    public readonly ulong Value;

    /// <summary>The element congruent to <paramref name="value"/>.</summary>
    public Z2k(ulong value) => Value = value;

    public static Z2k Zero => default;
    public static Z2k One => new(1);
    public static BigInteger Modulus { get; } = BigInteger.One << 64;
    public static int SignedBits => 64;
    public static bool EveryBitPatternIsElement => true;

    public static Z2k FromInt64(long value) => new((ulong)value);
    public static Z2k FromUInt64(ulong value) => new(value);
    public static Z2k FromInt128(Int128 value) => new((ulong)value);
    public static Z2k FromBigInteger(BigInteger value) => new((ulong)(value & ulong.MaxValue));
    public static BigInteger ToBigInteger(Z2k value) => value.Value;
    public static Int128 ToSignedInt128(Z2k value) => (long)value.Value;
    public static bool TryMakeUniform(ref Z2k value) => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k operator +(Z2k a, Z2k b) => new(unchecked(a.Value + b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k operator -(Z2k a, Z2k b) => new(unchecked(a.Value - b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k operator *(Z2k a, Z2k b) => new(unchecked(a.Value * b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k operator -(Z2k a) => new(unchecked(0UL - a.Value));
    public static bool operator ==(Z2k a, Z2k b) => a.Value == b.Value;
    public static bool operator !=(Z2k a, Z2k b) => a.Value != b.Value;

    public bool Equals(Z2k other) => Value == other.Value;
    public override bool Equals(object? obj) => obj is Z2k other && Equals(other);
    public override int GetHashCode() => Value.GetHashCode();
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
