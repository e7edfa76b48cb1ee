using FsCheck;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Core.Random.Internal;
using Mpc.Tests.Arbitraries;

namespace Mpc.Tests.Core.Random;

public sealed class FixedKeyAesTests
{
    /// <summary>π computed independently of <see cref="FixedKeyAes"/>: the platform AES under the public key.</summary>
    private static readonly Aes128 PlatformPi = new(FixedKeyAes.Key, AesBackend.Platform);

    private static Block128[] Inputs(Block128 seed, int count) =>
        Enumerable.Range(0, count).Select(i => seed ^ new Block128((ulong)i * 0x9e3779b97f4a7c15, (ulong)i << 3)).ToArray();

    [Fact]
    public void Key_IsTheFractionalDigitsOfPi_AndPermuteMatchesOpenSsl()
    {
        Assert.Equal("243f6a8885a308d313198a2e03707344", Convert.ToHexStringLower(FixedKeyAes.Key));
        Assert.Equal("2d89a57aea7ff675d95f27ea0da9f5d3", FixedKeyAes.Permute(Block128.Zero).ToHexString());
    }

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void CrHash_IsPiOfXXorX(Block128 x) =>
        Assert.Equal(PlatformPi.Encrypt(x) ^ x, FixedKeyAes.CrHash(x));

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void CcrHash_IsPiOfSigmaXXorSigmaX(Block128 x)
    {
        var sigma = new Block128(x.High, x.High ^ x.Low);
        Assert.Equal(sigma, FixedKeyAes.Sigma(x));
        Assert.Equal(PlatformPi.Encrypt(sigma) ^ sigma, FixedKeyAes.CcrHash(x));
    }

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void TccrHash_IsPiOfPiXXorTweakXorPiX(Block128 x, Block128 tweak)
    {
        Block128 p = PlatformPi.Encrypt(x);
        Assert.Equal(PlatformPi.Encrypt(p ^ tweak) ^ p, FixedKeyAes.TccrHash(x, tweak));
    }

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void Sigma_IsLinear_AndAnOrthomorphism(Block128 x, Block128 y)
    {
        Assert.Equal(FixedKeyAes.Sigma(x) ^ FixedKeyAes.Sigma(y), FixedKeyAes.Sigma(x ^ y));
        // x -> σ(x) ⊕ x maps (L, H) to (H ^ L, L): invert it to show it is a permutation.
        Block128 d = FixedKeyAes.Sigma(x) ^ x;
        Assert.Equal(x, new Block128(d.High, d.Low ^ d.High));
        // σ itself is a permutation: (L, H) -> (H, H ^ L).
        Block128 s = FixedKeyAes.Sigma(x);
        Assert.Equal(x, new Block128(s.High ^ s.Low, s.Low));
    }

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void BatchedHashes_EqualSingleBlockHashes_OnEveryBackend(Block128 seed, Block128 tweakSeed, byte length, ulong firstTweak)
    {
        Block128[] x = Inputs(seed, length);
        Block128[] tweaks = Inputs(tweakSeed, length);
        Block128[] cr = x.Select(FixedKeyAes.CrHash).ToArray();
        Block128[] ccr = x.Select(FixedKeyAes.CcrHash).ToArray();
        Block128[] tccr = x.Select((b, j) => FixedKeyAes.TccrHash(b, tweaks[j])).ToArray();
        Block128[] tccrCounting = x.Select((b, j) => FixedKeyAes.TccrHash(b, new Block128(unchecked(firstTweak + (ulong)j), 0))).ToArray();
        Block128 offset = tweakSeed ^ Block128.AllOnes;
        Block128[] tccrOffset = x
            .Select((b, j) => FixedKeyAes.TccrHash(b ^ offset, new Block128(unchecked(firstTweak + (ulong)j), 0)))
            .ToArray();

        var output = new Block128[length];
        FixedKeyAes.CrHash(x, output);
        Assert.Equal(cr, output);
        FixedKeyAes.CcrHash(x, output);
        Assert.Equal(ccr, output);
        FixedKeyAes.TccrHash(x, tweaks, output);
        Assert.Equal(tccr, output);
        FixedKeyAes.TccrHash(x, firstTweak, output);
        Assert.Equal(tccrCounting, output);
        FixedKeyAes.TccrHash(x, offset, firstTweak, output);
        Assert.Equal(tccrOffset, output);
        FixedKeyAes.Permute(x, output);
        Assert.Equal(x.Select(FixedKeyAes.Permute), output);

        FixedKeyAes.CrHash(PlatformPi, x, output);
        Assert.Equal(cr, output);
        FixedKeyAes.CcrHash(PlatformPi, x, output);
        Assert.Equal(ccr, output);
        FixedKeyAes.TccrHash(PlatformPi, x, default, tweaks, output);
        Assert.Equal(tccr, output);
        FixedKeyAes.TccrHash(PlatformPi, x, offset, tweaks, output);
        Assert.Equal(x.Select((b, j) => FixedKeyAes.TccrHash(b ^ offset, tweaks[j])), output);
        FixedKeyAes.TccrHash(x, offset, tweaks, output);
        Assert.Equal(x.Select((b, j) => FixedKeyAes.TccrHash(b ^ offset, tweaks[j])), output);
        FixedKeyAes.TccrHash(PlatformPi, x, default, firstTweak, output);
        Assert.Equal(tccrCounting, output);
        FixedKeyAes.TccrHash(PlatformPi, x, offset, firstTweak, output);
        Assert.Equal(tccrOffset, output);
    }

    [Fact]
    public void BatchedHashes_InPlace_EqualOutOfPlace()
    {
        Block128[] x = Inputs(new Block128(3, 5), 27);
        foreach (Action<Block128[], Block128[]> hash in new Action<Block128[], Block128[]>[]
        {
            (s, d) => FixedKeyAes.CrHash(s, d),
            (s, d) => FixedKeyAes.CcrHash(s, d),
            (s, d) => FixedKeyAes.TccrHash(s, 1000, d),
            (s, d) => FixedKeyAes.CrHash(PlatformPi, s, d),
            (s, d) => FixedKeyAes.TccrHash(PlatformPi, s, default, 1000, d),
            (s, d) => FixedKeyAes.TccrHash(s, Block128.One, 1000, d),
        })
        {
            var expected = new Block128[x.Length];
            hash(x, expected);
            var inPlace = (Block128[])x.Clone();
            hash(inPlace, inPlace);
            Assert.Equal(expected, inPlace);
        }
    }

    [Fact]
    public void TccrHash_DistinctTweaks_GiveDistinctOutputs()
    {
        var x = new Block128(42, 7);
        Assert.NotEqual(FixedKeyAes.TccrHash(x, new Block128(0, 0)), FixedKeyAes.TccrHash(x, new Block128(1, 0)));
    }

    [Fact]
    public void BatchedHashes_RejectMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => FixedKeyAes.CrHash(new Block128[4], new Block128[3]));
        Assert.Throws<ArgumentException>(() => FixedKeyAes.TccrHash(new Block128[4], new Block128[3], new Block128[4]));
        var blocks = new Block128[8];
        Assert.Throws<ArgumentException>(() => FixedKeyAes.CcrHash(blocks.AsSpan(0, 7), blocks.AsSpan(1, 7)));
    }
}
