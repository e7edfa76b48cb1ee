using FsCheck.Xunit;
using Mpc.Core.Arithmetic;

namespace Mpc.Tests.Core.Arithmetic;

/// <summary>GF(2^8) is AES's field: products agree with polynomial arithmetic modulo x^8 + x^4 + x^3 + x + 1.</summary>
public sealed class Gf256Tests
{
    /// <summary>The product of two polynomials over GF(2), then the remainder by long division: no tables, no shortcuts.</summary>
    private static int PolynomialProduct(int a, int b)
    {
        int product = 0;
        for (int i = 0; i < 8; i++)
            if (((b >> i) & 1) != 0) product ^= a << i;
        const int modulus = 0x11B;
        for (int degree = 14; degree >= 8; degree--)
            if (((product >> degree) & 1) != 0) product ^= modulus << (degree - 8);
        return product;
    }

    [Fact]
    public void Products_AgreeWithPolynomialArithmetic_ForEveryPair()
    {
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
                Assert.Equal(PolynomialProduct(a, b), (new Gf256((byte)a) * new Gf256((byte)b)).Value);
    }

    [Fact]
    public void Products_MatchTheAesStandardsExamples()
    {
        // FIPS 197, section 4.2: {57} . {83} = {c1}, and {57} . {13} = {fe}.
        Assert.Equal(0xC1, (new Gf256(0x57) * new Gf256(0x83)).Value);
        Assert.Equal(0xFE, (new Gf256(0x57) * new Gf256(0x13)).Value);
    }

    [Fact]
    public void EveryNonZeroElement_HasAnInverse_AndZeroHasNone()
    {
        for (int a = 1; a < 256; a++)
        {
            var x = new Gf256((byte)a);
            Assert.Equal(Gf256.One, x * Gf256.Inverse(x));
            Assert.Equal(Gf256.One, x / x);
            Assert.Equal(Gf256.One, Pow(x, 255)); // the multiplicative group has order 255
        }
        Assert.Throws<DivideByZeroException>(() => Gf256.Inverse(Gf256.Zero));
    }

    [Fact]
    public void ThreeGeneratesTheMultiplicativeGroup()
    {
        var seen = new HashSet<byte>();
        var power = Gf256.One;
        for (int k = 0; k < 255; k++, power *= new Gf256(3)) Assert.True(seen.Add(power.Value), $"3^{k} repeats");
        Assert.Equal(Gf256.One, power);
    }

    [Property(MaxTest = 300)]
    public void Field_IsAssociativeCommutativeAndDistributes(byte a0, byte b0, byte c0)
    {
        Gf256 a = new(a0), b = new(b0), c = new(c0);
        Assert.Equal((a * b) * c, a * (b * c));
        Assert.Equal(a * b, b * a);
        Assert.Equal(a * (b + c), a * b + a * c);
        Assert.Equal((a + b) + c, a + (b + c));
        Assert.Equal(Gf256.Zero, a + a); // characteristic 2: addition is XOR
        Assert.Equal(a - b, a + b);
        Assert.Equal(a, -a);
    }

    [Property(MaxTest = 200)]
    public void Integers_MapToTheirParity(long n, ulong u)
    {
        Assert.Equal(new Gf256((byte)(n & 1)), Gf256.FromInt64(n));
        Assert.Equal(new Gf256((byte)(u & 1)), Gf256.FromUInt64(u));
        Assert.Equal(new Gf256((byte)(n & 1)), Gf256.FromInt128(n));
        Assert.Equal(new Gf256((byte)(n & 1)), Gf256.FromBigInteger(n));
    }

    [Fact]
    public void OnlyZeroAndOne_LiftToIntegers()
    {
        Assert.Equal(0, Gf256.ToSignedInt128(Gf256.Zero));
        Assert.Equal(-1, Gf256.ToSignedInt128(Gf256.One)); // 1 = -1: the centred lift takes the negative side
        Assert.Throws<InvalidOperationException>(() => Gf256.ToSignedInt128(new Gf256(2)));
    }

    [Fact]
    public void EvaluationPoints_AreDistinctAndNonZero()
    {
        var points = Enumerable.Range(0, 255).Select(i => Gf256.NonZeroElement(i).Value).ToArray();
        Assert.DoesNotContain((byte)0, points);
        Assert.Equal(255, points.Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => Gf256.NonZeroElement(255));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gf256.NonZeroElement(-1));
    }

    private static T Pow<T>(T value, UInt128 exponent) where T : unmanaged, IFiniteField<T> => T.Pow(value, exponent);
}
