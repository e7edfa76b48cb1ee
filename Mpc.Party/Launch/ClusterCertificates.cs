using Mpc.Net.Configuration;
using Mpc.Net.Tls;

namespace Mpc.Party.Launch;

/// <summary>Generates a cluster's self-signed party certificates and keys (ECDSA P-256, PEM, keys mode 0600).</summary>
internal static class ClusterCertificates
{
    /// <summary>
    /// Where a party's certificate and key go: the paths its files name, or file names under
    /// <paramref name="outDirectory"/>.
    /// </summary>
    public static (string Certificate, string Key) PathsFor(ClusterConfig cluster, int party, PartyConfig? partyConfig,
        string? outDirectory)
    {
        var entry = cluster.Parties[party];
        string certificate = entry.CertificatePath
            ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cluster.SourceFile ?? "."))!, $"{entry.Name}.crt.pem");
        string key = partyConfig?.PrivateKeyPath ?? DefaultKeyPath(certificate);
        if (outDirectory is not null)
        {
            certificate = Path.Combine(outDirectory, Path.GetFileName(certificate));
            key = Path.Combine(outDirectory, Path.GetFileName(key));
        }
        return (Path.GetFullPath(certificate), Path.GetFullPath(key));
    }

    private static string DefaultKeyPath(string certificate)
    {
        string name = Path.GetFileName(certificate);
        foreach (var suffix in new[] { ".crt.pem", ".cert.pem", ".pem", ".crt" })
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                return Path.Combine(Path.GetDirectoryName(certificate)!, name[..^suffix.Length] + ".key.pem");
        }
        return certificate + ".key.pem";
    }

    /// <summary>
    /// For <c>mpc launch</c>: makes sure every party's certificate and key exist. On an all-loopback cluster the
    /// missing ones are generated (and reported through <paramref name="report"/>); anywhere else a missing file is an error.
    /// </summary>
    /// <exception cref="ConfigException">A file is missing on a cluster that is not all on loopback.</exception>
    public static void EnsureForLaunch(ClusterConfig cluster, IReadOnlyList<PartyConfig> parties, Action<string> report)
    {
        for (int i = 0; i < cluster.PartyCount; i++)
        {
            var party = parties[i];
            var (certificate, key) = PathsFor(cluster, i, party, null);
            if (party.CertificatePath is { } named && !string.Equals(Path.GetFullPath(named), certificate, StringComparison.Ordinal))
                throw new ConfigException(party.SourceFile ?? "(in memory)", "certificate",
                    $"names '{named}' but the cluster file names '{certificate}' for party {i}");
            bool haveCertificate = File.Exists(certificate), haveKey = File.Exists(key);
            if (haveCertificate && haveKey) continue;
            if (!cluster.IsAllLoopback)
            {
                var (file, field, path) = haveCertificate
                    ? (party.SourceFile ?? "(in memory)", "privateKey", key)
                    : (cluster.SourceFile ?? "(in memory)", $"parties[{i}].certificate", certificate);
                throw new ConfigException(file, field, $"file '{path}' does not exist " +
                    $"(create the cluster's keys and certificates with: mpc certs --cluster {cluster.SourceFile})");
            }
            CertificateFiles.Generate(cluster.Parties[i].Name, cluster.Parties[i].Host, certificate, key);
            report($"generated a test certificate and key for party {i} ({cluster.Parties[i].Name}): {certificate}, {key}");
        }
    }
}
