using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Mpc.Net.Internal;

/// <summary>
/// The TLS every link uses, the mesh's and the doctor's alike: TLS 1.3 only, mutual, no revocation lookups (a
/// certificate is trusted by its pin, which <c>accept</c> checks during the handshake), and the suites below.
/// </summary>
internal static class PinnedTls
{
    /// <summary>
    /// TLS 1.3 suites, AES-128-GCM first: the protocols above run at computational security 128 (OT extension,
    /// garbling), so AES-256 would cost bulk throughput without raising the system's security. Null where the
    /// platform does not let us choose (then the platform's TLS 1.3 defaults apply).
    /// </summary>
    private static readonly CipherSuitesPolicy? CipherSuites = CreateCipherSuitesPolicy();

    /// <summary>A listener's options: a client certificate is required, and <paramref name="accept"/> decides on it.</summary>
    public static SslServerAuthenticationOptions Server(SslStreamCertificateContext? mine, Func<X509Certificate?, bool> accept,
        SslApplicationProtocol? protocol = null) => new()
    {
        ServerCertificateContext = mine,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CipherSuitesPolicy = CipherSuites,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ApplicationProtocols = protocol is { } p ? [p] : null,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => accept(certificate),
    };

    /// <summary>
    /// A dialer's options towards <paramref name="host"/>: <paramref name="accept"/> decides on the server's certificate.
    /// </summary>
    public static SslClientAuthenticationOptions Client(string host, SslStreamCertificateContext? mine,
        Func<X509Certificate?, bool> accept, SslApplicationProtocol? protocol = null) => new()
    {
        TargetHost = host,
        ClientCertificateContext = mine,
        EnabledSslProtocols = SslProtocols.Tls13,
        CipherSuitesPolicy = CipherSuites,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ApplicationProtocols = protocol is { } p ? [p] : null,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => accept(certificate),
    };

    private static CipherSuitesPolicy? CreateCipherSuitesPolicy()
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            return new CipherSuitesPolicy(
            [
                TlsCipherSuite.TLS_AES_128_GCM_SHA256,
                TlsCipherSuite.TLS_AES_256_GCM_SHA384,
                TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            ]);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }
}
