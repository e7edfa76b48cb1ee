using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Core.Arithmetic;

/// <summary>The ring of integers modulo 2^128, on <see cref="UInt128"/> with wrapping arithmetic.</summary>
/// <remarks>Room for statistical masking: a 64-bit value masked by 64+40 random bits still fits.</remarks>
public readonly struct Z2k128 : IRing<Z2k128>
{
    /// <summary>The canonical representative in [0, 2^128).</summary>
    public readonly UInt128 Value;

    /// <summary>The element congruent to <paramref name="value"/>.</summary>
    public Z2k128(UInt128 value) => Value = value;

    private static readonly BigInteger Mask = (BigInteger.One << 128) - 1;

    public static Z2k128 Zero => default;
    public static Z2k128 One => new(1);
    public static BigInteger Modulus { get; } = BigInteger.One << 128;
    public static int SignedBits => 128;
    public static bool EveryBitPatternIsElement => true;

    public static Z2k128 FromInt64(long value) => new((UInt128)(Int128)value);
    public static Z2k128 FromUInt64(ulong value) => new(value);
    public static Z2k128 FromInt128(Int128 value) => new((UInt128)value);
    public static Z2k128 FromBigInteger(BigInteger value) => new((UInt128)(value & Mask));
    public static BigInteger ToBigInteger(Z2k128 value) => value.Value;
    public static Int128 ToSignedInt128(Z2k128 value) => (Int128)value.Value;
    public static bool TryMakeUniform(ref Z2k128 value) => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k128 operator +(Z2k128 a, Z2k128 b) => new(unchecked(a.Value + b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k128 operator -(Z2k128 a, Z2k128 b) => new(unchecked(a.Value - b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k128 operator *(Z2k128 a, Z2k128 b) => new(unchecked(a.Value * b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Z2k128 operator -(Z2k128 a) => new(unchecked(UInt128.Zero - a.Value));
    public static bool operator ==(Z2k128 a, Z2k128 b) => a.Value == b.Value;
    public static bool operator !=(Z2k128 a, Z2k128 b) => a.Value != b.Value;

    public bool Equals(Z2k128 other) => Value == other.Value;
    public override bool Equals(object? obj) => obj is Z2k128 other && Equals(other);
    public override int GetHashCode() => Value.GetHashCode();
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
