using System.Numerics;
using FsCheck;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Tests.Arbitraries;

namespace Mpc.Tests.Core.Blocks;

/// <summary>GF(2^128) = GF(2)[x] / (x^128 + x^7 + x^2 + x + 1), bit i of the little-endian integer = coefficient of x^i.</summary>
[Properties(Arbitrary = [typeof(BlockArbitraries)])]
public sealed class Gf128Tests
{
    private static readonly BigInteger Modulus = (BigInteger.One << 128) | 0x87;

    private static BigInteger ToInteger(Block128 x) => ((BigInteger)x.High << 64) | x.Low;

    private static Block128 ToBlock(BigInteger x) =>
        new((ulong)(x & ulong.MaxValue), (ulong)(x >> 64));

    /// <summary>Schoolbook carry-less multiplication and polynomial long division, on arbitrary-precision integers.</summary>
    private static Block128 ReferenceMultiply(Block128 a, Block128 b)
    {
        BigInteger x = ToInteger(a), y = ToInteger(b), product = BigInteger.Zero;
        for (int i = 0; i < 128; i++)
        {
            if (!((y >> i) & 1).IsZero)
            {
                product ^= x << i;
            }
        }
        for (int i = 254; i >= 128; i--)
        {
            if (!((product >> i) & 1).IsZero)
            {
                product ^= Modulus << (i - 128);
            }
        }
        return ToBlock(product);
    }

    [Property]
    public void Multiply_EqualsBigIntegerReference(Block128 a, Block128 b)
    {
        Block128 expected = ReferenceMultiply(a, b);
        Assert.Equal(expected, Block128.GfMultiply(a, b));
        Assert.Equal(expected, Block128.GfMultiplySoftware(a, b));
    }

    [PclmulProperty]
    public void Pclmul_EqualsPortableFallback(Block128 a, Block128 b) =>
        Assert.Equal(Block128.GfMultiplySoftware(a, b), Block128.GfMultiplyPclmul(a, b));

    [Property]
    public void Multiply_IsCommutative(Block128 a, Block128 b) =>
        Assert.Equal(Block128.GfMultiply(a, b), Block128.GfMultiply(b, a));

    [Property]
    public void Multiply_IsAssociative(Block128 a, Block128 b, Block128 c) =>
        Assert.Equal(Block128.GfMultiply(Block128.GfMultiply(a, b), c), Block128.GfMultiply(a, Block128.GfMultiply(b, c)));

    [Property]
    public void Multiply_DistributesOverXor(Block128 a, Block128 b, Block128 c) =>
        Assert.Equal(Block128.GfMultiply(a, b ^ c), Block128.GfMultiply(a, b) ^ Block128.GfMultiply(a, c));

    [Property]
    public void One_IsIdentity_AndZeroAnnihilates(Block128 a)
    {
        Assert.Equal(a, Block128.GfMultiply(a, Block128.One));
        Assert.Equal(Block128.Zero, Block128.GfMultiply(a, Block128.Zero));
    }

    [Property]
    public void Frobenius_SquaringOneHundredTwentyEightTimes_IsIdentity(Block128 a)
    {
        // a^(2^128) = a for every element of GF(2^128).
        Block128 x = a;
        for (int i = 0; i < 128; i++)
        {
            x = Block128.GfMultiply(x, x);
        }
        Assert.Equal(a, x);
    }

    [Fact]
    public void XTimesXTo127_IsTheReductionTail()
    {
        var x = new Block128(2, 0);
        var x127 = new Block128(0, 1UL << 63);
        Assert.Equal(new Block128(0x87, 0), Block128.GfMultiply(x, x127));
        Assert.Equal(new Block128(0x87, 0), Block128.GfMultiplySoftware(x, x127));
        // x^127 * x^127 = x^254 = x^126 * (x^7 + x^2 + x + 1), reduced once more.
        Assert.Equal(ReferenceMultiply(x127, x127), Block128.GfMultiply(x127, x127));
    }

    [Property]
    public void InnerProduct_EqualsSumOfProducts(Block128 seedA, Block128 seedB, byte length)
    {
        Block128[] a = Enumerable.Range(0, length).Select(i => seedA ^ new Block128((ulong)i * 0x9e3779b97f4a7c15, ~(ulong)i)).ToArray();
        Block128[] b = Enumerable.Range(0, length).Select(i => seedB ^ new Block128(~(ulong)i, (ulong)i * 0xbf58476d1ce4e5b9)).ToArray();
        Block128 expected = Block128.Zero;
        for (int i = 0; i < length; i++)
        {
            expected ^= Block128.GfMultiply(a[i], b[i]);
        }
        Assert.Equal(expected, Block128.GfInnerProduct(a, b));
        var products = new Block128[length];
        Block128.GfMultiply(a, b, products);
        Assert.Equal(a.Zip(b, Block128.GfMultiply), products);
    }
}
