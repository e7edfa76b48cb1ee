using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mpc.Net.Configuration;
using Mpc.Net.Tls;

namespace Mpc.Net.Internal;

/// <summary>
/// What a connection must prove to party <paramref name="me"/> of <paramref name="cluster"/> before anything it says is
/// believed: a pinned certificate (a dialer's is one of the parties that dial <paramref name="me"/>, a server's the
/// dialed party's), then a hello of the same wire version, session and cluster config that names the right parties.
/// </summary>
internal sealed class PeerCredentials(ClusterConfig cluster, int me)
{
    private readonly int _me = me;
    private readonly ClusterConfig _cluster = cluster;
    private readonly byte[] _configHash = cluster.ComputeHash();
    private readonly Dictionary<string, byte[]> _fieldHashes = FieldHashes(cluster);

    /// <summary>My hello to party <paramref name="to"/>.</summary>
    public byte[] Hello(int to) =>
        ControlMessages.Encode(new HelloMessage(ControlMessages.Magic, ControlMessages.Version, _cluster.SessionId, _me,
            to, _configHash, _fieldHashes));

    /// <summary>Null if <paramref name="certificate"/> is pinned for a party that dials this one; else why not (for the log).</summary>
    public string? CheckDialer(X509Certificate? certificate)
    {
        if (certificate is null) return "it presented no client certificate";
        if (DialerOf(certificate) >= 0) return null;
        return $"its certificate (SHA-256 {CertificateFiles.Short(CertificateFiles.Sha256(certificate))}) "
            + $"is not pinned for any party that dials party {_me}"
            + $" (parties {_me + 1}..{_cluster.PartyCount - 1})";
    }

    /// <summary>The party that dials us whose pinned certificate <paramref name="certificate"/> is, or -1.</summary>
    public int DialerOf(X509Certificate? certificate)
    {
        if (certificate is null) return -1;
        var fingerprint = CertificateFiles.Sha256(certificate);
        for (int p = _me + 1; p < _cluster.PartyCount; p++)
            if (_cluster.Parties[p].CertificateSha256 is { } pin && CryptographicOperations.FixedTimeEquals(pin, fingerprint)) return p;
        return -1;
    }

    /// <summary>
    /// The first failed check of an authenticated peer's Hello, in the order magic, version, session, config, ids
    /// (the peer's certificate was checked during TLS).
    /// </summary>
    public (HandshakeMismatch Mismatch, string Detail)? CheckHello(HelloMessage hello, int expectedFrom)
    {
        if (hello.Magic != ControlMessages.Magic)
            return (HandshakeMismatch.Magic, $"expected magic '{ControlMessages.Magic}', got '{hello.Magic}'");
        if (hello.Version != ControlMessages.Version)
            return (HandshakeMismatch.Version,
                $"party {_me} speaks wire version {ControlMessages.Version}, party {expectedFrom} speaks {hello.Version}");
        if (hello.SessionId != _cluster.SessionId)
            return (HandshakeMismatch.SessionId,
                $"party {_me} runs session '{_cluster.SessionId}', party {expectedFrom} runs session '{hello.SessionId}'");
        if (!hello.ConfigHash.AsSpan().SequenceEqual(_configHash))
            return (HandshakeMismatch.ConfigHash,
                $"party {_me} and party {expectedFrom} loaded different cluster configs: "
                + $"they differ in {DescribeDifferences(hello.FieldHashes)} "
                + $"(config hashes {CertificateFiles.Short(_configHash)} and {CertificateFiles.Short(hello.ConfigHash)})");
        if (hello.FromParty != expectedFrom)
            return (HandshakeMismatch.PartyId, _cluster.Insecure
                ? $"party {_me} dialed party {expectedFrom} but was answered by party {hello.FromParty}"
                : $"the connection authenticated as party {expectedFrom} ({NameOf(expectedFrom)}) says it is party {hello.FromParty}");
        if (hello.ToParty != _me)
            return (HandshakeMismatch.PartyId,
                $"party {expectedFrom} wanted party {hello.ToParty} but reached party {_me} ({NameOf(_me)})");
        return null;
    }

    /// <summary>The field paths whose hashes differ, or that only one side has (at most 10 named).</summary>
    private string DescribeDifferences(IReadOnlyDictionary<string, byte[]> theirs)
    {
        var differing = _fieldHashes.Where(f => !theirs.TryGetValue(f.Key, out var h) || !h.AsSpan().SequenceEqual(f.Value))
            .Select(f => f.Key)
            .Concat(theirs.Keys.Where(k => !_fieldHashes.ContainsKey(k)))
            .ToList();
        if (differing.Count == 0) return "fields this version cannot name";
        return differing.Count <= 10
            ? string.Join(", ", differing)
            : $"{string.Join(", ", differing.Take(10))} and {differing.Count - 10} more fields";
    }

    /// <summary>An 8-byte hash of each field of the cluster, by its path: enough to tell which differ, not to recover a value.</summary>
    internal static Dictionary<string, byte[]> FieldHashes(ClusterConfig cluster)
    {
        var hashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, value) in cluster.CanonicalFields())
            hashes[path] = SHA256.HashData(Encoding.UTF8.GetBytes($"mpc-cluster-field/1\n{path}\n{value}"))[..8];
        return hashes;
    }

    /// <summary>
    /// Null if a dialed server's <paramref name="certificate"/> is the one the cluster file pins for <paramref name="peer"/>; else why not.
    /// </summary>
    public string? CheckServer(int peer, X509Certificate? certificate)
    {
        var expected = _cluster.Parties[peer].CertificateSha256;
        if (certificate is null) return $"party {peer} presented no certificate";
        var actual = CertificateFiles.Sha256(certificate);
        if (expected is null || !actual.AsSpan().SequenceEqual(expected))
            return $"it presented a certificate with SHA-256 {CertificateFiles.Short(actual)}, "
                + $"but the cluster file names {CertificateFiles.Short(expected)} for party {peer} ({NameOf(peer)})";
        return null;
    }

    private string NameOf(int party) => (uint)party < (uint)_cluster.PartyCount ? _cluster.Parties[party].Name : "unknown";
}
