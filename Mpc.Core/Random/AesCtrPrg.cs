using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core.Blocks;
using Mpc.Core.Random.Internal;

namespace Mpc.Core.Random;

/// <summary>
/// AES-128 in counter mode (NIST SP 800-38A) as a deterministic pseudorandom generator:
/// the keystream for a 16-byte seed, starting at counter block zero.
/// </summary>
/// <remarks>
/// <para>
/// Output is E_seed(c0) || E_seed(c0 + 1) || ..., each counter a 128-bit big-endian block incremented
/// modulo 2^128; c0 is zero unless given. The stream does not depend on how it is read:
/// <c>Fill(10)</c> then <c>Fill(30)</c> gives the same 40 bytes as <c>Fill(40)</c>, and
/// <see cref="NextUInt64"/> reads the next 8 bytes little-endian.
/// </para>
/// <para>
/// Whole blocks are written straight into the caller's buffer, eight at a time through the AES-NI
/// pipeline of <see cref="Aes128"/>; only a tail shorter than a block goes through an internal
/// 128-byte buffer. Thread-safe: concurrent calls are serialised, so every call gets its own piece of the
/// stream and no keystream is ever handed out twice (a protocol's operations may continue on different threads).
/// For parallel bulk generation, give each thread its own generator with <see cref="Fork"/>.
/// </para>
/// </remarks>
public sealed class AesCtrPrg : IDisposable
{
    /// <summary>Seed length in bytes (an AES-128 key).</summary>
    public const int SeedSize = 16;

    private const int BufferBlocks = Aes128.PipelineWidth;
    private const int BufferBytes = BufferBlocks * Block128.Size;

    private readonly Aes128 _aes;
    private readonly Lock _gate = new();
    private readonly Block128[] _buffer = new Block128[BufferBlocks];
    private UInt128 _counter;
    private int _bufferOffset = BufferBytes;
    private bool _disposed;

    /// <summary>A generator for <paramref name="seed"/> (16 bytes).</summary>
    public AesCtrPrg(ReadOnlySpan<byte> seed)
        : this(seed, UInt128.Zero, AesBackend.Auto)
    {
    }

    /// <summary>
    /// A generator for <paramref name="seed"/> (16 bytes) whose first counter block is
    /// <paramref name="initialCounterBlock"/> (16 bytes, read as a big-endian integer as in SP 800-38A).
    /// </summary>
    public AesCtrPrg(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> initialCounterBlock)
        : this(seed, ReadCounterBlock(initialCounterBlock), AesBackend.Auto)
    {
    }

    /// <summary>A generator for <paramref name="seed"/>, starting at counter block zero.</summary>
    public AesCtrPrg(PrgSeed seed)
        : this(SeedBytes(seed), UInt128.Zero, AesBackend.Auto)
    {
    }

    /// <summary>A generator on a chosen AES backend, for tests.</summary>
    internal AesCtrPrg(ReadOnlySpan<byte> seed, UInt128 initialCounter, AesBackend backend)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"A PRG seed is {SeedSize} bytes, not {seed.Length}.", nameof(seed));
        }
        _aes = new Aes128(seed, backend);
        _counter = initialCounter;
    }

    /// <summary>A generator seeded from the operating system's CSPRNG.</summary>
    public static AesCtrPrg FromSystemRandom() => new(PrgSeed.Random());

    /// <summary>
    /// The generator keyed by HKDF-SHA256 (RFC 5869) over <paramref name="secret"/> with <paramref name="salt"/> and
    /// <paramref name="info"/>: one independent stream per (secret, salt, info), as every party holding the secret computes it.
    /// </summary>
    public static AesCtrPrg Derive(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info)
    {
        Span<byte> key = stackalloc byte[SeedSize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt, info);
        return new AesCtrPrg(key);
    }

    /// <summary>Fills <paramref name="destination"/> with the next keystream bytes.</summary>
    public void Fill(Span<byte> destination)
    {
        lock (_gate) FillUnderLock(destination);
    }

    private void FillUnderLock(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_bufferOffset < BufferBytes)
        {
            int n = Math.Min(BufferBytes - _bufferOffset, destination.Length);
            BufferBytesSpan.Slice(_bufferOffset, n).CopyTo(destination);
            _bufferOffset += n;
            destination = destination[n..];
        }

        int wholeBlocks = destination.Length / Block128.Size;
        if (wholeBlocks > 0)
        {
            int wholeBytes = wholeBlocks * Block128.Size;
            _aes.GenerateKeystream(_counter, MemoryMarshal.Cast<byte, Block128>(destination[..wholeBytes]));
            _counter = unchecked(_counter + (uint)wholeBlocks);
            destination = destination[wholeBytes..];
        }

        if (!destination.IsEmpty)
        {
            RefillBuffer();
            BufferBytesSpan[..destination.Length].CopyTo(destination);
            _bufferOffset = destination.Length;
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with keystream bytes reinterpreted as <typeparamref name="T"/>
    /// (raw little-endian bytes: uniform for integer types, and for any type whose every bit pattern is valid;
    /// <see cref="bool"/> and <see cref="decimal"/>, which have invalid patterns, are refused).
    /// </summary>
    public void Fill<T>(Span<T> destination) where T : unmanaged
    {
        if (typeof(T) == typeof(bool) || typeof(T) == typeof(decimal))
        {
            throw new NotSupportedException($"Random bytes are not all valid {typeof(T).Name} values.");
        }
        Fill(MemoryMarshal.AsBytes(destination));
    }

    /// <summary>The next 8 keystream bytes as a little-endian integer.</summary>
    public ulong NextUInt64()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_bufferOffset > BufferBytes - sizeof(ulong))
            {
                if (_bufferOffset < BufferBytes)
                {
                    Span<byte> bytes = stackalloc byte[sizeof(ulong)];
                    FillUnderLock(bytes);
                    return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                }
                RefillBuffer();
            }
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(BufferBytesSpan[_bufferOffset..]);
            _bufferOffset += sizeof(ulong);
            return value;
        }
    }

    /// <summary>The next 16 keystream bytes as a seed, for a child generator or a pairwise key.</summary>
    public PrgSeed NextSeed()
    {
        Span<byte> bytes = stackalloc byte[SeedSize];
        Fill(bytes);
        var seed = new PrgSeed(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return seed;
    }

    /// <summary>
    /// A new generator seeded with the next 16 bytes of this one: deterministic given this generator's
    /// state, and computationally independent of everything this generator outputs afterwards.
    /// </summary>
    public AesCtrPrg Fork() => new(NextSeed());

    /// <summary>Wipes the key schedule and buffered keystream.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Array.Clear(_buffer);
            _bufferOffset = BufferBytes;
            _aes.Dispose();
        }
    }

    private Span<byte> BufferBytesSpan => MemoryMarshal.AsBytes(_buffer.AsSpan());

    private void RefillBuffer()
    {
        _aes.GenerateKeystream(_counter, _buffer);
        _counter = unchecked(_counter + BufferBlocks);
        _bufferOffset = 0;
    }

    private static UInt128 ReadCounterBlock(ReadOnlySpan<byte> block)
    {
        if (block.Length != Block128.Size)
        {
            throw new ArgumentException(
                $"An initial counter block is {Block128.Size} bytes, not {block.Length}.", nameof(block));
        }
        return BinaryPrimitives.ReadUInt128BigEndian(block);
    }

    private static ReadOnlySpan<byte> SeedBytes(in PrgSeed seed) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<PrgSeed>(in seed));
}
