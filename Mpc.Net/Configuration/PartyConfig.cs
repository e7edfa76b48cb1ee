using System.Security.Cryptography;
using System.Text.Json;
using Mpc.Net.Configuration.Internal;
using Mpc.Net.Tls;

namespace Mpc.Net.Configuration;

/// <summary>
/// One party's own config: which cluster it belongs to, which party it is, its private key and certificate,
/// and the free-form <c>data</c> and <c>job</c> sections that jobs read.
/// </summary>
/// <remarks>
/// File format (JSON, comments allowed, paths relative to the file's folder, unknown top-level fields are errors):
/// <code>
/// {
///   "cluster": "local-3.json",
///   "partyId": 0,
///   "certificate": "../certs/local-3/alice.crt.pem",
///   "privateKey": "../certs/local-3/alice.key.pem",
///   "data": { "file": "../datasets/alice.csv", "columns": ["age", "income"] },
///   "connectVia": { "0": "10.0.0.7:9000" },
///   "job": { }
/// }
/// </code>
/// <c>certificate</c> defaults to the one the cluster file names for this party and must match it.
/// <c>connectVia</c> (optional) maps a peer's id to the <c>host:port</c> this party dials to reach it instead of the
/// address the cluster file names (a port forward, NAT or relay); it is not part of the cluster hash, and the peer is
/// still authenticated by its pinned certificate and the handshake.
/// </remarks>
public sealed record PartyConfig
{
    /// <summary>The cluster this party belongs to.</summary>
    public required ClusterConfig Cluster { get; init; }

    /// <summary>My party id.</summary>
    public required int PartyId { get; init; }

    /// <summary>Absolute path of my certificate (PEM); null only in insecure clusters.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Absolute path of my private key (PEM, PKCS#8); null only in insecure clusters.</summary>
    public string? PrivateKeyPath { get; init; }

    /// <summary>My input data, if the file has a <c>data</c> section.</summary>
    public PartyDataConfig? Data { get; init; }

    /// <summary>Where to dial a peer instead of its cluster address (peer id to host and port); empty for none.</summary>
    public IReadOnlyDictionary<int, (string Host, int Port)> ConnectVia { get; init; } = new Dictionary<int, (string Host, int Port)>();

    /// <summary>The free-form <c>job</c> section, if any.</summary>
    public JsonElement? Job { get; init; }

    /// <summary>The file this config was loaded from; null for a config built in code.</summary>
    public string? SourceFile { get; init; }

    /// <summary>My entry in the cluster.</summary>
    public ClusterParty Me => Cluster.Parties[PartyId];

    /// <summary>
    /// Loads a party file and the cluster file it names, and validates both. With <paramref name="requireCertificates"/>
    /// false, missing certificate and key files are allowed (so that they can be generated).
    /// </summary>
    /// <exception cref="ConfigException">Anything is wrong in either file; the exception names the file and the field.</exception>
    public static PartyConfig Load(string path, bool requireCertificates = true) =>
        FromRoot(ConfigObject.Load(path), requireCertificates);

    /// <summary>
    /// Parses the text of a party file (the cluster file it names is still read from disk); <paramref name="path"/>
    /// names it in errors and anchors its relative paths.
    /// </summary>
    /// <exception cref="ConfigException">Anything is wrong in either file; the exception names the file and the field.</exception>
    internal static PartyConfig Parse(string json, string path, bool requireCertificates = true) =>
        FromRoot(ConfigObject.Parse(path, json), requireCertificates);

