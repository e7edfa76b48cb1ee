using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Core.Random.Internal;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Mpc.Bench.Core;

/// <summary>
/// AES-CTR keystream throughput (16 MiB per operation: divide 16 MiB by the mean for bytes/s) against
/// BouncyCastle and .NET's own AES, and fixed-key AES hashes (mean is per block: its inverse is blocks/s).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PrgBenchmarks
{
    private const int StreamBytes = 16 << 20;
    private const int HashBlocks = 1 << 16;
    private const string Ctr = "CTR keystream, 16 MiB";
    private const string FixedKey = "Fixed-key AES, per block";

    private static readonly byte[] Seed = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");

    private byte[] _stream = null!;
    private AesCtrPrg _prg = null!;
    private AesCtrPrg _prgPlatform = null!;
    private SicBlockCipher _bcSic = null!;
    private IBufferedCipher _bcCipher = null!;
    private Aes _dotnet = null!;
    private Block128[] _x = null!;
    private Block128[] _hashed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _stream = new byte[StreamBytes];
        _prg = new AesCtrPrg(Seed);
        _prgPlatform = new AesCtrPrg(Seed, UInt128.Zero, AesBackend.Platform);

        IBlockCipher engine = AesUtilities.CreateEngine();
        Console.WriteLine(
            $"// BouncyCastle AES engine: {engine.GetType().Name}, Aes128.IsHardwareAccelerated: {Aes128.IsHardwareAccelerated}");
        _bcSic = new SicBlockCipher(engine);
        _bcSic.Init(true, new ParametersWithIV(new KeyParameter(Seed), new byte[16]));
        _bcCipher = CipherUtilities.GetCipher("AES/CTR/NoPadding");
        _bcCipher.Init(true, new ParametersWithIV(new KeyParameter(Seed), new byte[16]));

        _dotnet = Aes.Create();
        _dotnet.Key = Seed;

        _x = new Block128[HashBlocks];
        new AesCtrPrg(Seed).Fill<Block128>(_x);
        _hashed = new Block128[HashBlocks];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _prg.Dispose();
        _prgPlatform.Dispose();
        _dotnet.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Mpc AesCtrPrg.Fill (AES-NI)"), BenchmarkCategory(Ctr)]
    public void MpcAesCtrPrg() => _prg.Fill(_stream);

    [Benchmark(Description = "Mpc AesCtrPrg.Fill (platform fallback)"), BenchmarkCategory(Ctr)]
    public void MpcAesCtrPrgPlatform() => _prgPlatform.Fill(_stream);

    [Benchmark(Description = "BouncyCastle SicBlockCipher(AesUtilities.CreateEngine())"), BenchmarkCategory(Ctr)]
    public void BouncyCastleSic()
    {
        Span<byte> stream = _stream;
        for (int i = 0; i < stream.Length; i += 16)
        {
            _bcSic.ProcessBlock(stream.Slice(i, 16), stream.Slice(i, 16));
        }
    }

    [Benchmark(Description = "BouncyCastle CipherUtilities AES/CTR/NoPadding"), BenchmarkCategory(Ctr)]
    public void BouncyCastleCipherUtilities() => _bcCipher.ProcessBytes(_stream, 0, _stream.Length, _stream, 0);

    [Benchmark(Description = ".NET Aes.EncryptEcb over counter blocks"), BenchmarkCategory(Ctr)]
    public void DotNetEncryptEcb()
    {
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(_stream.AsSpan());
        for (int i = 0; i < words.Length; i += 2)
        {
            words[i] = 0;
            words[i + 1] = BinaryPrimitives.ReverseEndianness((ulong)(i >> 1));
        }
        _dotnet.EncryptEcb(_stream, _stream, PaddingMode.None);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = HashBlocks, Description = "FixedKeyAes.Permute (batched)"),
        BenchmarkCategory(FixedKey)]
    public void Permute() => FixedKeyAes.Permute(_x, _hashed);

    [Benchmark(OperationsPerInvoke = HashBlocks, Description = "FixedKeyAes.CrHash (batched)"), BenchmarkCategory(FixedKey)]
    public void CrHash() => FixedKeyAes.CrHash(_x, _hashed);

    [Benchmark(OperationsPerInvoke = HashBlocks, Description = "FixedKeyAes.CcrHash (batched)"), BenchmarkCategory(FixedKey)]
    public void CcrHash() => FixedKeyAes.CcrHash(_x, _hashed);

    [Benchmark(OperationsPerInvoke = HashBlocks, Description = "FixedKeyAes.TccrHash (batched, 2 AES)"), BenchmarkCategory(FixedKey)]
    public void TccrHash() => FixedKeyAes.TccrHash(_x, 0, _hashed);

    [Benchmark(OperationsPerInvoke = HashBlocks, Description = "FixedKeyAes.Permute (one block per call)"), BenchmarkCategory(FixedKey)]
    public void PermuteSingle()
    {
        Block128[] x = _x;
        Block128[] y = _hashed;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = FixedKeyAes.Permute(x[i]);
        }
    }
}
