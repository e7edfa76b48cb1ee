using System.Net;
using System.Security.Cryptography;
using System.Text;
using Mpc.Net.Configuration.Internal;
using Mpc.Net.Tls;

namespace Mpc.Net.Configuration;

/// <summary>
/// A cluster: the session id, every party's id, name, address and certificate, the timeouts and the TLS flag.
/// All parties load the same cluster file; the handshake compares a hash of it (<see cref="ComputeHash"/>).
/// </summary>
/// <remarks>
/// File format (JSON, comments allowed, paths relative to the file's folder, unknown fields are errors):
/// <code>
/// {
///   "sessionId": "local-3",
///   "insecure": false,
///   "timeouts": { "connectSeconds": 30, "receiveSeconds": 60 },
///   "maxFrameBytes": 1073741824,
///   "parties": [
///     { "id": 0, "name": "alice", "host": "127.0.0.1", "port": 47300,
///       "certificate": "../certs/local-3/alice.crt.pem", "config": "local-3-alice.json" },
///     { "id": 3, "name": "dealer", "role": "dealer", ... }
///   ]
/// }
/// </code>
/// <c>role</c> is <c>"compute"</c> (the default) or <c>"dealer"</c>: at most one dealer, listed last, which holds no data,
/// computes nothing and only deals correlated randomness (see <see cref="PartyRole.Dealer"/>).
/// </remarks>
public sealed record ClusterConfig
{
    /// <summary>The largest frame payload accepted unless the file says otherwise (1 GiB).</summary>
    public const long DefaultMaxFrameBytes = 1L << 30;

    /// <summary>The longest timeout a file may set (about 11.6 days): far beyond any run, well within what timers accept.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(1_000_000);

    /// <summary>Identifies one run of one computation; parties with different session ids refuse each other.</summary>
    public required string SessionId { get; init; }

    /// <summary>The parties, in id order (element i has id i).</summary>
    public required IReadOnlyList<ClusterParty> Parties { get; init; }

    /// <summary>Plaintext links instead of mutual TLS 1.3. Only for tests and demos; the mesh logs a warning.</summary>
    public bool Insecure { get; init; }

    /// <summary>How long connecting the mesh (dialing with retries, TLS, handshakes) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The deadline of every receive. A peer that has not delivered by then is probed: if its process does not answer
    /// (stopped, hung, dead) it is reported at once; if it answers (it may be blocked by a stalled third party, whose
    /// abort then arrives and names the right culprit) it is reported after a second deadline.
    /// </summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest frame payload a peer may announce; larger frames are malformed and rejected before allocating.</summary>
    public long MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;

    /// <summary>The file this config was loaded from; null for a config built in code.</summary>
    public string? SourceFile { get; init; }

    /// <summary>The number of cluster members, the dealer included: every process of the mesh.</summary>
    public int PartyCount => Parties.Count;

    /// <summary>The dealer entry, if the cluster has one (always the last id).</summary>
    public ClusterParty? Dealer => Parties.Count > 0 && Parties[^1].IsDealer ? Parties[^1] : null;

    /// <summary>The number of parties that compute (N): every member but the dealer, ids 0..N-1.</summary>
    public int ComputingPartyCount => Parties.Count - (Dealer is null ? 0 : 1);

    /// <summary>True if every party's host is a loopback address (127.0.0.0/8, ::1 or localhost).</summary>
    public bool IsAllLoopback => Parties.All(p => IsLoopbackHost(p.Host));

    internal string FileForErrors => SourceFile ?? "(in memory)";

    /// <summary>
    /// Loads and validates a cluster file. With <paramref name="requireCertificates"/> false, missing certificate
    /// files are allowed (their pins stay null) so that <c>mpc launch</c> and <c>mpc certs</c> can create them.
    /// </summary>
    /// <exception cref="ConfigException">Anything is wrong; the exception names the file and the field.</exception>
    public static ClusterConfig Load(string path, bool requireCertificates = true) =>
        FromRoot(ConfigObject.Load(path), requireCertificates);

    /// <summary>Parses the text of a cluster file; <paramref name="path"/> names it in errors and anchors its relative paths.</summary>
    /// <exception cref="ConfigException">Anything is wrong; the exception names the file and the field.</exception>
    internal static ClusterConfig Parse(string json, string path, bool requireCertificates = true) =>
        FromRoot(ConfigObject.Parse(path, json), requireCertificates);