    private static PartyConfig FromRoot(ConfigObject root, bool requireCertificates)
    {
        string path = root.File;
        string clusterPath = root.ResolvePath("cluster", root.RequiredString("cluster"));
        if (!File.Exists(clusterPath)) throw root.Error("cluster", $"cluster file '{clusterPath}' does not exist");
        var cluster = ClusterConfig.Load(clusterPath, requireCertificates);
        int partyId = root.RequiredInt("partyId", int.MinValue, int.MaxValue);
        if (partyId < 0 || partyId >= cluster.PartyCount)
            throw root.Error("partyId",
                $"{partyId} is out of range 0..{cluster.PartyCount - 1} (the cluster has {cluster.PartyCount} parties)");
        var me = cluster.Parties[partyId];

        string? certificate = root.OptionalString("certificate");
        string? certificatePath = certificate is null ? me.CertificatePath : root.ResolvePath("certificate", certificate);
        string? key = root.OptionalString("privateKey");
        string? keyPath = key is null ? null : root.ResolvePath("privateKey", key);
        if (!cluster.Insecure)
        {
            if (keyPath is null) throw root.Error("privateKey", "is missing (a TLS cluster needs every party's private key)");
            if (certificatePath is null) throw root.Error("certificate", "is missing");
        }
        if (certificatePath is not null && (requireCertificates && !cluster.Insecure || File.Exists(certificatePath)))
        {
            byte[] pin;
            try
            {
                pin = CertificateFiles.Sha256(CertificateFiles.LoadCertificate(certificatePath));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                throw root.Error("certificate", $"unreadable certificate '{certificatePath}': {ex.Message}");
            }
            if (me.CertificateSha256 is { } expected && !expected.AsSpan().SequenceEqual(pin))
                throw root.Error("certificate",
                    $"certificate '{certificatePath}' is not the one the cluster file names for party {partyId} ({me.Name})");
        }
        if (keyPath is not null && requireCertificates && !cluster.Insecure && !File.Exists(keyPath))
            throw root.Error("privateKey", $"private key file '{keyPath}' does not exist");

        PartyDataConfig? data = null;
        if (root.OptionalObject("data") is { } d)
        {
            string? file = d.OptionalString("file");
            data = new PartyDataConfig
            {
                File = file is null ? null : d.ResolvePath("file", file),
                Columns = d.OptionalStringArray("columns"),
                Raw = d.Element,
            };
        }
        var connectVia = new Dictionary<int, (string Host, int Port)>();
        if (root.OptionalObject("connectVia") is { } via)
        {
            foreach (var entry in via.Element.EnumerateObject())
            {
                string field = $"connectVia.{entry.Name}";
                if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out int peer)
                    || peer >= cluster.PartyCount || peer == partyId)
                    throw root.Error(field, $"is not the id of another party (0..{cluster.PartyCount - 1}, not {partyId})");
                string? endpoint = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString() : null;
                int colon = endpoint?.LastIndexOf(':') ?? -1;
                if (endpoint is null || colon <= 0
                    || !int.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out int port)
                    || port is < 1 or > 65535)
                    throw root.Error(field, "must be a string \"host:port\" with a port in 1..65535");
                connectVia[peer] = (endpoint[..colon], port);
            }
        }
        JsonElement? job = root.OptionalElement("job");
        if (job is { ValueKind: not JsonValueKind.Object }) throw root.Error("job", "must be an object");
        root.RejectUnknownFields();

        return new PartyConfig
        {
            Cluster = cluster,
            PartyId = partyId,
            CertificatePath = certificatePath,
            PrivateKeyPath = keyPath,
            Data = data,
            ConnectVia = connectVia,
            Job = job,
            SourceFile = path,
        };
    }

    /// <summary>Loads my certificate and private key (none for an insecure cluster).</summary>
    /// <exception cref="ConfigException">The files cannot be read, or the key does not belong to the certificate.</exception>
    public PartyIdentity LoadIdentity()
    {
        if (Cluster.Insecure) return new PartyIdentity(PartyId, null);
        string file = SourceFile ?? "(in memory)";
        if (CertificatePath is null) throw new ConfigException(file, "certificate", "is missing");
        if (PrivateKeyPath is null) throw new ConfigException(file, "privateKey", "is missing");
        RefuseSharedKeyFile(file, PrivateKeyPath);
        try
        {
            return new PartyIdentity(PartyId, CertificateFiles.LoadWithKey(CertificatePath, PrivateKeyPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ConfigException(file, "privateKey",
                $"cannot load certificate '{CertificatePath}' with key '{PrivateKeyPath}': {ex.Message}", ex);
        }
    }

    // A private key that other users can read is as good as published: refuse it, and say how to fix it.
    private static void RefuseSharedKeyFile(string file, string keyPath)
    {
        if (File.Exists(keyPath) && !CertificateFiles.IsOwnerOnly(keyPath, out var mode))
            throw new ConfigException(file, "privateKey",
                $"key file '{keyPath}' is accessible by other users (mode {CertificateFiles.Octal(mode)}); run: chmod 600 '{keyPath}'");
    }
}
