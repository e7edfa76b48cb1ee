using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Mpc.Core.Blocks;
using Mpc.Core.Random.Internal;

namespace Mpc.Core.Random;

/// <summary>
/// AES-128 encryption (FIPS-197) under one key: single blocks, batches, and the CTR keystream.
/// </summary>
/// <remarks>
/// <para>
/// On x86 with AES-NI the key is expanded with <c>AESKEYGENASSIST</c> and batches run eight independent
/// blocks through each round so the <c>AESENC</c> latency is hidden. Elsewhere (no AES-NI, or
/// <c>DOTNET_EnableHWIntrinsic=0</c>) it falls back to the platform AES
/// (<c>System.Security.Cryptography.Aes.EncryptEcb</c> with <c>PaddingMode.None</c>: OpenSSL or CNG), which is constant
/// time, rather than a table-based software AES, whose
/// key-dependent lookups leak through the cache. Both paths give identical output.
/// </para>
/// <para>
/// Encryption only: the protocols built on it (CTR, fixed-key hashes) never decrypt. An instance is
/// immutable after construction and safe to use from several threads; call <see cref="Dispose"/> to
/// wipe the key schedule.
/// </para>
/// </remarks>
public sealed partial class Aes128 : IDisposable
{
    /// <summary>Key length in bytes.</summary>
    public const int KeySize = 16;

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly System.Security.Cryptography.Aes? _platform;
    private bool _disposed;

    /// <summary>An AES-128 instance for <paramref name="key"/> (16 bytes).</summary>
    public Aes128(ReadOnlySpan<byte> key)
        : this(key, AesBackend.Auto)
    {
    }

    /// <summary>An AES-128 instance whose key is the 16 little-endian bytes of <paramref name="key"/>.</summary>
    public Aes128(Block128 key)
        : this(MemoryMarshal.AsBytes(new ReadOnlySpan<Block128>(in key)), AesBackend.Auto)
    {
    }

    /// <summary>An instance on a chosen backend, so tests can compare AES-NI with the platform AES.</summary>
    internal Aes128(ReadOnlySpan<byte> key, AesBackend backend)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AES-128 key is {KeySize} bytes, not {key.Length}.", nameof(key));
        }
        if (backend == AesBackend.Auto)
        {
            backend = IsHardwareAccelerated ? AesBackend.Hardware : AesBackend.Platform;
        }
        if (backend == AesBackend.Hardware)
        {
            if (!IsHardwareAccelerated)
            {
                throw new PlatformNotSupportedException("AES-NI is not available (or hardware intrinsics are disabled).");
            }
            _roundKeys = ExpandKeyX86(key);
        }
        else
        {
            _platform = CreatePlatform(key);
        }
    }

    /// <summary>
    /// Whether new instances run on AES-NI. False without AES-NI or with <c>DOTNET_EnableHWIntrinsic=0</c>,
    /// in which case the platform AES is used.
    /// </summary>
    public static bool IsHardwareAccelerated =>
        System.Runtime.Intrinsics.X86.Aes.IsSupported && Ssse3.IsSupported;

    /// <summary>Whether this instance runs on AES-NI.</summary>
    internal bool UsesHardware => _roundKeys is not null;

    /// <summary>Encrypts one block.</summary>
    public Block128 Encrypt(Block128 block)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roundKeys is not null)
        {
            return Block128.FromVector128(EncryptBlockX86(_roundKeys, block.AsVector128()));
        }
        Block128 result = block;
        EncryptBlocksPlatform(new ReadOnlySpan<Block128>(in block), new Span<Block128>(ref result));
        return result;
    }

    /// <summary>
    /// Encrypts <paramref name="source"/> into <paramref name="destination"/> (ECB over independent blocks).
    /// The spans may be the same memory but must not overlap otherwise.
    /// </summary>
    public void EncryptBlocks(ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckDestination(source, destination);
        if (source.IsEmpty)
        {
            return;
        }
        if (_roundKeys is not null)
        {
            EncryptBlocksX86(_roundKeys, source, destination);
        }
        else
        {
            EncryptBlocksPlatform(source, destination);
        }
    }

    /// <summary>Encrypts <paramref name="blocks"/> in place.</summary>
    public void EncryptBlocks(Span<Block128> blocks) => EncryptBlocks(blocks, blocks);

    /// <summary>
    /// Writes the AES-CTR keystream E(c), E(c+1), ... to <paramref name="destination"/>, where counter
    /// <c>c</c> starts at <paramref name="initialCounter"/>, is encoded as a 128-bit big-endian block and is
    /// incremented modulo 2^128 per block (NIST SP 800-38A, appendix B.1 with m = 128).
    /// </summary>
    public void GenerateKeystream(UInt128 initialCounter, Span<Block128> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.IsEmpty)
        {
            return;
        }
        if (_roundKeys is not null)
        {
            KeystreamX86(_roundKeys, initialCounter, destination);
        }
        else
        {
            KeystreamPlatform(initialCounter, destination);
        }
    }

    /// <summary>The expanded key schedule (11 round keys) for fused kernels elsewhere; empty on the platform backend.</summary>
    internal ReadOnlySpan<Vector128<byte>> RoundKeys
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _roundKeys;
        }
    }

    /// <summary>Wipes the key schedule; the instance cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_roundKeys is not null)
        {
            Array.Clear(_roundKeys);
        }
        _platform?.Dispose();
    }

    private static void CheckDestination(ReadOnlySpan<Block128> source, Span<Block128> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} blocks, fewer than the {source.Length} to encrypt.",
                nameof(destination));
        }
        if (source.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException("Source and destination overlap without being the same memory.", nameof(destination));
        }
    }
}
