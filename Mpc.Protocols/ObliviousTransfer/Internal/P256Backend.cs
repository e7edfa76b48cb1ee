using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Mpc.Protocols.ObliviousTransfer.Internal;

/// <summary>
/// The P-256 group operations the base OTs need, on SEC 1 uncompressed encodings (<see cref="P256.PointBytes"/> bytes;
/// 65 zero bytes for the point at infinity) and 32-byte big-endian scalars in [1, n). Points given to it are already
/// validated (<see cref="P256.Validate"/>) or its own results. The platform's OpenSSL where it is loadable
/// (<see cref="OpenSslP256"/>, 10-20 times faster), BouncyCastle everywhere else; both compute the same bytes.
/// </summary>
internal abstract class P256Backend
{
    /// <summary>What this process uses.</summary>
    public static P256Backend Default { get; } = (P256Backend?)OpenSslP256.TryCreate() ?? BouncyCastleP256.Instance;

    /// <summary>A name for logs and tests.</summary>
    public abstract string Name { get; }

    /// <summary><c>results[i] = scalars[i]·G</c> for every 32-byte scalar.</summary>
    public abstract void MultiplyGenerator(ReadOnlySpan<byte> scalars, Span<byte> results);

    /// <summary><c>results[i] = scalars[i]·point</c>: one point, many scalars.</summary>
    public abstract void MultiplyPoint(ReadOnlySpan<byte> point, ReadOnlySpan<byte> scalars, Span<byte> results);

    /// <summary><c>results[i] = scalar·points[i]</c>: one scalar, many points.</summary>
    public abstract void MultiplyScalar(ReadOnlySpan<byte> points, ReadOnlySpan<byte> scalar, Span<byte> results);

    /// <summary><c>results[i] = points[i] + q</c>, or <c>points[i] - q</c> when <paramref name="subtract"/>.</summary>
    public abstract void AddToEach(ReadOnlySpan<byte> points, ReadOnlySpan<byte> q, bool subtract, Span<byte> results);

    /// <summary>The number of 32-byte scalars, checking that <paramref name="results"/> holds as many points.</summary>
    protected static int CountScalars(ReadOnlySpan<byte> scalars, Span<byte> results)
    {
        int count = scalars.Length / P256.ScalarBytes;
        if (scalars.Length != count * P256.ScalarBytes || results.Length != count * P256.PointBytes)
            throw new ArgumentException($"{scalars.Length} bytes of scalars for {results.Length} bytes of points.");
        return count;
    }

    /// <summary>The number of points, checking that <paramref name="results"/> holds as many.</summary>
    protected static int CountPoints(ReadOnlySpan<byte> points, Span<byte> results)
    {
        int count = points.Length / P256.PointBytes;
        if (points.Length != count * P256.PointBytes || results.Length != points.Length)
            throw new ArgumentException($"{points.Length} bytes of points for {results.Length} bytes of results.");
        return count;
    }
}

/// <summary>
/// P-256 on BouncyCastle's specialised field arithmetic: comb multiplication for G and for a point used with many
/// scalars (its table built once), variable-base multiplication otherwise.
/// </summary>
internal sealed class BouncyCastleP256 : P256Backend
{
    public static BouncyCastleP256 Instance { get; } = new();

    private BouncyCastleP256()
    {
    }

    public override string Name => "BouncyCastle";

    public override void MultiplyGenerator(ReadOnlySpan<byte> scalars, Span<byte> results) =>
        MultiplyPoint(P256.GeneratorEncoding, scalars, results);

    public override void MultiplyPoint(ReadOnlySpan<byte> point, ReadOnlySpan<byte> scalars, Span<byte> results)
    {
        int count = CountScalars(scalars, results);
        if (count == 0) return;
        var bases = Decode(point);
        var k = Scalars(scalars, count);
        var products = new ECPoint[count];
        // Build the point's comb table once, before the threads share it.
        products[0] = P256.MultiplyFixed(bases, k[0]);
        P256.ForEachParallel(count - 1, i => products[i + 1] = P256.MultiplyFixed(bases, k[i + 1]));
        EncodeAll(products, results);
    }

    public override void MultiplyScalar(ReadOnlySpan<byte> points, ReadOnlySpan<byte> scalar, Span<byte> results)
    {
        int count = CountPoints(points, results);
        var k = new BigInteger(1, scalar);
        var inputs = new ECPoint[count];
        for (int i = 0; i < count; i++) inputs[i] = Decode(points.Slice(i * P256.PointBytes, P256.PointBytes));
        var products = new ECPoint[count];
        P256.ForEachParallel(count, i => products[i] = inputs[i].Multiply(k));
        EncodeAll(products, results);
    }

    public override void AddToEach(ReadOnlySpan<byte> points, ReadOnlySpan<byte> q, bool subtract, Span<byte> results)
    {
        int count = CountPoints(points, results);
        var other = Decode(q);
        if (subtract) other = other.Negate();
        var sums = new ECPoint[count];
        for (int i = 0; i < count; i++) sums[i] = Decode(points.Slice(i * P256.PointBytes, P256.PointBytes)).Add(other);
        EncodeAll(sums, results);
    }

    private static ECPoint Decode(ReadOnlySpan<byte> encoding)
    {
        if (encoding[0] == 0) return P256.Curve.Infinity;
        // G itself, whose comb table BouncyCastle keeps.
        if (encoding[..P256.PointBytes].SequenceEqual(P256.GeneratorEncoding)) return P256.Generator;
        return P256.Curve.DecodePoint(encoding[..P256.PointBytes].ToArray());
    }

    private static BigInteger[] Scalars(ReadOnlySpan<byte> scalars, int count)
    {
        var k = new BigInteger[count];
        for (int i = 0; i < count; i++) k[i] = new BigInteger(1, scalars.Slice(i * P256.ScalarBytes, P256.ScalarBytes));
        return k;
    }

    private static void EncodeAll(ECPoint[] points, Span<byte> results)
    {
        P256.Curve.NormalizeAll(points);
        for (int i = 0; i < points.Length; i++) P256.Encode(points[i], results.Slice(i * P256.PointBytes, P256.PointBytes));
    }
}
