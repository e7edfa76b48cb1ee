using System.Runtime.InteropServices;

namespace Mpc.Protocols.ObliviousTransfer.Internal;

/// <summary>
/// P-256 through the platform's OpenSSL (libcrypto 3, the library .NET's own TLS and cryptography use on Linux): its
/// <c>EC_POINT_mul</c> is the constant-time, assembly-optimised nistz256 code (Gueron and Krasnov), about 30 µs per
/// variable-base multiplication here against 350-700 µs for BouncyCastle's. Only the group operations are taken from
/// it; scalars come from our generator, received points are validated by <see cref="P256.Validate"/> first, and the
/// results are the same bytes BouncyCastle computes (tested).
/// </summary>
internal sealed unsafe class OpenSslP256 : P256Backend
{
    private const int NidPrime256V1 = 415;
    private const int UncompressedForm = 4;

    private readonly nint _group;
    private readonly delegate* unmanaged<nint> _ctxNew;
    private readonly delegate* unmanaged<nint, void> _ctxFree;
    private readonly delegate* unmanaged<nint, nint> _pointNew;
    private readonly delegate* unmanaged<nint, void> _pointClearFree;
    private readonly delegate* unmanaged<byte*, int, nint, nint> _bin2bn;
    private readonly delegate* unmanaged<nint, void> _bnClearFree;
    private readonly delegate* unmanaged<nint, nint, nint, nint, nint, nint, int> _mul;
    private readonly delegate* unmanaged<nint, nint, nint, nint, nint, int> _add;
    private readonly delegate* unmanaged<nint, nint, nint, int> _invert;
    private readonly delegate* unmanaged<nint, nint, byte*, nuint, nint, int> _oct2point;
    private readonly delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint> _point2oct;
    private readonly delegate* unmanaged<nint, nint, int> _isAtInfinity;

    private OpenSslP256(nint library)
    {
        nint Export(string name) => NativeLibrary.GetExport(library, name);
        _ctxNew = (delegate* unmanaged<nint>)Export("BN_CTX_new");
        _ctxFree = (delegate* unmanaged<nint, void>)Export("BN_CTX_free");
        _pointNew = (delegate* unmanaged<nint, nint>)Export("EC_POINT_new");
        _pointClearFree = (delegate* unmanaged<nint, void>)Export("EC_POINT_clear_free");
        _bin2bn = (delegate* unmanaged<byte*, int, nint, nint>)Export("BN_bin2bn");
        _bnClearFree = (delegate* unmanaged<nint, void>)Export("BN_clear_free");
        _mul = (delegate* unmanaged<nint, nint, nint, nint, nint, nint, int>)Export("EC_POINT_mul");
        _add = (delegate* unmanaged<nint, nint, nint, nint, nint, int>)Export("EC_POINT_add");
        _invert = (delegate* unmanaged<nint, nint, nint, int>)Export("EC_POINT_invert");
        _oct2point = (delegate* unmanaged<nint, nint, byte*, nuint, nint, int>)Export("EC_POINT_oct2point");
        _point2oct = (delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint>)Export("EC_POINT_point2oct");
        _isAtInfinity = (delegate* unmanaged<nint, nint, int>)Export("EC_POINT_is_at_infinity");
        var groupNew = (delegate* unmanaged<int, nint>)Export("EC_GROUP_new_by_curve_name");
        // The group lives as long as the process: it is shared, read-only, by every thread.
        _group = groupNew(NidPrime256V1);
        if (_group == 0) throw new InvalidOperationException("libcrypto has no P-256 group");
    }

    public override string Name => "OpenSSL";