    private static ClusterConfig FromRoot(ConfigObject root, bool requireCertificates)
    {
        string path = root.File;
        string sessionId = root.RequiredString("sessionId");
        bool insecure = root.OptionalBool("insecure") ?? false;
        var connect = TimeSpan.FromSeconds(30);
        var receive = TimeSpan.FromSeconds(60);
        if (root.OptionalObject("timeouts") is { } timeouts)
        {
            if (timeouts.OptionalPositiveNumber("connectSeconds", MaxTimeout.TotalSeconds) is { } c) connect = TimeSpan.FromSeconds(c);
            if (timeouts.OptionalPositiveNumber("receiveSeconds", MaxTimeout.TotalSeconds) is { } r) receive = TimeSpan.FromSeconds(r);
            timeouts.RejectUnknownFields();
        }
        long maxFrame = root.OptionalInteger("maxFrameBytes", 1, Array.MaxLength) ?? DefaultMaxFrameBytes;
        var items = root.RequiredObjectArray("parties");
        if (items.Count < 2) throw root.Error("parties", $"a cluster needs at least 2 parties, this one has {items.Count}");

        var parties = new ClusterParty?[items.Count];
        var where = new string[items.Count];
        foreach (var item in items)
        {
            int id = (int)(item.OptionalInteger("id", int.MinValue, int.MaxValue) ?? throw item.Error("id", "is missing"));
            if (id < 0 || id >= items.Count)
                throw item.Error("id",
                    $"id {id} is out of range 0..{items.Count - 1} (ids are 0..N-1 for the N = {items.Count} parties listed)");
            if (parties[id] is not null) throw item.Error("id", $"duplicate id {id} (also {where[id]}.id)");
            string name = item.RequiredString("name");
            string host = item.RequiredString("host");
            int port = item.RequiredInt("port", 1, 65535);
            string? certificate = item.OptionalString("certificate");
            string? config = item.OptionalString("config");
            var role = item.OptionalString("role") switch
            {
                null or "compute" => PartyRole.Compute,
                "dealer" => PartyRole.Dealer,
                var other => throw item.Error("role", $"'{Mpc.Core.Text.PeerText.Escape(other, 64)}' is not a role (compute or dealer)"),
            };
            item.RejectUnknownFields();
            if (certificate is null && !insecure)
                throw item.Error("certificate",
                    "is missing (every party of a TLS cluster needs one; set \"insecure\": true for plaintext)");

            string? certificatePath = certificate is null ? null : item.ResolvePath("certificate", certificate);
            byte[]? pin = null;
            if (certificatePath is not null && (requireCertificates && !insecure || File.Exists(certificatePath)))
                pin = ReadCertificatePin(certificatePath, root.File, item.FieldPath("certificate"));
            parties[id] = new ClusterParty
            {
                Id = id,
                Name = name,
                Host = host,
                Port = port,
                CertificatePath = certificatePath,
                CertificateSha256 = pin,
                ConfigPath = config is null ? null : item.ResolvePath("config", config),
                Role = role,
            };
            where[id] = item.Path;
        }
        root.RejectUnknownFields();

        var cluster = new ClusterConfig
        {
            SessionId = sessionId,
            Parties = parties!,
            Insecure = insecure,
            ConnectTimeout = connect,
            ReceiveTimeout = receive,
            MaxFrameBytes = maxFrame,
            SourceFile = path,
        };
        cluster.Validate(requireCertificates);
        return cluster;
    }

