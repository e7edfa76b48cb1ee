using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mpc.Net.Configuration;
using Mpc.Net.Tls;

namespace Mpc.Net.Diagnostics.Internal;

/// <summary>
/// The doctor's checks of one party's files: its certificate (readable, pinned, within its validity), its private key
/// (only its owner may read it, and it belongs to the certificate), and every peer's pinned certificate.
/// </summary>
internal sealed class FileChecks(PartyConfig party, DoctorOptions options)
{
    private readonly List<DoctorCheck> _checks = [];

    /// <summary>This party's certificate with its private key, if both passed; what the network checks present.</summary>
    public X509Certificate2? Identity { get; private set; }

    /// <summary>Runs every file check; call once.</summary>
    public IReadOnlyList<DoctorCheck> Run()
    {
        var cluster = party.Cluster;
        string me = party.Me.Label;
        if (cluster.Insecure)
        {
            _checks.Add(new DoctorCheck(me, "tls", CheckOutcome.Fail,
                "the cluster file says \"insecure\": links would be plaintext and no peer authenticated",
                $"for a real run, set \"insecure\": false in {FileName(cluster.SourceFile)}, "
                + "make keys with mpc certs and pin every certificate"));
            return _checks;
        }

        string regenerate = $"make a new key and certificate (mpc certs --cluster {FileName(cluster.SourceFile)} --force) and send the new "
            + "certificate, never the key, to every peer's operator: every cluster file pins it";
        using var certificate = CheckCertificate(me, "certificate", party.CertificatePath, whenMissing: regenerate, renew: regenerate);
        CheckPrivateKey(me, certificate);
        for (int p = 0; p < cluster.PartyCount; p++)
        {
            if (p == party.PartyId) continue;
            var peer = cluster.Parties[p];
            CheckCertificate(peer.Label, "pinned certificate", peer.CertificatePath,
                whenMissing: $"ask the operator of {peer.Label} for its certificate and put it at the path the cluster file names",
                renew: $"ask the operator of {peer.Label} for a new certificate; every party's cluster file must pin it")?.Dispose();
        }
        return _checks;
    }

    /// <summary>One certificate file's row; <paramref name="renew"/> is the advice when it expires.</summary>
    private X509Certificate2? CheckCertificate(string subject, string check, string? path, string whenMissing, string renew)
    {
        if (path is null)
        {
            _checks.Add(new DoctorCheck(subject, check, CheckOutcome.Fail, "the cluster file names no certificate",
                $"add its \"certificate\" to {FileName(party.Cluster.SourceFile)}"));
            return null;
        }
        if (!File.Exists(path))
        {
            _checks.Add(new DoctorCheck(subject, check, CheckOutcome.Fail, $"'{path}' does not exist", whenMissing));
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = CertificateFiles.LoadCertificate(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            _checks.Add(new DoctorCheck(subject, check, CheckOutcome.Fail,
                $"'{path}' is not a readable PEM certificate: {ex.Message}", whenMissing));
            return null;
        }

        var now = options.Clock.GetUtcNow();
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        string pin = CertificateFiles.Short(CertificateFiles.Sha256(certificate));
        if (now < notBefore)
        {
            _checks.Add(new DoctorCheck(subject, check, CheckOutcome.Fail,
                $"SHA-256 {pin} is not valid before {Date(notBefore)}, and this machine's clock says {Date(now)}",
                "check this machine's clock (NTP); if it is right, the certificate was made on a machine whose clock is wrong"));
        }
        else if (now > notAfter)
        {
            _checks.Add(new DoctorCheck(subject, check, CheckOutcome.Fail,
                $"SHA-256 {pin} expired on {Date(notAfter)} "
                + "(links are authenticated by the pin, but the key is past its planned life)", renew));
        }
        else if (notAfter - now < options.CertificateExpiryWarning)
        {
            _checks.Add(new DoctorCheck(subject, check, CheckOutcome.Warn,
                $"SHA-256 {pin} expires on {Date(notAfter)}, in {(notAfter - now).TotalDays:0} days", renew));
        }
        else
        {
            _checks.Add(new DoctorCheck(subject, check, CheckOutcome.Pass, $"SHA-256 {pin}, valid until {Date(notAfter)}"));
        }
        return certificate;
    }

    private void CheckPrivateKey(string me, X509Certificate2? certificate)
    {
        string? keyPath = party.PrivateKeyPath;
        if (keyPath is null)
        {
            _checks.Add(new DoctorCheck(me, "private key", CheckOutcome.Fail, "the party file names no \"privateKey\"",
                $"add \"privateKey\" to {FileName(party.SourceFile)}"));
            return;
        }
        if (!File.Exists(keyPath))
        {
            _checks.Add(new DoctorCheck(me, "private key", CheckOutcome.Fail, $"'{keyPath}' does not exist",
                "the key is made with the certificate (mpc certs) on this machine and never leaves it"));
            return;
        }
        bool ownerOnly = CertificateFiles.IsOwnerOnly(keyPath, out var bits);
        string mode = bits == 0 ? "" : CertificateFiles.Octal(bits);
        if (!ownerOnly)
        {
            _checks.Add(new DoctorCheck(me, "private key", CheckOutcome.Fail,
                $"'{keyPath}' has mode {mode}: other users of this machine can use it (mpc party refuses it)",
                $"chmod 600 '{keyPath}'"));
            return;
        }
        if (certificate is null)
        {
            _checks.Add(new DoctorCheck(me, "private key", CheckOutcome.Skip,
                "cannot be matched: the certificate is not usable (see above)"));
            return;
        }
        try
        {
            Identity = CertificateFiles.LoadWithKey(party.CertificatePath!, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            _checks.Add(new DoctorCheck(me, "private key", CheckOutcome.Fail,
                $"'{keyPath}' does not load with the certificate: {ex.Message}",
                "the key and the certificate must be made together (mpc certs); if the certificate was replaced, use its key"));
            return;
        }
        string algorithm = Identity.GetECDsaPublicKey() is { } ec ? $"ECDSA P-{ec.KeySize}" : Identity.PublicKey.Oid.FriendlyName ?? "key";
        _checks.Add(new DoctorCheck(me, "private key", CheckOutcome.Pass,
            $"{algorithm}, belongs to the certificate" + (mode.Length > 0 ? $", mode {mode}" : "")));
    }

    private static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string FileName(string? path) => path is null ? "the cluster file" : Path.GetFileName(path);
}
