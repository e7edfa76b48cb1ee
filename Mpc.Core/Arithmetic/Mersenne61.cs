using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Core.Arithmetic;

/// <summary>The prime field of integers modulo the Mersenne prime p = 2^61 - 1.</summary>
/// <remarks>
/// Reduction uses 2^61 = 1 (mod p): a product below 2^122 folds to its low 61 bits plus its high bits,
/// then one conditional subtraction. Elements are canonical, in [0, p).
/// </remarks>
public readonly struct Mersenne61 : IPrimeField<Mersenne61>
{
    /// <summary>The modulus, 2^61 - 1.</summary>
    public const ulong P = (1UL << 61) - 1;

    /// <summary>The canonical representative in [0, p).</summary>
    public readonly ulong Value;

    private Mersenne61(ulong canonical) => Value = canonical;

    /// <summary>The element congruent to <paramref name="value"/>.</summary>
    public static Mersenne61 Create(ulong value) => new(Reduce(value));

    public static Mersenne61 Zero => default;
    public static Mersenne61 One => new(1);
    public static BigInteger Modulus { get; } = P;
    public static int SignedBits => 60;
    public static bool EveryBitPatternIsElement => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Reduce(ulong x)
    {
        ulong r = (x & P) + (x >> 61);
        return r >= P ? r - P : r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ReduceProduct(UInt128 x)
    {
        // x < 2^122: low 61 bits + the rest (< 2^61), then fold once more.
        ulong lo = (ulong)x, hi = (ulong)(x >> 64);
        ulong r = (lo & P) + ((lo >> 61) | (hi << 3));
        r = (r & P) + (r >> 61);
        return r >= P ? r - P : r;
    }

    public static Mersenne61 FromUInt64(ulong value) => new(Reduce(value));
    public static Mersenne61 FromInt64(long value) =>
        value >= 0 ? new(Reduce((ulong)value)) : -new Mersenne61(Reduce(unchecked(0UL - (ulong)value)));
    public static Mersenne61 FromInt128(Int128 value)
    {
        UInt128 magnitude = value >= 0 ? (UInt128)value : unchecked(UInt128.Zero - (UInt128)value);
        // magnitude = lo + 2^64 hi, and 2^64 = 8 (mod p).
        ulong lo = Reduce((ulong)magnitude), hi = Reduce(Reduce((ulong)(magnitude >> 64)) << 3);
        var e = new Mersenne61(Reduce(lo + hi));
        return value >= 0 ? e : -e;
    }
    public static Mersenne61 FromBigInteger(BigInteger value)
    {
        var r = BigInteger.Remainder(value, P);
        if (r.Sign < 0) r += P;
        return new((ulong)r);
    }
    public static BigInteger ToBigInteger(Mersenne61 value) => value.Value;
    public static Int128 ToSignedInt128(Mersenne61 value) => value.Value > P / 2 ? (Int128)value.Value - P : value.Value;

    public static bool TryMakeUniform(ref Mersenne61 value)
    {
        ulong bits = value.Value & P;
        value = new Mersenne61(bits);
        return bits != P;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne61 operator +(Mersenne61 a, Mersenne61 b)
    {
        ulong s = a.Value + b.Value;
        return new(s >= P ? s - P : s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne61 operator -(Mersenne61 a, Mersenne61 b) =>
        new(a.Value >= b.Value ? a.Value - b.Value : a.Value + P - b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne61 operator -(Mersenne61 a) => new(a.Value == 0 ? 0 : P - a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne61 operator *(Mersenne61 a, Mersenne61 b) => new(ReduceProduct(Math.BigMul(a.Value, b.Value)));

    public static Mersenne61 NonZeroElement(int index) => FromUInt64((ulong)index + 1);

    public static Mersenne61 operator /(Mersenne61 a, Mersenne61 b) => a * Inverse(b);

    public static Mersenne61 Inverse(Mersenne61 value)
    {
        if (value.Value == 0) throw new DivideByZeroException("Zero has no inverse in the field mod 2^61-1.");
        return Internal.PrimeFieldCalls.Pow(value, P - 2);
    }

    public static bool operator ==(Mersenne61 a, Mersenne61 b) => a.Value == b.Value;
    public static bool operator !=(Mersenne61 a, Mersenne61 b) => a.Value != b.Value;
    public bool Equals(Mersenne61 other) => Value == other.Value;
    public override bool Equals(object? obj) => obj is Mersenne61 other && Equals(other);
    public override int GetHashCode() => Value.GetHashCode();
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
