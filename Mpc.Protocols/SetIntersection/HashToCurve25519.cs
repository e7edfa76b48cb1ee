using System.Numerics;
using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Mpc.Protocols.SetIntersection;

/// <summary>
/// Hashing byte strings to Curve25519 as a random oracle: the suite curve25519_XMD:SHA-512_ELL2_RO_ of RFC 9380
/// ("Hashing to Elliptic Curves", Faz-Hernandez, Scott, Sullivan, Wahby and Wood, 2023): expand_message_xmd with
/// SHA-512 gives two field elements, each mapped by Elligator 2 (Bernstein, Hamburg, Krasnova and Lange, CCS 2013),
/// the two points added and the cofactor 8 cleared. The output is the point's u-coordinate, 32 bytes little-endian as
/// X25519 takes it (the sign of v does not matter to X25519). Field arithmetic is BouncyCastle's
/// (<see cref="X25519Field"/>); the test vectors of RFC 9380 appendix J.7.1 check the whole map.
/// </summary>
/// <remarks>
/// The inversions and square roots are BouncyCastle's variable-time ones (it has no constant-time square root; the
/// constant-time inversion would triple the cost): their timing depends on the hashed id, which only an observer of
/// this party's own machine could measure. What travels is blinded by X25519, which is constant-time.
/// </remarks>
public static class HashToCurve25519
{
    /// <summary>Bytes of an encoded point (a u-coordinate).</summary>
    public const int PointBytes = 32;

    private const int FieldBytes = 48; // L = ceil((255 + 128) / 8)
    private const int A = 486662;
    private static readonly BigInteger Prime = (BigInteger.One << 255) - 19;

    /// <summary>The u-coordinate of hash_to_curve(<paramref name="message"/>) under <paramref name="domain"/> (the DST).</summary>
    public static void Hash(ReadOnlySpan<byte> message, ReadOnlySpan<byte> domain, Span<byte> point)
    {
        Span<byte> uniform = stackalloc byte[2 * FieldBytes];
        ExpandMessageXmd(message, domain, uniform);
        int[] u0 = FieldElement(uniform[..FieldBytes]), u1 = FieldElement(uniform[FieldBytes..]);
        var (n0, d0, y0) = Elligator2(u0);
        var (n1, d1, y1) = Elligator2(u1);
        // Both x = n / d in affine form with one inversion: x0 = n0 d1 / (d0 d1), x1 = n1 d0 / (d0 d1).
        var inverse = X25519Field.Create();
        X25519Field.Mul(d0, d1, inverse);
        X25519Field.InvVar(inverse, inverse);
        X25519Field.Mul(n0, d1, n0);
        X25519Field.Mul(n0, inverse, n0);
        X25519Field.Mul(n1, d0, n1);
        X25519Field.Mul(n1, inverse, n1);
        var (x, z) = Add(n0, y0, n1, y1);
        for (int i = 0; i < 3; i++) (x, z) = Double(x, z);
        X25519Field.InvVar(z, inverse);
        X25519Field.Mul(x, inverse, x);
        X25519Field.Normalize(x);
        X25519Field.Encode(x, point);
    }

    /// <summary>expand_message_xmd (RFC 9380 section 5.3.1) with SHA-512, filling <paramref name="output"/> (at most 255 blocks).</summary>
    internal static void ExpandMessageXmd(ReadOnlySpan<byte> message, ReadOnlySpan<byte> domain, Span<byte> output)
    {
        if (domain.Length > 255) throw new ArgumentException("A domain separation tag has at most 255 bytes.", nameof(domain));
        int blocks = (output.Length + 63) / 64;
        if (blocks > 255) throw new ArgumentException("expand_message_xmd gives at most 255 blocks.", nameof(output));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Span<byte> suffix = stackalloc byte[domain.Length + 1];
        domain.CopyTo(suffix);
        suffix[^1] = (byte)domain.Length;

        hash.AppendData(new byte[128]); // Z_pad: one SHA-512 block of zeros
        hash.AppendData(message);
        hash.AppendData([(byte)(output.Length >> 8), (byte)output.Length, 0]);
        hash.AppendData(suffix);
        Span<byte> b0 = stackalloc byte[64], previous = stackalloc byte[64], mixed = stackalloc byte[64];
        hash.GetHashAndReset(b0);
        b0.CopyTo(mixed);
        for (int i = 1; i <= blocks; i++)
        {
            if (i > 1)
                for (int j = 0; j < 64; j++) mixed[j] = (byte)(b0[j] ^ previous[j]);
            hash.AppendData(mixed);
            hash.AppendData([(byte)i]);
            hash.AppendData(suffix);
            hash.GetHashAndReset(previous);
            int offset = (i - 1) * 64;
            previous[..Math.Min(64, output.Length - offset)].CopyTo(output[offset..]);
        }
    }

