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
/// The root checks, the choice between Elligator's two candidates and the one inversion per block (BouncyCastle's
/// variable-time one; the constant-time inversion would cost several times more) take time that depends on the hashed
/// ids, which only an observer of this party's own machine could measure. What travels is blinded by X25519, which is
/// constant-time.
/// </remarks>
public static class HashToCurve25519
{
    /// <summary>Bytes of an encoded point (a u-coordinate).</summary>
    public const int PointBytes = 32;

    private const int FieldBytes = 48; // L = ceil((255 + 128) / 8)
    private const int A = 486662;
    private static readonly BigInteger Prime = (BigInteger.One << 255) - 19;

    /// <summary>The u-coordinate of hash_to_curve(<paramref name="message"/>) under <paramref name="domain"/> (the DST).</summary>
    public static void Hash(ReadOnlySpan<byte> message, ReadOnlySpan<byte> domain, Span<byte> point) =>
        HashMany([message.ToArray()], domain, point);

    /// <summary>
    /// The u-coordinates of hash_to_curve of every message, 32 bytes each into <paramref name="points"/>: the same map
    /// as <see cref="Hash"/>, with the sum of the two Elligator points in projective form and one inversion for all
    /// the messages (Montgomery's trick) in place of two per message.
    /// </summary>
    public static void HashMany(IReadOnlyList<byte[]> messages, ReadOnlySpan<byte> domain, Span<byte> points)
    {
        int count = messages.Count;
        if (points.Length != count * PointBytes)
            throw new ArgumentException($"{count} messages need {count * PointBytes} bytes of points, not {points.Length}.");
        var xs = new int[count][];
        var zs = new int[count][];
        Span<byte> uniform = stackalloc byte[2 * FieldBytes];
        for (int i = 0; i < count; i++)
        {
            ExpandMessageXmd(messages[i], domain, uniform);
            var (n0, d0, y0) = Elligator2(FieldElement(uniform[..FieldBytes]));
            var (n1, d1, y1) = Elligator2(FieldElement(uniform[FieldBytes..]));
            var (x, z) = Add(n0, d0, y0, n1, d1, y1);
            for (int k = 0; k < 3; k++) (x, z) = Double(x, z);
            (xs[i], zs[i]) = (x, z);
        }
        InvertAll(zs);
        for (int i = 0; i < count; i++)
        {
            X25519Field.Mul(xs[i], zs[i], xs[i]);
            X25519Field.Normalize(xs[i]);
            X25519Field.Encode(xs[i], points.Slice(i * PointBytes, PointBytes));
        }
    }

    // Every z replaced by 1 / z with one inversion in all (prefix products, then back); a zero stays zero (u = 0, the
    // encoding of the point at infinity, which X25519 then refuses as of small order).
    private static void InvertAll(int[][] zs)
    {
        int count = zs.Length;
        var prefix = new int[count][];
        var running = X25519Field.Create();
        X25519Field.One(running);
        var zero = new bool[count];
        for (int i = 0; i < count; i++)
        {
            var z = X25519Field.Create();
            X25519Field.Copy(zs[i], 0, z, 0);
            X25519Field.Normalize(z);
            zero[i] = X25519Field.IsZeroVar(z);
            prefix[i] = X25519Field.Create();
            X25519Field.Copy(running, 0, prefix[i], 0);
            if (!zero[i]) X25519Field.Mul(running, zs[i], running);
        }
        var inverse = X25519Field.Create();
        X25519Field.InvVar(running, inverse);
        for (int i = count - 1; i >= 0; i--)
        {
            if (zero[i]) continue;
            var z = zs[i];
            var result = X25519Field.Create();
            X25519Field.Mul(inverse, prefix[i], result); // 1 / z_i
            X25519Field.Mul(inverse, z, inverse); // 1 / (z_0 ... z_(i-1))
            X25519Field.Copy(result, 0, z, 0);
        }
    }

