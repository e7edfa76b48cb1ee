using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Mpc.Protocols.SetIntersection;

/// <summary>
/// X25519 (RFC 7748) of one secret scalar with many points, on all cores: the platform's OpenSSL where it loads (its
/// assembly-optimised ladder, about 2.4 times BouncyCastle's speed here), BouncyCastle everywhere else; both compute
/// the same bytes (tested). Scalars are clamped as RFC 7748 says, so every result lies in the prime-order subgroup.
/// </summary>
public abstract class X25519Backend
{
    /// <summary>Bytes of a scalar and of a point.</summary>
    public const int Bytes = 32;

    /// <summary>What this process uses.</summary>
    public static X25519Backend Default { get; } = (X25519Backend?)OpenSslX25519.TryCreate() ?? BouncyCastleX25519.Instance;

    /// <summary>BouncyCastle's, for tests and for platforms without OpenSSL 3.</summary>
    public static X25519Backend Portable => BouncyCastleX25519.Instance;

    /// <summary>A name for logs and benchmarks.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// <c>results[i] = X25519(scalar, points[i])</c> for the <paramref name="count"/> points from <paramref name="offset"/>
    /// (in points). False where a result is all zeros (a point of small order: never from an honest party).
    /// </summary>
    public bool Multiply(byte[] scalar, byte[] points, int offset, int count, byte[] results)
    {
        if (scalar.Length != Bytes) throw new ArgumentException("An X25519 scalar has 32 bytes.", nameof(scalar));
        if ((long)(offset + count) * Bytes > points.Length || (long)(offset + count) * Bytes > results.Length)
            throw new ArgumentException("The points or results are shorter than offset + count points.");
        int bad = 0;
        int partitions = Math.Min(Environment.ProcessorCount, Math.Max(1, count / 64));
        Parallel.For(0, partitions, p =>
        {
            int first = offset + (int)((long)count * p / partitions), last = offset + (int)((long)count * (p + 1) / partitions);
            if (!MultiplyRange(scalar, points, first, last - first, results)) Interlocked.Exchange(ref bad, 1);
        });
        return bad == 0;
    }

    /// <summary>One thread's share of <see cref="Multiply"/>.</summary>
    protected abstract bool MultiplyRange(byte[] scalar, byte[] points, int offset, int count, byte[] results);

    /// <summary>True when the 32 bytes at <paramref name="offset"/> are all zero.</summary>
    protected static bool IsZero(byte[] bytes, int offset)
    {
        int any = 0;
        for (int i = 0; i < Bytes; i++) any |= bytes[offset + i];
        return any == 0;
    }
}

/// <summary>X25519 on BouncyCastle's constant-time ladder.</summary>
internal sealed class BouncyCastleX25519 : X25519Backend
{
    public static BouncyCastleX25519 Instance { get; } = new();

    public override string Name => "BouncyCastle";

    protected override bool MultiplyRange(byte[] scalar, byte[] points, int offset, int count, byte[] results)
    {
        bool ok = true;
        for (int i = offset; i < offset + count; i++)
        {
            X25519.ScalarMult(scalar, 0, points, i * Bytes, results, i * Bytes);
            ok &= !IsZero(results, i * Bytes);
        }
        return ok;
    }
}

/// <summary>
/// X25519 through the platform's OpenSSL (libcrypto 3, which .NET's own cryptography uses on Linux): one derivation
/// context per thread holds the scalar, each point becomes a raw public key and is derived against it.
/// </summary>
internal sealed unsafe class OpenSslX25519 : X25519Backend
{
    private const int X25519Id = 1034; // EVP_PKEY_X25519 = NID_X25519

    private readonly delegate* unmanaged<int, nint, byte*, nuint, nint> _newPrivate;
    private readonly delegate* unmanaged<int, nint, byte*, nuint, nint> _newPublic;
    private readonly delegate* unmanaged<nint, void> _free;
    private readonly delegate* unmanaged<nint, nint, nint> _contextNew;
    private readonly delegate* unmanaged<nint, void> _contextFree;
    private readonly delegate* unmanaged<nint, int> _deriveInit;
    private readonly delegate* unmanaged<nint, nint, int, int> _setPeer;
    private readonly delegate* unmanaged<nint, byte*, nuint*, int> _derive;
    private readonly delegate* unmanaged<nint, byte*, nuint, int> _setPublic;

