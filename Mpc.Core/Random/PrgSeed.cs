using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Mpc.Core.Random;

/// <summary>
/// A 16-byte PRG seed, e.g. one shared by a pair of parties for pseudorandom zero-sharings or compressed
/// triples. Expand it with <see cref="AesCtrPrg(PrgSeed)"/>.
/// </summary>
/// <remarks>
/// A seed is a secret: <see cref="ToString"/> never prints it, and equality compares all bytes without
/// short-circuiting. <c>default</c> is the all-zero seed, which is public and must not be used as a secret.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public readonly struct PrgSeed : IEquatable<PrgSeed>
{
    /// <summary>Seed length in bytes (an AES-128 key).</summary>
    public const int Size = AesCtrPrg.SeedSize;

    private readonly ulong _low;
    private readonly ulong _high;

    /// <summary>The seed whose bytes are <paramref name="bytes"/> (exactly 16).</summary>
    public PrgSeed(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A PRG seed is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }
        _low = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _high = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
    }

    /// <summary>A fresh seed from the operating system's CSPRNG (<see cref="RandomNumberGenerator"/>).</summary>
    public static PrgSeed Random()
    {
        Span<byte> bytes = stackalloc byte[Size];
        RandomNumberGenerator.Fill(bytes);
        var seed = new PrgSeed(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return seed;
    }

    /// <summary>Writes the 16 seed bytes to <paramref name="destination"/> (for sending to the peer that shares it).</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A PRG seed needs {Size} bytes, not {destination.Length}.", nameof(destination));
        }
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _low);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _high);
    }

    /// <summary>The seed XOR <paramref name="other"/>, e.g. to combine contributions from two parties.</summary>
    public PrgSeed Xor(PrgSeed other)
    {
        Span<byte> bytes = stackalloc byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _low ^ other._low);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], _high ^ other._high);
        var result = new PrgSeed(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return result;
    }

    /// <inheritdoc />
    public bool Equals(PrgSeed other) => ((_low ^ other._low) | (_high ^ other._high)) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PrgSeed other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_low, _high);

    /// <summary>Whether the seeds are equal.</summary>
    public static bool operator ==(PrgSeed left, PrgSeed right) => left.Equals(right);

    /// <summary>Whether the seeds differ.</summary>
    public static bool operator !=(PrgSeed left, PrgSeed right) => !left.Equals(right);

    /// <summary>A fixed placeholder: a seed is never printed.</summary>
    public override string ToString() => "PrgSeed(<redacted>)";
}
