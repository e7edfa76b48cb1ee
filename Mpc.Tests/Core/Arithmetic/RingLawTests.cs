using System.Numerics;
using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using static Mpc.Tests.Arbitraries.Elements;

namespace Mpc.Tests.Core.Arithmetic;

/// <summary>Every ring's operations agree with <see cref="BigInteger"/> arithmetic modulo its modulus.</summary>
public abstract class RingLawTests<T> where T : unmanaged, IRing<T>
{
    private static readonly BigInteger M = T.Modulus;

    [Property(MaxTest = 300)]
    public void Addition_MatchesBigIntegerModulo(ulong a0, ulong a1, byte ae, ulong b0, ulong b1, byte be)
    {
        T a = From<T>(a0, a1, ae), b = From<T>(b0, b1, be);
        Assert.Equal(Mod(Big(a) + Big(b), M), Big(a + b));
    }

    [Property(MaxTest = 300)]
    public void Subtraction_MatchesBigIntegerModulo(ulong a0, ulong a1, byte ae, ulong b0, ulong b1, byte be)
    {
        T a = From<T>(a0, a1, ae), b = From<T>(b0, b1, be);
        Assert.Equal(Mod(Big(a) - Big(b), M), Big(a - b));
    }

    [Property(MaxTest = 300)]
    public void Multiplication_MatchesBigIntegerModulo(ulong a0, ulong a1, byte ae, ulong b0, ulong b1, byte be)
    {
        T a = From<T>(a0, a1, ae), b = From<T>(b0, b1, be);
        Assert.Equal(Mod(Big(a) * Big(b), M), Big(a * b));
    }

    [Property(MaxTest = 200)]
    public void Negation_IsAdditiveInverse(ulong a0, ulong a1, byte ae)
    {
        T a = From<T>(a0, a1, ae);
        Assert.Equal(T.Zero, a + -a);
        Assert.Equal(Mod(-Big(a), M), Big(-a));
    }

    [Property(MaxTest = 200)]
    public void Multiplication_IsAssociativeCommutativeAndDistributes(ulong a0, ulong a1, byte ae, ulong b0, ulong b1, byte be,
        ulong c0, ulong c1, byte ce)
    {
        T a = From<T>(a0, a1, ae), b = From<T>(b0, b1, be), c = From<T>(c0, c1, ce);
        Assert.Equal((a * b) * c, a * (b * c));
        Assert.Equal(a * b, b * a);
        Assert.Equal(a * (b + c), a * b + a * c);
        Assert.Equal(a, a * T.One);
        Assert.Equal(a, a + T.Zero);
    }

    [Property(MaxTest = 300)]
    public void Embeddings_AreCongruentToTheInteger(long small, ulong lo, ulong hi)
    {
        Assert.Equal(Mod(small, M), Big(T.FromInt64(small)));
        Assert.Equal(Mod(lo, M), Big(T.FromUInt64(lo)));
        var wide = (Int128)(((UInt128)hi << 64) | lo);
        Assert.Equal(Mod((BigInteger)wide, M), Big(T.FromInt128(wide)));
        Assert.Equal(Mod((BigInteger)Int128.MinValue, M), Big(T.FromInt128(Int128.MinValue)));
        Assert.Equal(Mod((BigInteger)long.MinValue, M), Big(T.FromInt64(long.MinValue)));
    }

    [Property(MaxTest = 300)]
    public void SignedLift_RoundTripsTheSignedRange(ulong lo, ulong hi)
    {
        int k = T.SignedBits;
        BigInteger half = BigInteger.One << (k - 1);
        BigInteger v = Mod(((BigInteger)hi << 64) | lo, 2 * half) - half; // uniform in [-2^(k-1), 2^(k-1))
        Assert.Equal(v, (BigInteger)T.ToSignedInt128(T.FromBigInteger(v)));
        Assert.Equal(-half, (BigInteger)T.ToSignedInt128(T.FromBigInteger(-half)));
        Assert.Equal(half - 1, (BigInteger)T.ToSignedInt128(T.FromBigInteger(half - 1)));
    }

    [Property(MaxTest = 200)]
    public void SignedLift_IsCentred(ulong a0, ulong a1, byte ae)
    {
        T a = From<T>(a0, a1, ae);
        BigInteger lifted = T.ToSignedInt128(a);
        Assert.Equal(Big(a), Mod(lifted, M));
        Assert.InRange(lifted, -(M / 2), (M - 1) / 2);
    }

    [Fact]
    public void UniformSampling_GivesCanonicalElementsCoveringTheTopBits()
    {
        // Three streams of 16,000 draws, counted together: one fixed stream can sit in the test's 0.1% tail by chance
        // for one ring's layout (Z2kPair keeps every other word of its stream) and not another's.
        var values = new[] { 7, 8, 9 }.SelectMany(seed => Prg(seed).NextUniformArray<T>(16_000)).ToArray();
        int bits = (int)(M - 1).GetBitLength();
        var counts = new long[16];
        foreach (var v in values)
        {
            var big = Big(v);
            Assert.True(big < M);
            counts[(int)(big >> (bits - 4))]++;
        }
        Arbitraries.ChiSquare.AssertUniform(counts, $"top 4 bits of uniform {typeof(T).Name}");
    }
}

public sealed class Z2kRingLaws : RingLawTests<Z2k>;
public sealed class Z2k128RingLaws : RingLawTests<Z2k128>;
public sealed class Mersenne61RingLaws : RingLawTests<Mersenne61>;
public sealed class Mersenne127RingLaws : RingLawTests<Mersenne127>;

/// <summary>Field-only laws: inverses and exponentiation.</summary>
public abstract class FieldLawTests<T> where T : unmanaged, IPrimeField<T>
{
    [Property(MaxTest = 200)]
    public void Inverse_TimesValue_IsOne(ulong a0, ulong a1, byte ae)
    {
        T a = From<T>(a0, a1, ae);
        if (a == T.Zero)
        {
            Assert.Throws<DivideByZeroException>(() => T.Inverse(a));
            return;
        }
        Assert.Equal(T.One, a * T.Inverse(a));
        Assert.Equal(T.One, a / a);
    }

    [Property(MaxTest = 200)]
    public void Pow_MatchesBigIntegerModPow(ulong a0, ulong a1, byte ae, ulong e0, ulong e1)
    {
        T a = From<T>(a0, a1, ae);
        var exponent = ((UInt128)e1 << 64) | e0;
        Assert.Equal(BigInteger.ModPow(Big(a), (BigInteger)exponent, T.Modulus), Big(T.Pow(a, exponent)));
        Assert.Equal(T.One, T.Pow(a, 0));
    }
}

public sealed class Mersenne61FieldLaws : FieldLawTests<Mersenne61>;
public sealed class Mersenne127FieldLaws : FieldLawTests<Mersenne127>;