    private OpenSslX25519(nint library)
    {
        nint Export(string name) => NativeLibrary.GetExport(library, name);
        _newPrivate = (delegate* unmanaged<int, nint, byte*, nuint, nint>)Export("EVP_PKEY_new_raw_private_key");
        _newPublic = (delegate* unmanaged<int, nint, byte*, nuint, nint>)Export("EVP_PKEY_new_raw_public_key");
        _free = (delegate* unmanaged<nint, void>)Export("EVP_PKEY_free");
        _contextNew = (delegate* unmanaged<nint, nint, nint>)Export("EVP_PKEY_CTX_new");
        _contextFree = (delegate* unmanaged<nint, void>)Export("EVP_PKEY_CTX_free");
        _deriveInit = (delegate* unmanaged<nint, int>)Export("EVP_PKEY_derive_init");
        // Without the peer check: X25519 takes any 32 bytes, and a small-order point shows as an all-zero result.
        _setPeer = (delegate* unmanaged<nint, nint, int, int>)Export("EVP_PKEY_derive_set_peer_ex");
        _derive = (delegate* unmanaged<nint, byte*, nuint*, int>)Export("EVP_PKEY_derive");
        _setPublic = (delegate* unmanaged<nint, byte*, nuint, int>)Export("EVP_PKEY_set1_encoded_public_key");
    }

    public override string Name => "OpenSSL";

    /// <summary>The backend, or null where libcrypto 3 cannot be loaded or disagrees with BouncyCastle.</summary>
    public static OpenSslX25519? TryCreate()
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (string name in new[] { "libcrypto.so.3", "libcrypto.so" })
        {
            if (!NativeLibrary.TryLoad(name, out nint library)) continue;
            try
            {
                var backend = new OpenSslX25519(library);
                if (backend.AgreesWithBouncyCastle()) return backend;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or CryptographicException)
            {
                // Not an OpenSSL 3 libcrypto: BouncyCastle does the work.
            }
        }
        return null;
    }

    private bool AgreesWithBouncyCastle()
    {
        var scalar = RandomNumberGenerator.GetBytes(Bytes);
        var points = new byte[4 * Bytes];
        for (int i = 0; i < 4; i++) X25519.ScalarMultBase(RandomNumberGenerator.GetBytes(Bytes), 0, points, i * Bytes);
        byte[] mine = new byte[points.Length], theirs = new byte[points.Length];
        return MultiplyRange(scalar, points, 0, 4, mine) && BouncyCastleX25519.Instance.Multiply(scalar, points, 0, 4, theirs)
            && mine.AsSpan().SequenceEqual(theirs);
    }

    protected override bool MultiplyRange(byte[] scalar, byte[] points, int offset, int count, byte[] results)
    {
        nint key, context = 0;
        fixed (byte* k = scalar)
        {
            key = _newPrivate(X25519Id, 0, k, Bytes);
        }
        if (key == 0) throw new CryptographicException("EVP_PKEY_new_raw_private_key failed");
        try
        {
            context = _contextNew(key, 0);
            if (context == 0 || _deriveInit(context) != 1) throw new CryptographicException("EVP_PKEY_derive_init failed");
            bool ok = true;
            fixed (byte* input = points, output = results)
            {
                // One peer key object, its bytes replaced for each point.
                nint peer = _newPublic(X25519Id, 0, input + (long)offset * Bytes, Bytes);
                if (peer == 0) throw new CryptographicException("EVP_PKEY_new_raw_public_key failed");
                try
                {
                    for (int i = offset; i < offset + count; i++)
                    {
                        nuint length = Bytes;
                        // OpenSSL refuses an all-zero result (a small-order point): reported like BouncyCastle's zeros.
                        if (_setPublic(peer, input + (long)i * Bytes, Bytes) != 1 || _setPeer(context, peer, 0) != 1
                            || _derive(context, output + (long)i * Bytes, &length) != 1 || length != Bytes)
                        {
                            new Span<byte>(output + (long)i * Bytes, Bytes).Clear();
                            ok = false;
                        }
                    }
                }
                finally
                {
                    _free(peer);
                }
            }
            return ok;
        }
        finally
        {
            if (context != 0) _contextFree(context);
            _free(key);
        }
    }
}