    /// <summary>expand_message_xmd (RFC 9380 section 5.3.1) with SHA-512, filling <paramref name="output"/> (at most 255 blocks).</summary>
    internal static void ExpandMessageXmd(ReadOnlySpan<byte> message, ReadOnlySpan<byte> domain, Span<byte> output)
    {
        if (domain.Length > 255) throw new ArgumentException("A domain separation tag has at most 255 bytes.", nameof(domain));
        int blocks = (output.Length + 63) / 64;
        if (blocks > 255) throw new ArgumentException("expand_message_xmd gives at most 255 blocks.", nameof(output));
        // b0 = H(Z_pad || msg || l_i_b_str || 0 || DST'), then b_i = H((b0 xor b_(i-1)) || i || DST'), DST' = DST || len.
        int first = 128 + message.Length + 3 + domain.Length + 1;
        var rented = first > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(first) : null;
        try
        {
            Span<byte> input = rented is null ? stackalloc byte[first] : rented.AsSpan(0, first);
            input[..128].Clear();
            message.CopyTo(input[128..]);
            int at = 128 + message.Length;
            input[at++] = (byte)(output.Length >> 8);
            input[at++] = (byte)output.Length;
            input[at++] = 0;
            domain.CopyTo(input[at..]);
            input[^1] = (byte)domain.Length;
            Span<byte> b0 = stackalloc byte[64], previous = stackalloc byte[64];
            SHA512.HashData(input, b0);
            Span<byte> next = stackalloc byte[64 + 1 + domain.Length + 1];
            domain.CopyTo(next[65..]);
            next[^1] = (byte)domain.Length;
            for (int i = 1; i <= blocks; i++)
            {
                for (int j = 0; j < 64; j++) next[j] = (byte)(b0[j] ^ (i > 1 ? previous[j] : 0));
                next[64] = (byte)i;
                SHA512.HashData(next, previous);
                int offset = (i - 1) * 64;
                previous[..Math.Min(64, output.Length - offset)].CopyTo(output[offset..]);
            }
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // OS2IP(bytes) mod p, as a field element, for 48 big-endian bytes: v = H 2^256 + T 2^255 + L with H the top 16
    // bytes, T bit 255 and L the low 255 bits, and 2^256 = 38, 2^255 = 19 (mod p).
    private static int[] FieldElement(ReadOnlySpan<byte> bigEndian)
    {
        Span<byte> little = stackalloc byte[32];
        for (int i = 0; i < 32; i++) little[i] = bigEndian[47 - i];
        int top = little[31] >> 7;
        var low = X25519Field.Create();
        X25519Field.Decode255(little, low); // bit 255 left out
        little.Clear();
        for (int i = 0; i < 16; i++) little[i] = bigEndian[15 - i];
        var high = X25519Field.Create();
        X25519Field.Decode255(little, high);
        X25519Field.Mul(high, 38, high);
        X25519Field.Add(low, high, low);
        if (top != 0) AddSmall(low, 19);
        X25519Field.Normalize(low);
        return low;
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

    // (n0 / d0, y0) + (n1 / d1, y1) in projective (X : Z), no inversion: with dx = (n1 d0 - n0 d1) / D, D = d0 d1, and
    // dy = y1 - y0, the chord's x3 = (dy / dx)^2 - A - x0 - x1 = (dy^2 D^3 - (A D + n0 d1 + n1 d0) N^2) / (N^2 D) for
    // N = n1 d0 - n0 d1. Equal x (a tangent or opposite points, probability about 2^-250) takes the affine path.
    private static (int[] X, int[] Z) Add(int[] n0, int[] d0, int[] y0, int[] n1, int[] d1, int[] y1)
    {
        var n0d1 = Times(n0, d1);
        var n1d0 = Times(n1, d0);
        var dxn = X25519Field.Create();
        X25519Field.Sub(n1d0, n0d1, dxn);
        var check = X25519Field.Create();
        X25519Field.Copy(dxn, 0, check, 0);
        X25519Field.Normalize(check);
        if (X25519Field.IsZeroVar(check)) return AddAffine(n0, d0, y0, n1, d1, y1);
        var d = Times(d0, d1);
        var dy = X25519Field.Create();
        X25519Field.Sub(y1, y0, dy);
        var dy2 = X25519Field.Create();
        X25519Field.Sqr(dy, dy2);
        var d3 = X25519Field.Create();
        X25519Field.Sqr(d, d3);
        X25519Field.Mul(d3, d, d3);
        var x = Times(dy2, d3);
        var n2 = X25519Field.Create();
        X25519Field.Sqr(dxn, n2);
        var sum = X25519Field.Create();
        X25519Field.Mul(d, A, sum);
        X25519Field.Add(sum, n0d1, sum);
        X25519Field.Add(sum, n1d0, sum);
        X25519Field.Mul(sum, n2, sum);
        X25519Field.Sub(x, sum, x);
        return (x, Times(n2, d));
    }

    // The affine chord or tangent for points with equal x: one inversion for both x = n / d.
    private static (int[] X, int[] Z) AddAffine(int[] n0, int[] d0, int[] y0, int[] n1, int[] d1, int[] y1)
    {
        var inverse = X25519Field.Create();
        X25519Field.Mul(d0, d1, inverse);
        X25519Field.InvVar(inverse, inverse);
        var x0 = Times(Times(n0, d1), inverse);
        var x1 = Times(Times(n1, d0), inverse);
        return AddAffinePoints(x0, y0, x1, y1);
    }

    // (x0, y0) + (x1, y1) in projective (X : Z): the chord (or, for equal points, the tangent) through them.
    private static (int[] X, int[] Z) AddAffinePoints(int[] x0, int[] y0, int[] x1, int[] y1)
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
