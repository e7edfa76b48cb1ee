using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mpc.Net.Tls;

/// <summary>
/// Self-signed party certificates: ECDSA P-256 keys, PEM files (private keys written with mode 0600),
/// and the SHA-256 fingerprints that clusters pin.
/// </summary>
public static class CertificateFiles
{
    /// <summary>
    /// Creates a self-signed certificate with a fresh ECDSA P-256 key for a party called <paramref name="partyName"/>
    /// listening on <paramref name="host"/>.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string partyName, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=mpc party {partyName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var address)) san.AddIpAddress(address);
        else san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }

    /// <summary>
    /// Writes the certificate as PEM to <paramref name="certificatePath"/> and its private key (PKCS#8 PEM, mode 0600)
    /// to <paramref name="keyPath"/>.
    /// </summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificate));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(certificatePath))!);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyPath))!);
        var keyOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(keyPath, keyOptions))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Write('\n');
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>Creates a party's key and self-signed certificate and writes both as PEM.</summary>
    public static void Generate(string partyName, string host, string certificatePath, string keyPath)
    {
        using var certificate = CreateSelfSigned(partyName, host);
        WritePem(certificate, certificatePath, keyPath);
    }

    /// <summary>Loads a PEM certificate (no key).</summary>
    public static X509Certificate2 LoadCertificate(string certificatePath) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));

    /// <summary>Loads a PEM certificate with its PEM private key, usable for TLS.</summary>
    public static X509Certificate2 LoadWithKey(string certificatePath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    /// <summary>
    /// Whether only the file's owner may access the private key file at <paramref name="keyPath"/>, and its mode
    /// (<paramref name="mode"/> 0 on Windows, where file modes do not apply). A key other users can read is as good as
    /// published: <c>mpc</c> refuses it, as ssh does.
    /// </summary>
    public static bool IsOwnerOnly(string keyPath, out UnixFileMode mode)
    {
        mode = 0;
        if (OperatingSystem.IsWindows()) return true;
        mode = File.GetUnixFileMode(keyPath);
        return (mode & GroupOrOther) == 0;
    }

    /// <summary>A file mode in the octal form chmod takes.</summary>
    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The SHA-256 fingerprint of the certificate's DER encoding: the value a cluster pins.</summary>
    public static byte[] Sha256(X509Certificate certificate) => certificate.GetCertHash(HashAlgorithmName.SHA256);

    /// <summary>A fingerprint for people: the first 8 bytes in hex.</summary>
    public static string Short(ReadOnlySpan<byte> fingerprint) =>
        fingerprint.IsEmpty ? "(none)" : Convert.ToHexStringLower(fingerprint[..Math.Min(8, fingerprint.Length)]) + "…";
}
