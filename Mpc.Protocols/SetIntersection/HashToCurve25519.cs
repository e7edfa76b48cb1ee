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
        var (x0, y0) = Elligator2(u0);
        var (x1, y1) = Elligator2(u1);
        var (x, z) = Add(x0, y0, x1, y1);
        for (int i = 0; i < 3; i++) (x, z) = Double(x, z);
        var inverse = X25519Field.Create();
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

    // map_to_curve_elligator2 (RFC 9380 section 6.7.1) for v^2 = u^3 + A u^2 + u, Z = 2: affine (u, v).
    private static (int[] X, int[] Y) Elligator2(int[] u)
    {
        var x1 = X25519Field.Create();
        X25519Field.Sqr(u, x1);
        X25519Field.Add(x1, x1, x1);
        X25519Field.AddOne(x1); // 1 + Z u^2
        X25519Field.Normalize(x1);
        if (X25519Field.IsZeroVar(x1)) X25519Field.One(x1); // inv0(0) = 0, so x1 = -A below
        else X25519Field.InvVar(x1, x1);
        X25519Field.Mul(x1, -A, x1);

        var y = X25519Field.Create();
        if (SquareRoot(Curve(x1), y))
            return (x1, WithParity(y, 1));
        var x2 = X25519Field.Create();
        X25519Field.Negate(x1, x2);
        AddSmall(x2, -A); // -x1 - A
        if (!SquareRoot(Curve(x2), y)) throw new InvalidOperationException("Elligator 2 found no square: the field arithmetic is wrong.");
        return (x2, WithParity(y, 0));
    }

    // u^3 + A u^2 + u = u (u (u + A) + 1).
    private static int[] Curve(int[] x)
    {
        var t = X25519Field.Create();
        X25519Field.Copy(x, 0, t, 0);
        AddSmall(t, A);
        X25519Field.Mul(t, x, t);
        X25519Field.AddOne(t);
        X25519Field.Mul(t, x, t);
        return t;
    }

    private static void AddSmall(int[] x, int value)
    {
        var c = X25519Field.Create();
        X25519Field.One(c);
        X25519Field.Mul(c, Math.Abs(value), c);
        if (value < 0) X25519Field.Sub(x, c, x);
        else X25519Field.Add(x, c, x);
    }

    private static bool SquareRoot(int[] value, int[] root)
    {
        var one = X25519Field.Create();
        X25519Field.One(one);
        X25519Field.Normalize(value);
        if (X25519Field.IsZeroVar(value))
        {
            X25519Field.Zero(root);
            return true;
        }
        return X25519Field.SqrtRatioVar(value, one, root);
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
