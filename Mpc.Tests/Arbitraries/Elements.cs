using System.Numerics;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;

namespace Mpc.Tests.Arbitraries;

/// <summary>Maps FsCheck's primitive inputs onto ring elements, with the edges of each ring well represented.</summary>
public static class Elements
{
    /// <summary>
    /// An element from random bits, or (one time in four) an edge value: 0, 1, -1, -2, 2^63, 2^64 - 1, p - 1, ...
    /// </summary>
    public static T From<T>(ulong lo, ulong hi, byte selector) where T : unmanaged, IRing<T>
    {
        BigInteger m = T.Modulus;
        BigInteger[] edges =
        [
            0, 1, 2, m - 1, m - 2, m / 2, m / 2 + 1, (m - 1) / 2,
            ulong.MaxValue, (BigInteger)ulong.MaxValue + 1, BigInteger.One << 63, BigInteger.One << 61,
            (BigInteger.One << 61) - 1, BigInteger.One << 126, (BigInteger.One << 127) - 1, BigInteger.One << 127,
        ];
        if (selector % 4 == 0) return T.FromBigInteger(edges[selector / 4 % edges.Length]);
        return T.FromBigInteger(((BigInteger)hi << 64) | lo);
    }

    /// <summary>The canonical integer of an element.</summary>
    public static BigInteger Big<T>(T value) where T : unmanaged, IRing<T> => T.ToBigInteger(value);

    /// <summary>x mod m in [0, m).</summary>
    public static BigInteger Mod(BigInteger x, BigInteger m)
    {
        var r = BigInteger.Remainder(x, m);
        return r.Sign < 0 ? r + m : r;
    }

    /// <summary>A deterministic PRG for reproducible tests.</summary>
    public static AesCtrPrg Prg(int seed)
    {
        var key = new byte[AesCtrPrg.SeedSize];
        BitConverter.TryWriteBytes(key, seed);
        return new AesCtrPrg(key);
    }

    /// <summary>A vector of uniform elements from a seeded PRG.</summary>
    public static T[] Vector<T>(int seed, int length) where T : unmanaged, IRing<T> => Prg(seed).NextUniformArray<T>(length);
}