    // OS2IP(bytes) mod p, as a field element.
    private static int[] FieldElement(ReadOnlySpan<byte> bigEndian)
    {
        var value = BigInteger.Remainder(new BigInteger(bigEndian, isUnsigned: true, isBigEndian: true), Prime);
        Span<byte> little = stackalloc byte[32];
        little.Clear();
        value.TryWriteBytes(little, out _, isUnsigned: true, isBigEndian: false);
        var element = X25519Field.Create();
        X25519Field.Decode255(little, element);
        return element;
    }

    // map_to_curve_elligator2_curve25519, RFC 9380 appendix G.2.1's straight-line form: one exponentiation, no
    // inversion; x = xn / xd, y affine.
    private static (int[] Xn, int[] Xd, int[] Y) Elligator2(int[] u)
    {
        var tv1 = X25519Field.Create();
        X25519Field.Sqr(u, tv1);
        X25519Field.Add(tv1, tv1, tv1); // 2 u^2
        var xd = X25519Field.Create();
        X25519Field.Copy(tv1, 0, xd, 0);
        X25519Field.AddOne(xd); // nonzero: -1 is a square and 2 u^2 is not
        var x1n = Constant(MinusA);
        var tv2 = X25519Field.Create();
        X25519Field.Sqr(xd, tv2);
        var gxd = X25519Field.Create();
        X25519Field.Mul(tv2, xd, gxd); // xd^3
        var gx1 = X25519Field.Create();
        X25519Field.Mul(tv1, A, gx1); // x1n + A xd
        X25519Field.Mul(gx1, x1n, gx1);
        X25519Field.Add(gx1, tv2, gx1);
        X25519Field.Mul(gx1, x1n, gx1); // x1n^3 + A x1n^2 xd + x1n xd^2
        var tv3 = X25519Field.Create();
        X25519Field.Sqr(gxd, tv3);
        X25519Field.Sqr(tv3, tv2); // gxd^4
        X25519Field.Mul(tv3, gxd, tv3); // gxd^3
        X25519Field.Mul(tv3, gx1, tv3); // gx1 gxd^3
        X25519Field.Mul(tv2, tv3, tv2); // gx1 gxd^7
        var y11 = PowPminus5Over8(tv2);
        X25519Field.Mul(y11, tv3, y11); // the candidate root of gx1 / gxd
        var y1 = IsRoot(y11, gxd, gx1) ? y11 : Times(y11, SqrtMinusOne);

        var x2n = X25519Field.Create();
        X25519Field.Mul(x1n, tv1, x2n); // x2 = -x1 - A = 2 u^2 x1
        var y21 = Times(Times(y11, u), RootCandidateOfTwo);
        var gx2 = X25519Field.Create();
        X25519Field.Mul(gx1, tv1, gx2);
        var y2 = IsRoot(y21, gxd, gx2) ? y21 : Times(y21, SqrtMinusOne);

        bool first = IsRoot(y1, gxd, gx1);
        var y = first ? y1 : y2;
        return (first ? x1n : x2n, xd, WithParity(y, first ? 1 : 0));
    }

    private static readonly int[] SqrtMinusOne = Constant(BigInteger.ModPow(2, (Prime - 1) / 4, Prime));
    private static readonly int[] RootCandidateOfTwo = Constant(BigInteger.ModPow(2, (Prime + 3) / 8, Prime));
    private static readonly BigInteger MinusA = Prime - A;

    private static int[] Constant(BigInteger value)
    {
        Span<byte> little = stackalloc byte[32];
        little.Clear();
        value.TryWriteBytes(little, out _, isUnsigned: true, isBigEndian: false);
        var element = X25519Field.Create();
        X25519Field.Decode255(little, element);
        return element;
    }

    private static int[] Times(int[] x, int[] y)
    {
        var z = X25519Field.Create();
        X25519Field.Mul(x, y, z);
        return z;
    }

    // y^2 gxd == gx: y is a root of gx / gxd.
    private static bool IsRoot(int[] y, int[] gxd, int[] gx)
    {
        var t = X25519Field.Create();
        X25519Field.Sqr(y, t);
        X25519Field.Mul(t, gxd, t);
        X25519Field.Normalize(t);
        var g = X25519Field.Create();
        X25519Field.Copy(gx, 0, g, 0);
        X25519Field.Normalize(g);
        return X25519Field.AreEqualVar(t, g);
    }

