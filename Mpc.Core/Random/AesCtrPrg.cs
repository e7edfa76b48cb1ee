using System.Security.Cryptography;

namespace Mpc.Core.Random;

/// <summary>
/// AES-128 in counter mode (NIST SP 800-38A) as a deterministic pseudorandom generator:
/// the keystream for a 16-byte seed, starting at counter block zero.
/// </summary>
/// <remarks>Placeholder implementation over the platform AES; replaced by the AES-NI pipeline.</remarks>
public sealed class AesCtrPrg : IDisposable
{
    /// <summary>Seed length in bytes (an AES-128 key).</summary>
    public const int SeedSize = 16;

    private readonly System.Security.Cryptography.Aes _aes;
    private UInt128 _counter;
    private readonly byte[] _buffer = new byte[16];
    private int _bufferOffset = 16;

    /// <summary>A generator for <paramref name="seed"/> (16 bytes).</summary>
    public AesCtrPrg(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize) throw new ArgumentException($"A PRG seed is {SeedSize} bytes, not {seed.Length}.", nameof(seed));
        _aes = System.Security.Cryptography.Aes.Create();
        _aes.Key = seed.ToArray();
    }

    /// <summary>A generator seeded from the operating system's CSPRNG.</summary>
    public static AesCtrPrg FromSystemRandom()
    {
        Span<byte> seed = stackalloc byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        return new AesCtrPrg(seed);
    }

    /// <summary>Fills <paramref name="destination"/> with the next keystream bytes.</summary>
    public void Fill(Span<byte> destination)
    {
        Span<byte> block = stackalloc byte[16];
        while (!destination.IsEmpty)
        {
            if (_bufferOffset == 16)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(block, _counter++);
                _aes.EncryptEcb(block, _buffer, PaddingMode.None);
                _bufferOffset = 0;
            }
            int n = Math.Min(16 - _bufferOffset, destination.Length);
            _buffer.AsSpan(_bufferOffset, n).CopyTo(destination);
            _bufferOffset += n;
            destination = destination[n..];
        }
    }

    /// <inheritdoc />
    public void Dispose() => _aes.Dispose();
}
