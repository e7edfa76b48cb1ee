using System.Buffers.Binary;
using FsCheck;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Core.Random.Internal;
using Mpc.Tests.Arbitraries;

namespace Mpc.Tests.Core.Random;

public sealed class AesCtrPrgTests
{
    private static readonly byte[] Sp80038aKey = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");

    private static byte[] Bytes(Block128 block)
    {
        var bytes = new byte[16];
        block.CopyTo(bytes);
        return bytes;
    }

    private static byte[] Take(AesCtrPrg prg, int count)
    {
        var bytes = new byte[count];
        prg.Fill(bytes);
        return bytes;
    }

    /// <summary>NIST SP 800-38A F.5.1 CTR-AES128.Encrypt, all four blocks.</summary>
    private static void AssertSp80038aF51(AesCtrPrg prg)
    {
        byte[] plaintext = Convert.FromHexString(
            "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51" +
            "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710");
        const string Ciphertext =
            "874d6191b620e3261bef6864990db6ce" + "9806f66b7970fdff8617187bb9fffdff" +
            "5ae4df3edbd5d35e5b4f09020db03eab" + "1e031dda2fbe03d1792170a0f3009cee";
        byte[] keystream = Take(prg, plaintext.Length);
        for (int i = 0; i < plaintext.Length; i++)
        {
            keystream[i] ^= plaintext[i];
        }
        Assert.Equal(Ciphertext, Convert.ToHexStringLower(keystream));
    }