    // z^((p - 5) / 8) = z^(2^252 - 3), by the usual addition chain.
    private static int[] PowPminus5Over8(int[] z)
    {
        int[] t0 = X25519Field.Create(), t1 = X25519Field.Create(), t2 = X25519Field.Create();
        X25519Field.Sqr(z, t0); // 2
        X25519Field.Sqr(t0, 2, t1); // 8
        X25519Field.Mul(z, t1, t1); // 9
        X25519Field.Mul(t0, t1, t0); // 11
        X25519Field.Sqr(t0, t0); // 22
        X25519Field.Mul(t1, t0, t0); // 31 = 2^5 - 1
        X25519Field.Sqr(t0, 5, t1);
        X25519Field.Mul(t1, t0, t0); // 2^10 - 1
        X25519Field.Sqr(t0, 10, t1);
        X25519Field.Mul(t1, t0, t1); // 2^20 - 1
        X25519Field.Sqr(t1, 20, t2);
        X25519Field.Mul(t2, t1, t1); // 2^40 - 1
        X25519Field.Sqr(t1, 10, t1);
        X25519Field.Mul(t1, t0, t0); // 2^50 - 1
        X25519Field.Sqr(t0, 50, t1);
        X25519Field.Mul(t1, t0, t1); // 2^100 - 1
        X25519Field.Sqr(t1, 100, t2);
        X25519Field.Mul(t2, t1, t1); // 2^200 - 1
        X25519Field.Sqr(t1, 50, t1);
        X25519Field.Mul(t1, t0, t0); // 2^250 - 1
        X25519Field.Sqr(t0, 2, t0); // 2^252 - 4
        X25519Field.Mul(t0, z, t0); // 2^252 - 3
        return t0;
    }

    private static void AddSmall(int[] x, int value)
    {
        var c = X25519Field.Create();
        X25519Field.One(c);
        X25519Field.Mul(c, Math.Abs(value), c);
        if (value < 0) X25519Field.Sub(x, c, x);
        else X25519Field.Add(x, c, x);
    }

    // The root whose sgn0 (its least significant bit) is `parity`.
    private static int[] WithParity(int[] y, int parity)
    {
        X25519Field.Normalize(y);
        Span<byte> bytes = stackalloc byte[32];
        X25519Field.Encode(y, bytes);
        if ((bytes[0] & 1) != parity)
        {
            X25519Field.Negate(y, y);
            X25519Field.Normalize(y);
        }
        return y;
    }

    // (x0, y0) + (x1, y1) in projective (X : Z): the chord (or, for equal points, the tangent) through them.
    private static (int[] X, int[] Z) Add(int[] x0, int[] y0, int[] x1, int[] y1)
    {
        var dx = X25519Field.Create();
        var dy = X25519Field.Create();
        X25519Field.Sub(x1, x0, dx);
        X25519Field.Sub(y1, y0, dy);
        X25519Field.Normalize(dx);
        if (X25519Field.IsZeroVar(dx))
        {
            X25519Field.Normalize(dy);
            if (!X25519Field.IsZeroVar(dy))
                throw new CryptographicException("The two halves of the hash are opposite points (probability 2^-250).");
            // Tangent: lambda = (3 x^2 + 2 A x + 1) / (2 y).
            var t = X25519Field.Create();
            X25519Field.Sqr(x0, t);
            X25519Field.Mul(t, 3, t);
            var ax = X25519Field.Create();
            X25519Field.Mul(x0, 2 * A, ax);
            X25519Field.Add(t, ax, dy);
            X25519Field.AddOne(dy);
            X25519Field.Add(y0, y0, dx);
        }
        // x3 = (dy / dx)^2 - A - x0 - x1 = (dy^2 - (A + x0 + x1) dx^2) / dx^2.
        var numerator = X25519Field.Create();
        var denominator = X25519Field.Create();
        var sum = X25519Field.Create();
        X25519Field.Sqr(dy, numerator);
        X25519Field.Sqr(dx, denominator);
        X25519Field.Add(x0, x1, sum);
        AddSmall(sum, A);
        X25519Field.Mul(sum, denominator, sum);
        X25519Field.Sub(numerator, sum, numerator);
        return (numerator, denominator);
    }

    // x-only doubling on (X : Z) (RFC 7748's ladder step): X' = (X + Z)^2 (X - Z)^2, Z' = E ((X + Z)^2 + 121665 E) with
    // E = (X + Z)^2 - (X - Z)^2.
    private static (int[] X, int[] Z) Double(int[] x, int[] z)
    {
        var aa = X25519Field.Create();
        var bb = X25519Field.Create();
        var e = X25519Field.Create();
        X25519Field.Add(x, z, aa);
        X25519Field.Sqr(aa, aa);
        X25519Field.Sub(x, z, bb);
        X25519Field.Sqr(bb, bb);
        X25519Field.Sub(aa, bb, e);
        var x2 = X25519Field.Create();
        X25519Field.Mul(aa, bb, x2);
        var z2 = X25519Field.Create();
        X25519Field.Mul(e, 121665, z2);
        X25519Field.Add(z2, aa, z2);
        X25519Field.Mul(z2, e, z2);
        return (x2, z2);
    }
}