    /// <summary>
    /// Checks a config (typically one built in code): ids 0..N-1 in order, unique names and endpoints,
    /// positive timeouts, and a pinned certificate for every party of a TLS cluster if <paramref name="requireCertificates"/>.
    /// </summary>
    /// <exception cref="ConfigException">The first problem found.</exception>
    public void Validate(bool requireCertificates = true)
    {
        string file = FileForErrors;
        if (string.IsNullOrWhiteSpace(SessionId)) throw new ConfigException(file, "sessionId", "must not be empty");
        if (Parties is null || Parties.Count < 2) throw new ConfigException(file, "parties", "a cluster needs at least 2 parties");
        if (ComputingPartyCount < 2)
            throw new ConfigException(file, "parties",
                $"a cluster needs at least 2 computing parties besides the dealer, this one has {ComputingPartyCount}");
        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > MaxTimeout)
            throw new ConfigException(file, "timeouts.connectSeconds", $"must be positive and at most {MaxTimeout.TotalSeconds} s");
        if (ReceiveTimeout <= TimeSpan.Zero || ReceiveTimeout > MaxTimeout)
            throw new ConfigException(file, "timeouts.receiveSeconds", $"must be positive and at most {MaxTimeout.TotalSeconds} s");
        if (MaxFrameBytes < 1 || MaxFrameBytes > Array.MaxLength)
            throw new ConfigException(file, "maxFrameBytes", $"must be in 1..{Array.MaxLength}");
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var endpoints = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var pins = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Parties.Count; i++)
        {
            var p = Parties[i];
            string at = $"parties[{i}]";
            if (p.Id != i) throw new ConfigException(file, $"{at}.id", $"party at index {i} has id {p.Id}; ids must be 0..N-1 in order");
            if (string.IsNullOrWhiteSpace(p.Name)) throw new ConfigException(file, $"{at}.name", "must not be empty");
            if (string.IsNullOrWhiteSpace(p.Host)) throw new ConfigException(file, $"{at}.host", "must not be empty");
            if (p.Port is < 1 or > 65535) throw new ConfigException(file, $"{at}.port", $"{p.Port} is out of range 1..65535");
            if (!names.TryAdd(p.Name, i))
                throw new ConfigException(file, $"{at}.name", $"duplicate name '{p.Name}' (also parties[{names[p.Name]}])");
            string endpoint = $"{p.Host}:{p.Port}";
            if (!endpoints.TryAdd(endpoint, i))
                throw new ConfigException(file, $"{at}.port", $"duplicate endpoint {endpoint} (also parties[{endpoints[endpoint]}])");
            if (p.IsDealer && i != Parties.Count - 1)
                throw new ConfigException(file, $"{at}.role",
                    $"the dealer must have the highest id ({Parties.Count - 1}), so that the computing parties are 0..N-1; it has {i}");
            if (!Insecure && requireCertificates && p.CertificateSha256 is not { Length: 32 })
                throw new ConfigException(file, $"{at}.certificate", "no certificate is pinned for this party");
            // A certificate is a party's identity on the wire: two parties with one certificate could pass for each other.
            if (!Insecure && p.CertificateSha256 is { Length: 32 } pin && !pins.TryAdd(Convert.ToHexString(pin), i))
                throw new ConfigException(file, $"{at}.certificate",
                    $"is the same certificate as parties[{pins[Convert.ToHexString(pin)]}].certificate; every party needs its own");
        }
    }

    /// <summary>
    /// SHA-256 over a canonical form of the cluster: session id, TLS flag, timeouts, frame limit, and every party's
    /// id, name, host, port and certificate fingerprint. Independent of file bytes, formatting and paths.
    /// </summary>
    public byte[] ComputeHash()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("mpc-cluster/1");
            w.Write(SessionId);
            w.Write(Insecure);
            w.Write((long)ConnectTimeout.TotalMilliseconds);
            w.Write((long)ReceiveTimeout.TotalMilliseconds);
            w.Write(MaxFrameBytes);
            w.Write(Parties.Count);
            foreach (var p in Parties)
            {
                w.Write(p.Id);
                w.Write(p.Name);
                w.Write(p.Host);
                w.Write(p.Port);
                var pin = p.CertificateSha256 ?? [];
                w.Write(pin.Length);
                w.Write(pin);
                w.Write((int)p.Role);
            }
        }
        return SHA256.HashData(buffer.ToArray());
    }

    /// <summary>
    /// Every field that <see cref="ComputeHash"/> covers, by its path in the file (<c>parties[1].port</c>), with its
    /// canonical value; the handshake compares hashes of these to say which fields differ when two cluster files do.
    /// </summary>
    internal IEnumerable<(string Path, string Value)> CanonicalFields()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        yield return ("sessionId", SessionId);
        yield return ("insecure", Insecure ? "true" : "false");
        yield return ("timeouts.connectSeconds", ((long)ConnectTimeout.TotalMilliseconds).ToString(invariant));
        yield return ("timeouts.receiveSeconds", ((long)ReceiveTimeout.TotalMilliseconds).ToString(invariant));
        yield return ("maxFrameBytes", MaxFrameBytes.ToString(invariant));
        yield return ("parties", Parties.Count.ToString(invariant));
        foreach (var p in Parties)
        {
            string at = $"parties[{p.Id}]";
            yield return ($"{at}.name", p.Name);
            yield return ($"{at}.host", p.Host);
            yield return ($"{at}.port", p.Port.ToString(invariant));
            yield return ($"{at}.certificate", p.CertificateSha256 is { } pin ? Convert.ToHexString(pin) : "");
            yield return ($"{at}.role", p.IsDealer ? "dealer" : "compute");
        }
    }

    internal static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static byte[] ReadCertificatePin(string certificatePath, string file, string field)
    {
        try
        {
            return CertificateFiles.Sha256(CertificateFiles.LoadCertificate(certificatePath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ConfigException(file, field, $"unreadable certificate '{certificatePath}': {ex.Message}", ex);
        }
    }
}
