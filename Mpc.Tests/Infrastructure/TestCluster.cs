using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mpc.Net;
using Mpc.Net.Configuration;
using Mpc.Net.Tls;

namespace Mpc.Tests.Infrastructure;

/// <summary>
/// A cluster on 127.0.0.1 with ephemeral ports, and (for TLS) fresh self-signed certificates generated at test time
/// into a temporary folder that is deleted afterwards. Never uses the repository's certs folder.
/// </summary>
public sealed class TestCluster : IDisposable
{
    private TestCluster(string directory, ClusterConfig cluster, PartyIdentity[] identities)
    {
        Directory = directory;
        Cluster = cluster;
        Identities = identities;
    }

    public string Directory { get; }

    public ClusterConfig Cluster { get; }

    public PartyIdentity[] Identities { get; }

    public int PartyCount => Cluster.PartyCount;

    /// <summary>
    /// <paramref name="partyCount"/> computing parties, and with <paramref name="dealer"/> a dealer member ("dealer", the
    /// next id) after them; TLS with fresh certificates unless <paramref name="tls"/> is false.
    /// </summary>
    public static TestCluster Create(int partyCount, bool tls, TimeSpan? receiveTimeout = null, TimeSpan? connectTimeout = null,
        string sessionId = "test", bool dealer = false)
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpc-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        int computing = partyCount;
        if (dealer) partyCount++;
        int[] ports = FreePorts.Allocate(partyCount);
        var identities = new PartyIdentity[partyCount];
        var parties = new ClusterParty[partyCount];
        for (int i = 0; i < partyCount; i++)
        {
            X509Certificate2? certificate = tls ? CertificateFiles.CreateSelfSigned($"p{i}", "127.0.0.1") : null;
            identities[i] = new PartyIdentity(i, certificate);
            parties[i] = new ClusterParty
            {
                Id = i,
                Name = i < computing ? $"p{i}" : "dealer",
                Role = i < computing ? PartyRole.Compute : PartyRole.Dealer,
                Host = "127.0.0.1",
                Port = ports[i],
                CertificateSha256 = certificate is null ? null : CertificateFiles.Sha256(certificate),
            };
        }
        var cluster = new ClusterConfig
        {
            SessionId = sessionId,
            Parties = parties,
            Insecure = !tls,
            ReceiveTimeout = receiveTimeout ?? TimeSpan.FromSeconds(10),
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(15),
        };
        return new TestCluster(directory, cluster, identities);
    }

    /// <summary>Connects every party in this process; element i is party i.</summary>
    public async Task<IPartyNetwork[]> ConnectAllAsync(CancellationToken ct = default)
    {
        var tasks = Enumerable.Range(0, PartyCount).Select(i => TcpMesh.ConnectAsync(Cluster, Identities[i], null, ct)).ToArray();
        try
        {
            return await Task.WhenAll(tasks);
        }
        catch
        {
            foreach (var t in tasks)
            {
                if (t.IsCompletedSuccessfully) await t.Result.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>
    /// Writes the cluster as files (cluster.json, p{i}.json, certs/ with PEM certificates and keys) and returns the
    /// cluster file's path. <paramref name="editParty"/> edits the computing parties' files (the dealer's has no data).
    /// With <paramref name="writeCertificates"/> false the certificate files are left for <c>mpc launch</c> to
    /// generate.
    /// </summary>
    public string WriteFiles(bool writeCertificates = true, Action<int, Dictionary<string, object?>>? editParty = null)
    {
        var parties = new List<Dictionary<string, object?>>();
        for (int i = 0; i < PartyCount; i++)
        {
            var p = Cluster.Parties[i];
            var entry = new Dictionary<string, object?>
            {
                ["id"] = p.Id,
                ["name"] = p.Name,
                ["host"] = p.Host,
                ["port"] = p.Port,
                ["config"] = $"p{i}.json",
            };
            if (p.IsDealer) entry["role"] = "dealer";
            if (!Cluster.Insecure)
            {
                entry["certificate"] = $"certs/p{i}.crt.pem";
                if (writeCertificates)
                    CertificateFiles.WritePem(Identities[i].Certificate!,
                        Path.Combine(Directory, "certs", $"p{i}.crt.pem"), Path.Combine(Directory, "certs", $"p{i}.key.pem"));
            }
            parties.Add(entry);

            var partyFile = new Dictionary<string, object?> { ["cluster"] = "cluster.json", ["partyId"] = i };
            if (!Cluster.Insecure) partyFile["privateKey"] = $"certs/p{i}.key.pem";
            if (!p.IsDealer) editParty?.Invoke(i, partyFile);
            File.WriteAllText(Path.Combine(Directory, $"p{i}.json"), JsonSerializer.Serialize(partyFile));
        }
        var cluster = new Dictionary<string, object?>
        {
            ["sessionId"] = Cluster.SessionId,
            ["insecure"] = Cluster.Insecure,
            ["timeouts"] = new Dictionary<string, object?>
            {
                ["connectSeconds"] = Cluster.ConnectTimeout.TotalSeconds,
                ["receiveSeconds"] = Cluster.ReceiveTimeout.TotalSeconds,
            },
            ["parties"] = parties,
        };
        string path = Path.Combine(Directory, "cluster.json");
        File.WriteAllText(path, JsonSerializer.Serialize(cluster, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    public string PartyFile(int party) => Path.Combine(Directory, $"p{party}.json");

    public void Dispose()
    {
        foreach (var identity in Identities) identity.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file; the OS cleans temp.
        }
    }
}
