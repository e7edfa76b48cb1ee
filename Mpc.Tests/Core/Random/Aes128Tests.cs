using FsCheck;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Core.Random.Internal;
using Mpc.Tests.Arbitraries;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Mpc.Tests.Core.Random;

public sealed class Aes128Tests
{
    private static Block128 Hex(string hex) => new(Convert.FromHexString(hex));

    private static byte[] KeyBytes(Block128 key)
    {
        var bytes = new byte[16];
        key.CopyTo(bytes);
        return bytes;
    }

    /// <summary>FIPS-197 Appendix C.1 (AES-128) and Appendix B.</summary>
    private static void AssertFips197(AesBackend backend)
    {
        using (var aes = new Aes128(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), backend))
        {
            Assert.Equal("69c4e0d86a7b0430d8cdb78070b4c55a", aes.Encrypt(Hex("00112233445566778899aabbccddeeff")).ToHexString());
        }
        using (var aes = new Aes128(Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c"), backend))
        {
            Assert.Equal("3925841d02dc09fbdc118597196a0b32", aes.Encrypt(Hex("3243f6a8885a308d313198a2e0370734")).ToHexString());
        }
    }

    [Fact]
    public void Fips197_KnownAnswer_Platform() => AssertFips197(AesBackend.Platform);

    [AesNiFact]
    public void Fips197_KnownAnswer_AesNi() => AssertFips197(AesBackend.Hardware);

    [AesNiFact]
    public void KeyExpansion_AesNi_MatchesFips197AppendixA1()
    {
        using var aes = new Aes128(Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c"), AesBackend.Hardware);
        Assert.Equal("a0fafe1788542cb123a339392a6c7605", Block128.FromVector128(aes.RoundKeys[1]).ToHexString());
        Assert.Equal("d014f9a8c9ee2589e13f0cc8b6630ca6", Block128.FromVector128(aes.RoundKeys[10]).ToHexString());
    }

    [Fact]
    public void Fips197_KnownAnswer_DefaultBackend_InBatchOfEveryLength()
    {
        // The vector at every position of batches of 1..20 blocks exercises the 8-way body and the tail.
        using var aes = new Aes128(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));
        Block128 plain = Hex("00112233445566778899aabbccddeeff");
        Block128 cipher = Hex("69c4e0d86a7b0430d8cdb78070b4c55a");
        for (int n = 1; n <= 20; n++)
        {
            var blocks = Enumerable.Repeat(plain, n).ToArray();
            aes.EncryptBlocks(blocks);
            Assert.All(blocks, b => Assert.Equal(cipher, b));
        }
    }

    [AesNiProperty]
    public void AesNi_EqualsPlatform_ForRandomKeysAndLengths(Block128 key, Block128 first, byte length)
    {
        var source = Enumerable.Range(0, length).Select(i => first ^ new Block128((ulong)i * 0x9e3779b97f4a7c15, (ulong)i)).ToArray();
        using var hardware = new Aes128(KeyBytes(key), AesBackend.Hardware);
        using var platform = new Aes128(KeyBytes(key), AesBackend.Platform);
        var viaHardware = new Block128[length];
        var viaPlatform = new Block128[length];
        hardware.EncryptBlocks(source, viaHardware);
        platform.EncryptBlocks(source, viaPlatform);
        Assert.Equal(viaPlatform, viaHardware);
        Assert.Equal(platform.Encrypt(first), hardware.Encrypt(first));
    }

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void Aes128_EqualsBouncyCastleAesEngine(Block128 key, Block128 plain)
    {
        var engine = new AesEngine();
        engine.Init(true, new KeyParameter(KeyBytes(key)));
        var expected = new byte[16];
        engine.ProcessBlock(KeyBytes(plain), 0, expected, 0);
        using var ours = new Aes128(key);
        Assert.Equal(Convert.ToHexStringLower(expected), ours.Encrypt(plain).ToHexString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EncryptBlocks_InPlace_EqualsOutOfPlace_AndSingleBlocks(bool forcePlatform)
    {
        AesBackend backend = forcePlatform ? AesBackend.Platform : AesBackend.Auto;
        using var aes = new Aes128(Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c"), backend);
        var source = Enumerable.Range(0, 37).Select(i => new Block128((ulong)i, ~(ulong)i)).ToArray();
        var outOfPlace = new Block128[source.Length];
        aes.EncryptBlocks(source, outOfPlace);
        var inPlace = (Block128[])source.Clone();
        aes.EncryptBlocks(inPlace);
        Assert.Equal(outOfPlace, inPlace);
        Assert.Equal(source.Select(aes.Encrypt), outOfPlace);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Keystream_IsEncryptedBigEndianCounters_AcrossCarries(bool forcePlatform)
    {
        AesBackend backend = forcePlatform ? AesBackend.Platform : AesBackend.Auto;
        using var aes = new Aes128(Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c"), backend);
        UInt128[] starts =
        [
            0, 1, ulong.MaxValue - 20, ulong.MaxValue - 7, ulong.MaxValue - 6, ulong.MaxValue,
            new UInt128(5, ulong.MaxValue - 3), UInt128.MaxValue - 9, UInt128.MaxValue,
        ];
        foreach (UInt128 start in starts)
        {
            var keystream = new Block128[29];
            aes.GenerateKeystream(start, keystream);
            for (int i = 0; i < keystream.Length; i++)
            {
                Block128 counter = Aes128.CounterBlock(unchecked(start + (uint)i));
                Assert.Equal(aes.Encrypt(counter), keystream[i]);
            }
        }
    }

    [Fact]
    public void CounterBlock_IsBigEndian()
    {
        Assert.Equal("000102030405060708090a0b0c0d0e0f",
            Aes128.CounterBlock(new UInt128(0x0001020304050607, 0x08090a0b0c0d0e0f)).ToHexString());
    }

    [Fact]
    public void EncryptBlocks_RejectsPartialOverlapAndShortDestination()
    {
        using var aes = new Aes128(new byte[16]);
        var blocks = new Block128[10];
        Assert.Throws<ArgumentException>(() => aes.EncryptBlocks(blocks.AsSpan(0, 9), blocks.AsSpan(1, 9)));
        Assert.Throws<ArgumentException>(() => aes.EncryptBlocks(blocks.AsSpan(0, 5), new Block128[4]));
    }

    [Fact]
    public void Constructor_RejectsWrongKeyLength() =>
        Assert.Throws<ArgumentException>(() => new Aes128(new byte[15]));

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        var aes = new Aes128(new byte[16]);
        aes.Dispose();
        aes.Dispose();
        Assert.Throws<ObjectDisposedException>(() => aes.Encrypt(Block128.Zero));
        Assert.Throws<ObjectDisposedException>(() => aes.EncryptBlocks(new Block128[3]));
    }

    [Fact]
    public void HardwareBackend_WithoutAesNi_IsRefused()
    {
        if (Aes128.IsHardwareAccelerated)
        {
            using var aes = new Aes128(new byte[16], AesBackend.Hardware);
            Assert.True(aes.UsesHardware);
        }
        else
        {
            Assert.Throws<PlatformNotSupportedException>(() => new Aes128(new byte[16], AesBackend.Hardware));
        }
    }
}
