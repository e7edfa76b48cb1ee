using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Core.Arithmetic;

/// <summary>The prime field of integers modulo the Mersenne prime p = 2^127 - 1.</summary>
/// <remarks>
/// Wide enough for Shamir fixed point with statistical masking: a 64-bit value plus a 40-bit
/// security margin and the fractional bits of a product still fit below p/2.
/// Multiplication forms the 254-bit product from four 64x64 products and folds it with 2^127 = 1 (mod p).
/// </remarks>
public readonly struct Mersenne127 : IPrimeField<Mersenne127>
{
    /// <summary>The modulus, 2^127 - 1.</summary>
    public static readonly UInt128 P = (UInt128.One << 127) - 1;

    /// <summary>The canonical representative in [0, p).</summary>
    public readonly UInt128 Value;

    private Mersenne127(UInt128 canonical) => Value = canonical;

    /// <summary>The element congruent to <paramref name="value"/>.</summary>
    public static Mersenne127 Create(UInt128 value) => new(Reduce(value));

    public static Mersenne127 Zero => default;
    public static Mersenne127 One => new(1);
    public static BigInteger Modulus { get; } = (BigInteger.One << 127) - 1;
    public static int SignedBits => 126;
    public static bool EveryBitPatternIsElement => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 Reduce(UInt128 x)
    {
        UInt128 r = (x & P) + (x >> 127);
        return r >= P ? r - P : r;
    }

    public static Mersenne127 FromUInt64(ulong value) => new(value);
    public static Mersenne127 FromInt64(long value) =>
        value >= 0 ? new((ulong)value) : -new Mersenne127(unchecked(0UL - (ulong)value));
    public static Mersenne127 FromInt128(Int128 value)
    {
        var e = new Mersenne127(Reduce(value >= 0 ? (UInt128)value : unchecked(UInt128.Zero - (UInt128)value)));
        return value >= 0 ? e : -e;
    }
    public static Mersenne127 FromBigInteger(BigInteger value)
    {
        var r = BigInteger.Remainder(value, Modulus);
        if (r.Sign < 0) r += Modulus;
        return new((UInt128)r);
    }
    public static BigInteger ToBigInteger(Mersenne127 value) => value.Value;
    public static Int128 ToSignedInt128(Mersenne127 value) =>
        value.Value > P / 2 ? (Int128)value.Value - (Int128)P : (Int128)value.Value;

    public static bool TryMakeUniform(ref Mersenne127 value)
    {
        UInt128 bits = value.Value & P;
        value = new Mersenne127(bits);
        return bits != P;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne127 operator +(Mersenne127 a, Mersenne127 b)
    {
        UInt128 s = a.Value + b.Value; // < 2^128 - 2: no overflow
        return new(s >= P ? s - P : s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne127 operator -(Mersenne127 a, Mersenne127 b) =>
        new(a.Value >= b.Value ? a.Value - b.Value : a.Value + (P - b.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne127 operator -(Mersenne127 a) => new(a.Value == 0 ? 0 : P - a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Mersenne127 operator *(Mersenne127 a, Mersenne127 b)
    {
        ulong a0 = (ulong)a.Value, a1 = (ulong)(a.Value >> 64);
        ulong b0 = (ulong)b.Value, b1 = (ulong)(b.Value >> 64);
        UInt128 p00 = Math.BigMul(a0, b0);
        UInt128 mid = Math.BigMul(a0, b1) + Math.BigMul(a1, b0); // each < 2^127: the sum fits
        UInt128 p11 = Math.BigMul(a1, b1);                       // < 2^126
        UInt128 low = p00 + (mid << 64);
        UInt128 high = p11 + (mid >> 64) + (low < p00 ? UInt128.One : UInt128.Zero); // product = high*2^128 + low < 2^254
        // 2^128 = 2 (mod p), 2^127 = 1 (mod p).
        UInt128 r = (low & P) + (low >> 127) + (high << 1); // <= 2^127 + 2^127 - 1: fits
        return new(Reduce(r));
    }

    public static Mersenne127 NonZeroElement(int index) => FromUInt64((ulong)index + 1);

    public static Mersenne127 operator /(Mersenne127 a, Mersenne127 b) => a * Inverse(b);

    public static Mersenne127 Inverse(Mersenne127 value)
    {
        if (value.Value == 0) throw new DivideByZeroException("Zero has no inverse in the field mod 2^127-1.");
        return Internal.PrimeFieldCalls.Pow(value, P - 2);
    }

    public static bool operator ==(Mersenne127 a, Mersenne127 b) => a.Value == b.Value;
    public static bool operator !=(Mersenne127 a, Mersenne127 b) => a.Value != b.Value;
    public bool Equals(Mersenne127 other) => Value == other.Value;
    public override bool Equals(object? obj) => obj is Mersenne127 other && Equals(other);
    public override int GetHashCode() => Value.GetHashCode();
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
