using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;
using SHA256 = System.Security.Cryptography.SHA256;
using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace Mpc.Protocols.ObliviousTransfer.Internal;

/// <summary>
/// NIST P-256 (secp256r1) for the base OTs: scalar sampling, validation of received points, encoding, and the
/// key-derivation hash, on BouncyCastle; the multiplications are <see cref="P256Backend"/>'s.
/// </summary>
internal static class P256
{
    /// <summary>An uncompressed SEC 1 point: 0x04 || x || y, 32 bytes each big-endian.</summary>
    public const int PointBytes = 65;

    /// <summary>A scalar: 32 bytes big-endian.</summary>
    public const int ScalarBytes = 32;

    private const int CoordinateBytes = 32;

    private static readonly X9ECParameters s_parameters = CustomNamedCurves.GetByName("secp256r1");

    /// <summary>Stateless: the comb tables live on the points themselves (BouncyCastle caches them per point).</summary>
    private static readonly FixedPointCombMultiplier s_comb = new();

    /// <summary>Domain separation for the key-derivation hash.</summary>
    private static ReadOnlySpan<byte> HashDomain => "Mpc.ChouOrlandi.P256.v1"u8;

    public static ECCurve Curve => s_parameters.Curve;

    public static ECPoint Generator => s_parameters.G;

    /// <summary>G's encoding.</summary>
    public static ReadOnlySpan<byte> GeneratorEncoding => s_generator;

    private static readonly byte[] s_generator = s_parameters.G.Normalize().GetEncoded(false);

    /// <summary>
    /// Fills <paramref name="scalars"/> (a multiple of 32 bytes) with uniform scalars in [1, n), each by rejection from
    /// 256-bit strings (rejects with probability below 2^-32).
    /// </summary>
    public static void RandomScalars(AesCtrPrg random, Span<byte> scalars)
    {
        for (int i = 0; i < scalars.Length; i += ScalarBytes)
        {
            Span<byte> k = scalars.Slice(i, ScalarBytes);
            do
            {
                random.Fill(k);
            }
            while (!InRange(k));
        }
    }

    /// <summary>Whether a 32-byte big-endian scalar is in [1, n).</summary>
    private static bool InRange(ReadOnlySpan<byte> k)
    {
        var value = new BigInteger(1, k);
        return value.SignValue != 0 && value.CompareTo(s_parameters.N) < 0;
    }

    /// <summary>
    /// k·P with the comb multiplier, for a point used with many scalars: the first call builds P's table (about the
    /// cost of two variable-base multiplications), later calls cost a fixed-base multiplication.
    /// </summary>
    public static ECPoint MultiplyFixed(ECPoint point, BigInteger k) => s_comb.Multiply(point, k);

    /// <summary>
    /// Runs <paramref name="body"/> for 0 .. <paramref name="count"/> - 1 on up to one thread per core: the scalar
    /// multiplications of a batch are independent, and a party that waits for its peer has idle cores. The body must
    /// not draw randomness (the PRG is not thread-safe) and must write only its own index.
    /// </summary>
    public static void ForEachParallel(int count, Action<int> body)
    {
        int partitions = Math.Min(Environment.ProcessorCount, Math.Max(1, count / 16));
        if (partitions <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, partitions, p =>
        {
            for (int i = p; i < count; i += partitions) body(i);
        });
    }

    /// <summary>
    /// Checks a received point: an uncompressed encoding of a finite point on the curve, nothing else.
    /// </summary>
    /// <exception cref="ObliviousTransferException">The check that failed, naming <paramref name="peer"/> and
    /// <paramref name="what"/>.</exception>
    public static void Validate(ReadOnlySpan<byte> encoding, int peer, string what)
    {
        if (encoding.Length != PointBytes)
            throw new ObliviousTransferException(peer, ObliviousTransferCheck.PointEncoding, what);
        if (encoding[0] == 0x00)
            throw new ObliviousTransferException(peer, ObliviousTransferCheck.PointNotAtInfinity, what);
        if (encoding[0] != 0x04)
            throw new ObliviousTransferException(peer, ObliviousTransferCheck.PointEncoding, what);
        var x = new BigInteger(1, encoding.Slice(1, CoordinateBytes));
        var y = new BigInteger(1, encoding.Slice(1 + CoordinateBytes, CoordinateBytes));
        if (!Curve.IsValidFieldElement(x) || !Curve.IsValidFieldElement(y))
            throw new ObliviousTransferException(peer, ObliviousTransferCheck.PointEncoding, what);
        ECPoint point = Curve.CreatePoint(x, y);
        // P-256 has cofactor 1, so a finite point on the curve is in the prime-order group.
        if (!point.IsValid())
            throw new ObliviousTransferException(peer, ObliviousTransferCheck.PointOnCurve, what);
        if (point.IsInfinity)
            throw new ObliviousTransferException(peer, ObliviousTransferCheck.PointNotAtInfinity, what);
    }

    /// <summary>
    /// Writes the uncompressed encoding of a normalized point (65 zero bytes for the point at infinity, which an
    /// honest party produces only with negligible probability).
    /// </summary>
    public static void Encode(ECPoint normalized, Span<byte> destination)
    {
        if (normalized.IsInfinity)
        {
            destination[..PointBytes].Clear();
            return;
        }
        normalized.EncodeTo(false, destination[..PointBytes]);
    }

    /// <summary>
    /// The OT key: SHA-256(domain || A || B || index || P) truncated to 128 bits, where A and B are the two
    /// messages of the transfer as sent and P is the Diffie-Hellman point (all 65-byte encodings).
    /// </summary>
    public static Block128 DeriveKey(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, uint index, ReadOnlySpan<byte> shared)
    {
        int domain = HashDomain.Length;
        Span<byte> input = stackalloc byte[domain + 3 * PointBytes + sizeof(uint)];
        HashDomain.CopyTo(input);
        a.CopyTo(input[domain..]);
        b.CopyTo(input[(domain + PointBytes)..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(input[(domain + 2 * PointBytes)..], index);
        shared.CopyTo(input[(domain + 2 * PointBytes + sizeof(uint))..]);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, digest);
        var key = new Block128(digest[..Block128.Size]);
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(digest);
        return key;
    }
}