    /// <summary>The backend, or null where libcrypto 3 cannot be loaded (not Linux, or no OpenSSL 3).</summary>
    public static OpenSslP256? TryCreate()
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (string name in new[] { "libcrypto.so.3", "libcrypto.so" })
        {
            if (NativeLibrary.TryLoad(name, out nint library) && TryCreate(library) is { } backend) return backend;
        }
        return null;
    }

    /// <summary>The backend over a loaded library, if it is an OpenSSL 3 libcrypto that computes 2·G as BouncyCastle does.</summary>
    private static OpenSslP256? TryCreate(nint library)
    {
        try
        {
            var backend = new OpenSslP256(library);
            var two = new byte[P256.ScalarBytes];
            two[^1] = 2;
            byte[] mine = new byte[P256.PointBytes], theirs = new byte[P256.PointBytes];
            backend.MultiplyGenerator(two, mine);
            BouncyCastleP256.Instance.MultiplyGenerator(two, theirs);
            return mine.AsSpan().SequenceEqual(theirs) ? backend : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or InvalidOperationException)
        {
            // Not an OpenSSL 3 libcrypto: BouncyCastle does the work.
            return null;
        }
    }

    public override void MultiplyGenerator(ReadOnlySpan<byte> scalars, Span<byte> results) =>
        MultiplyEach(CountScalars(scalars, results), points: default, pointStride: 0, scalars, P256.ScalarBytes, results);

    public override void MultiplyPoint(ReadOnlySpan<byte> point, ReadOnlySpan<byte> scalars, Span<byte> results) =>
        MultiplyEach(CountScalars(scalars, results), point[..P256.PointBytes], pointStride: 0, scalars, P256.ScalarBytes, results);

    public override void MultiplyScalar(ReadOnlySpan<byte> points, ReadOnlySpan<byte> scalar, Span<byte> results) =>
        MultiplyEach(CountPoints(points, results), points, P256.PointBytes, scalar[..P256.ScalarBytes], scalarStride: 0, results);

    /// <summary>
    /// <c>results[i] = scalar_i·point_i</c>, point i at <c>i * pointStride</c> (G when <paramref name="points"/> is empty)
    /// and scalar i at <c>i * scalarStride</c>: a stride of 0 shares one among all.
    /// </summary>
    private void MultiplyEach(int count, ReadOnlySpan<byte> points, int pointStride, ReadOnlySpan<byte> scalars, int scalarStride,
        Span<byte> results)
    {
        byte[]? p = points.IsEmpty ? null : points.ToArray();
        byte[] k = scalars.ToArray(), output = new byte[count * P256.PointBytes];
        try
        {
            P256.ForEachParallel(count, i => Run(output.AsSpan(i * P256.PointBytes, P256.PointBytes), (ctx, r) =>
            {
                nint q = p is null ? 0 : Load(ctx, p.AsSpan(i * pointStride, P256.PointBytes));
                try
                {
                    Multiply(ctx, r, k.AsSpan(i * scalarStride, P256.ScalarBytes), q);
                }
                finally
                {
                    if (q != 0) _pointClearFree(q);
                }
            }));
            output.CopyTo(results);
        }
        finally
        {
            Array.Clear(k);
            Array.Clear(output);
        }
    }

    public override void AddToEach(ReadOnlySpan<byte> points, ReadOnlySpan<byte> q, bool subtract, Span<byte> results)
    {
        int count = CountPoints(points, results);
        nint ctx = _ctxNew();
        nint other = 0, point = 0, sum = 0;
        try
        {
            if (ctx == 0) throw new OutOfMemoryException("BN_CTX_new failed");
            other = Load(ctx, q);
            if (subtract) Check(_invert(_group, other, ctx), "EC_POINT_invert");
            point = New();
            sum = New();
            for (int i = 0; i < count; i++)
            {
                fixed (byte* encoding = points.Slice(i * P256.PointBytes, P256.PointBytes))
                {
                    Decode(ctx, point, encoding);
                }
                Check(_add(_group, sum, point, other, ctx), "EC_POINT_add");
                Encode(ctx, sum, results.Slice(i * P256.PointBytes, P256.PointBytes));
            }
        }
        finally
        {
            if (sum != 0) _pointClearFree(sum);
            if (point != 0) _pointClearFree(point);
            if (other != 0) _pointClearFree(other);
            if (ctx != 0) _ctxFree(ctx);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a fresh context and result point, then encodes the result into <paramref name="output"/>.
    /// </summary>
    private void Run(Span<byte> output, Action<nint, nint> body)
    {
        nint ctx = _ctxNew();
        nint result = 0;
        try
        {
            if (ctx == 0) throw new OutOfMemoryException("BN_CTX_new failed");
            result = New();
            body(ctx, result);
            Encode(ctx, result, output);
        }
        finally
        {
            if (result != 0) _pointClearFree(result);
            if (ctx != 0) _ctxFree(ctx);
        }
    }

    /// <summary>r = k·G (<paramref name="point"/> 0) or r = k·point.</summary>
    private void Multiply(nint ctx, nint r, ReadOnlySpan<byte> scalar, nint point)
    {
        nint k;
        fixed (byte* bytes = scalar)
        {
            k = _bin2bn(bytes, scalar.Length, 0);
        }
        if (k == 0) throw new OutOfMemoryException("BN_bin2bn failed");
        try
        {
            int ok = point == 0 ? _mul(_group, r, k, 0, 0, ctx) : _mul(_group, r, 0, point, k, ctx);
            Check(ok, "EC_POINT_mul");
        }
        finally
        {
            _bnClearFree(k);
        }
    }

    private nint New()
    {
        nint point = _pointNew(_group);
        if (point == 0) throw new OutOfMemoryException("EC_POINT_new failed");
        return point;
    }

    private nint Load(nint ctx, ReadOnlySpan<byte> encoding)
    {
        nint point = New();
        try
        {
            fixed (byte* bytes = encoding)
            {
                Decode(ctx, point, bytes);
            }
            return point;
        }
        catch
        {
            _pointClearFree(point);
            throw;
        }
    }

    /// <summary>Sets <paramref name="point"/> from a validated encoding (65 zero bytes: the point at infinity).</summary>
    private void Decode(nint ctx, nint point, byte* encoding)
    {
        // OpenSSL's encoding of the point at infinity is the single byte 0.
        nuint length = encoding[0] == 0 ? 1 : (nuint)P256.PointBytes;
        Check(_oct2point(_group, point, encoding, length, ctx), "EC_POINT_oct2point");
    }

    private void Encode(nint ctx, nint point, Span<byte> destination)
    {
        if (_isAtInfinity(_group, point) == 1)
        {
            destination[..P256.PointBytes].Clear();
            return;
        }
        fixed (byte* bytes = destination)
        {
            nuint written = _point2oct(_group, point, UncompressedForm, bytes, (nuint)P256.PointBytes, ctx);
            if (written != (nuint)P256.PointBytes) throw new InvalidOperationException("EC_POINT_point2oct failed");
        }
    }

    private static void Check(int result, string function)
    {
        if (result != 1) throw new InvalidOperationException($"{function} failed");
    }
}