    [Fact]
    public void Derive_IsHkdfSha256_OneStreamPerSecretSaltAndInfo()
    {
        byte[] secret = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        var key = System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, secret,
            AesCtrPrg.SeedSize, "salt"u8.ToArray(), "info"u8.ToArray());
        byte[] Stream(AesCtrPrg prg) { using (prg) { var b = new byte[64]; prg.Fill(b); return b; } }
        var derived = Stream(AesCtrPrg.Derive(secret, "salt"u8, "info"u8));
        Assert.Equal(Stream(new AesCtrPrg(key)), derived);
        Assert.NotEqual(derived, Stream(AesCtrPrg.Derive(secret, "salt"u8, "infp"u8)));
        Assert.NotEqual(derived, Stream(AesCtrPrg.Derive(secret, "salu"u8, "info"u8)));
    }

    [Fact]
    public void Sp80038aF51_KeystreamXorPlaintext_IsCiphertext()
    {
        using var prg = new AesCtrPrg(Sp80038aKey, Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
        AssertSp80038aF51(prg);
    }

    [Fact]
    public void Sp80038aF51_KeystreamXorPlaintext_IsCiphertext_Platform()
    {
        using var prg = new AesCtrPrg(Sp80038aKey,
            UInt128.Parse("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", System.Globalization.NumberStyles.HexNumber), AesBackend.Platform);
        AssertSp80038aF51(prg);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Counter_WrapsModulo2To128(bool forcePlatform)
    {
        AesBackend backend = forcePlatform ? AesBackend.Platform : AesBackend.Auto;
        // E(ff..ff) || E(00..00) || E(00..01) under the SP 800-38A key (checked with OpenSSL's aes-128-ctr).
        using var prg = new AesCtrPrg(Sp80038aKey, UInt128.MaxValue, backend);
        Assert.Equal(
            "8af2860142f786f409307c1a3f7eaaac" + "7df76b0c1ab899b33e42f047b91b546f" + "57127d4034b1bebfaef466b9c7726fc6",
            Convert.ToHexStringLower(Take(prg, 48)));
    }

    [Fact]
    public void DefaultCounter_StartsAtZero()
    {
        using var aes = new Aes128(Sp80038aKey);
        using var prg = new AesCtrPrg(Sp80038aKey);
        byte[] expected = [.. Bytes(aes.Encrypt(Block128.Zero)),
            .. Bytes(aes.Encrypt(new Block128(Convert.FromHexString("00000000000000000000000000000001"))))];
        Assert.Equal(expected, Take(prg, 32));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CarryIntoHighHalf_MatchesPerBlockCounters(bool forcePlatform)
    {
        AesBackend backend = forcePlatform ? AesBackend.Platform : AesBackend.Auto;
        using var aes = new Aes128(Sp80038aKey, AesBackend.Platform);
        foreach (UInt128 start in new[] { (UInt128)(ulong.MaxValue - 5), new UInt128(7, ulong.MaxValue - 12) })
        {
            using var prg = new AesCtrPrg(Sp80038aKey, start, backend);
            byte[] actual = Take(prg, 40 * 16 + 5);
            var expected = new byte[actual.Length];
            for (int i = 0; i < 41; i++)
            {
                byte[] block = Bytes(aes.Encrypt(Aes128.CounterBlock(unchecked(start + (uint)i))));
                block.AsSpan(0, Math.Min(16, expected.Length - 16 * i)).CopyTo(expected.AsSpan(16 * i));
            }
            Assert.Equal(expected, actual);
        }
    }

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void Fill_IsIndependentOfHowCallsAreSplit(Block128 seed, int[] calls)
    {
        // Non-negative entries are Fill lengths (0..299), negative entries are NextUInt64 calls.
        int[] lengths = calls.Select(c => c < 0 ? -1 : c % 300).ToArray();
        int total = lengths.Sum(l => l < 0 ? 8 : l);
        using var whole = new AesCtrPrg(Bytes(seed));
        byte[] expected = Take(whole, total);

        using var pieces = new AesCtrPrg(Bytes(seed));
        var actual = new List<byte>();
        foreach (int length in lengths)
        {
            if (length < 0)
            {
                var word = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(word, pieces.NextUInt64());
                actual.AddRange(word);
            }
            else
            {
                actual.AddRange(Take(pieces, length));
            }
        }
        Assert.Equal(expected, actual);
    }

    [AesNiProperty]
    public void AesNi_EqualsPlatform_ForRandomSeedsCountersAndLengths(Block128 seed, Block128 counter, ushort length)
    {
        UInt128 start = new(counter.High, counter.Low);
        using var hardware = new AesCtrPrg(Bytes(seed), start, AesBackend.Hardware);
        using var platform = new AesCtrPrg(Bytes(seed), start, AesBackend.Platform);
        Assert.Equal(Take(platform, length), Take(hardware, length));
        Assert.Equal(platform.NextUInt64(), hardware.NextUInt64());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fill_IntoMisalignedBuffer_EqualsAlignedFill(bool forcePlatform)
    {
        AesBackend backend = forcePlatform ? AesBackend.Platform : AesBackend.Auto;
        using var aligned = new AesCtrPrg(Sp80038aKey, 0, backend);
        using var misaligned = new AesCtrPrg(Sp80038aKey, 0, backend);
        var buffer = new byte[1000 + 3];
        misaligned.Fill(buffer.AsSpan(3));
        Assert.Equal(Take(aligned, 1000), buffer[3..]);
    }

    [Fact]
    public void FillOfT_IsTheRawLittleEndianBytes()
    {
        using var a = new AesCtrPrg(Sp80038aKey);
        using var b = new AesCtrPrg(Sp80038aKey);
        var words = new ulong[37];
        a.Fill<ulong>(words);
        byte[] bytes = Take(b, words.Length * 8);
        Assert.Equal(Enumerable.Range(0, words.Length).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8 * i))), words);
    }

    [Fact]
    public void FillOfBool_IsRefused()
    {
        using var prg = new AesCtrPrg(Sp80038aKey);
        Assert.Throws<NotSupportedException>(() => prg.Fill<bool>(new bool[4]));
    }

    [Fact]
    public void Fork_IsDeterministic_Consumes16Bytes_DiffersFromParent()
    {
        using var reference = new AesCtrPrg(Sp80038aKey);
        byte[] stream = Take(reference, 64);

        using var parent1 = new AesCtrPrg(Sp80038aKey);
        using var parent2 = new AesCtrPrg(Sp80038aKey);
        using AesCtrPrg child1 = parent1.Fork();
        using AesCtrPrg child2 = parent2.Fork();
        using var expectedChild = new AesCtrPrg(stream.AsSpan(0, 16));

        byte[] childBytes = Take(child1, 48);
        Assert.Equal(childBytes, Take(child2, 48));
        Assert.Equal(Take(expectedChild, 48), childBytes);
        Assert.Equal(stream[16..], Take(parent1, 48));
        Assert.NotEqual(stream[16..], childBytes);
    }

    [Fact]
    public void PrgSeedConstructor_EqualsByteConstructor()
    {
        var seed = new PrgSeed(Sp80038aKey);
        using var a = new AesCtrPrg(seed);
        using var b = new AesCtrPrg(Sp80038aKey);
        Assert.Equal(Take(b, 100), Take(a, 100));
    }

    [Fact]
    public void FromSystemRandom_GivesDifferentStreams()
    {
        using var a = AesCtrPrg.FromSystemRandom();
        using var b = AesCtrPrg.FromSystemRandom();
        Assert.NotEqual(Take(a, 32), Take(b, 32));
    }

    [Fact]
    public void Constructor_RejectsWrongSeedOrCounterLength()
    {
        Assert.Throws<ArgumentException>(() => new AesCtrPrg(new byte[15]));
        Assert.Throws<ArgumentException>(() => new AesCtrPrg(new byte[16], new byte[8]));
    }

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        var prg = new AesCtrPrg(Sp80038aKey);
        prg.Dispose();
        Assert.Throws<ObjectDisposedException>(() => prg.NextUInt64());
        Assert.Throws<ObjectDisposedException>(() => prg.Fill(new byte[3]));
    }

    [Fact]
    public void ConcurrentCalls_ShareOutTheStream_WithoutRepeatingAnyOfIt()
    {
        // Four threads draw 8-byte words at once, by Fill and by NextUInt64; together they must have read exactly
        // the first 4 x 200,000 words of the sequential stream, each once (a race would repeat or skip keystream).
        const int threads = 4, draws = 200_000;
        using var shared = new AesCtrPrg(Sp80038aKey);
        var drawn = new ulong[threads][];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            var mine = new ulong[draws];
            Span<byte> word = stackalloc byte[sizeof(ulong)];
            for (int i = 0; i < draws; i++)
            {
                if (i % 2 == 0)
                {
                    shared.Fill(word);
                    mine[i] = BinaryPrimitives.ReadUInt64LittleEndian(word);
                }
                else
                {
                    mine[i] = shared.NextUInt64();
                }
            }
            drawn[t] = mine;
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        using var sequential = new AesCtrPrg(Sp80038aKey);
        var expected = new ulong[threads * draws];
        sequential.Fill<ulong>(expected);
        Assert.Equal(expected.Order(), drawn.SelectMany(d => d).Order());
    }
}
