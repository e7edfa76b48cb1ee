using Mpc.Net.Configuration;
using Mpc.Net.Tls;

namespace Mpc.Tests.Net;

public sealed class ConfigTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mpc-config-" + Guid.NewGuid().ToString("N")[..12]);

    public ConfigTests()
    {
        Directory.CreateDirectory(_dir);
        for (int i = 0; i < 3; i++)
            CertificateFiles.Generate($"p{i}", "127.0.0.1",
                Path.Combine(_dir, "certs", $"p{i}.crt.pem"), Path.Combine(_dir, "certs", $"p{i}.key.pem"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Parties = """
        [
          { "id": 0, "name": "alice", "host": "127.0.0.1", "port": 41000, "certificate": "certs/p0.crt.pem" },
          { "id": 1, "name": "bob",   "host": "127.0.0.1", "port": 41001, "certificate": "certs/p1.crt.pem" },
          { "id": 2, "name": "carol", "host": "127.0.0.1", "port": 41002, "certificate": "certs/p2.crt.pem" }
        ]
        """;

    private string Write(string name, string json)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private string Cluster(string parties = Parties, string extra = "") =>
        Write("cluster.json", $$"""
            {
              // comments are allowed
              "sessionId": "s1",
              "timeouts": { "connectSeconds": 5, "receiveSeconds": 2.5 },
              {{extra}}
              "parties": {{parties}}
            }
            """);

    private static ConfigException Fails(Action load, string file, string field, string problem)
    {
        var ex = Assert.Throws<ConfigException>(load);
        Assert.Equal(file, ex.File);
        Assert.Equal(field, ex.Field);
        Assert.Contains(problem, ex.Problem);
        Assert.Contains(file, ex.Message);
        Assert.Contains(field, ex.Message);
        return ex;
    }

    [Fact]
    public void ValidCluster_Loads_WithPinsTimeoutsAndAbsolutePaths()
    {
        var cluster = ClusterConfig.Load(Cluster());
        Assert.Equal("s1", cluster.SessionId);
        Assert.False(cluster.Insecure);
        Assert.Equal(TimeSpan.FromSeconds(2.5), cluster.ReceiveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), cluster.ConnectTimeout);
        Assert.Equal(3, cluster.PartyCount);
        Assert.Equal("carol", cluster.Parties[2].Name);
        Assert.Equal(Path.Combine(_dir, "certs", "p1.crt.pem"), cluster.Parties[1].CertificatePath);
        Assert.Equal(CertificateFiles.Sha256(CertificateFiles.LoadCertificate(cluster.Parties[1].CertificatePath!)),
            cluster.Parties[1].CertificateSha256);
        Assert.True(cluster.IsAllLoopback);
    }

    [Fact]
    public void MissingPort_NamesTheFileAndField()
    {
        string file = Cluster(Parties.Replace("\"port\": 41001, ", ""));
        Fails(() => ClusterConfig.Load(file), file, "parties[1].port", "is missing");
    }

    [Fact]
    public void DuplicateId_NamesTheFileAndField()
    {
        string file = Cluster(Parties.Replace("\"id\": 2,", "\"id\": 1,"));
        Fails(() => ClusterConfig.Load(file), file, "parties[2].id", "duplicate id 1");
    }

    [Fact]
    public void IdOutOfRange_NamesTheFileAndField()
    {
        string file = Cluster(Parties.Replace("\"id\": 0,", "\"id\": 3,"));
        Fails(() => ClusterConfig.Load(file), file, "parties[0].id", "out of range 0..2");
    }

    [Fact]
    public void UnreadableCertificate_NamesTheFileAndField()
    {
        File.WriteAllText(Path.Combine(_dir, "certs", "junk.pem"), "not a certificate");
        string file = Cluster(Parties.Replace("certs/p2.crt.pem", "certs/junk.pem"));
        Fails(() => ClusterConfig.Load(file), file, "parties[2].certificate", "unreadable certificate");
        string missing = Cluster(Parties.Replace("certs/p2.crt.pem", "certs/nowhere.pem"));
        Fails(() => ClusterConfig.Load(missing), missing, "parties[2].certificate", "unreadable certificate");
    }

    [Fact]
    public void MissingCertificates_AreAllowed_WhenNotRequired()
    {
        string file = Cluster(Parties.Replace("certs/p2.crt.pem", "certs/nowhere.pem"));
        var cluster = ClusterConfig.Load(file, requireCertificates: false);
        Assert.Null(cluster.Parties[2].CertificateSha256);
        Assert.NotNull(cluster.Parties[1].CertificateSha256);
    }

    [Theory]
    [InlineData("\"colour\": \"blue\",", "colour")]
    [InlineData("\"timeouts\": { \"connectSeconds\": 1, \"sendSeconds\": 1 },", "timeouts.sendSeconds")]
    public void UnknownField_NamesTheFileAndField(string extra, string field)
    {
        string file = extra.Contains("timeouts")
            ? Write("cluster.json", $$"""{ "sessionId": "s", {{extra}} "parties": {{Parties}} }""")
            : Cluster(extra: extra);
        Fails(() => ClusterConfig.Load(file), file, field, "unknown field");
    }

    [Fact]
    public void UnknownFieldInAParty_NamesItsPath()
    {
        string file = Cluster(Parties.Replace("\"name\": \"bob\",", "\"name\": \"bob\", \"colour\": \"blue\","));
        Fails(() => ClusterConfig.Load(file), file, "parties[1].colour", "unknown field");
    }

    [Fact]
    public void DealerListedLast_Loads_AndTheComputingPartiesAreTheOthers()
    {
        var cluster = ClusterConfig.Load(Cluster(Parties.Replace("\"name\": \"carol\",", "\"name\": \"carol\", \"role\": \"dealer\",")));
        Assert.Equal(3, cluster.PartyCount);
        Assert.Equal(2, cluster.ComputingPartyCount);
        Assert.Equal("carol", cluster.Dealer!.Name);
        Assert.True(cluster.Parties[2].IsDealer);
        Assert.False(cluster.Parties[0].IsDealer);
        // The role is part of what every party must agree on.
        Assert.NotEqual(Convert.ToHexString(ClusterConfig.Load(Cluster()).ComputeHash()), Convert.ToHexString(cluster.ComputeHash()));
        Assert.Null(ClusterConfig.Load(Cluster()).Dealer);
        Assert.Equal(3, ClusterConfig.Load(Cluster()).ComputingPartyCount);
    }

    [Fact]
    public void DealerNotLast_UnknownRole_TooFewParties_NameFileAndField()
    {
        string notLast = Cluster(Parties.Replace("\"name\": \"bob\",", "\"name\": \"bob\", \"role\": \"dealer\","));
        Fails(() => ClusterConfig.Load(notLast), notLast, "parties[1].role", "the dealer must have the highest id (2)");
        string twoDealers = Cluster(Parties
            .Replace("\"name\": \"bob\",", "\"name\": \"bob\", \"role\": \"dealer\",")
            .Replace("\"name\": \"carol\",", "\"name\": \"carol\", \"role\": \"dealer\","));
        Fails(() => ClusterConfig.Load(twoDealers), twoDealers, "parties[1].role", "the dealer must have the highest id");
        string unknown = Cluster(Parties.Replace("\"name\": \"carol\",", "\"name\": \"carol\", \"role\": \"judge\","));
        Fails(() => ClusterConfig.Load(unknown), unknown, "parties[2].role", "'judge' is not a role (compute or dealer)");
        string alone = Cluster("""
            [
              { "id": 0, "name": "alice", "host": "127.0.0.1", "port": 41000, "certificate": "certs/p0.crt.pem" },
              { "id": 1, "name": "trent", "host": "127.0.0.1", "port": 41001, "certificate": "certs/p1.crt.pem", "role": "dealer" }
            ]
            """);
        Fails(() => ClusterConfig.Load(alone), alone, "parties", "at least 2 computing parties besides the dealer");
    }

    [Theory]
    [InlineData("\"port\": 41001", "\"port\": 70000", "parties[1].port", "out of range")]
    [InlineData("\"port\": 41001", "\"port\": \"41001\"", "parties[1].port", "must be an integer")]
    [InlineData("\"name\": \"carol\"", "\"name\": \"alice\"", "parties[2].name", "duplicate name")]
    [InlineData("\"port\": 41001", "\"port\": 41000", "parties[1].port", "duplicate endpoint")]
    public void InvalidPartyFields_NameTheFileAndField(string from, string to, string field, string problem)
    {
        string file = Cluster(Parties.Replace(from, to));
        Fails(() => ClusterConfig.Load(file), file, field, problem);
    }

    [Fact]
    public void InvalidJson_NamesTheFileAndLine()
    {
        string file = Write("cluster.json", "{ \"sessionId\": \"s\",\n  \"parties\": [ }");
        var ex = Fails(() => ClusterConfig.Load(file), file, "$", "invalid JSON at line 2");
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void InsecureCluster_NeedsNoCertificates()
    {
        string file = Write("cluster.json", """
            { "sessionId": "s", "insecure": true,
              "parties": [ { "id": 0, "name": "a", "host": "127.0.0.1", "port": 1 },
            """ + """ { "id": 1, "name": "b", "host": "127.0.0.1", "port": 2 } ] }""");
        var cluster = ClusterConfig.Load(file);
        Assert.True(cluster.Insecure);
        Assert.Equal(TimeSpan.FromSeconds(60), cluster.ReceiveTimeout);
        Assert.Equal(ClusterConfig.DefaultMaxFrameBytes, cluster.MaxFrameBytes);
    }

    [Fact]
    public void ConfigHash_DependsOnContent_NotOnFormattingOrPaths()
    {
        var a = ClusterConfig.Load(Cluster());
        Directory.CreateDirectory(Path.Combine(_dir, "elsewhere"));
        string compact = Path.Combine(_dir, "elsewhere", "c.json");
        File.WriteAllText(compact,
            $$"""{"parties":{{Parties.Replace("certs/", "../certs/").ReplaceLineEndings("")}},"timeouts":{"receiveSeconds":2.5""" +
            ""","connectSeconds":5},"sessionId":"s1"}""");
        var b = ClusterConfig.Load(compact);
        Assert.Equal(a.ComputeHash(), b.ComputeHash());
        Assert.NotEqual(a.ComputeHash(), (a with { SessionId = "s2" }).ComputeHash());
        Assert.NotEqual(a.ComputeHash(), (a with { Insecure = true }).ComputeHash());
        var moved = a.Parties.ToArray();
        moved[2] = moved[2] with { Port = 41009 };
        Assert.NotEqual(a.ComputeHash(), (a with { Parties = moved }).ComputeHash());
    }

    [Fact]
    public void PartyFile_Loads_WithItsClusterKeyAndDataSection()
    {
        string cluster = Cluster();
        string file = Write("alice.json", """
            {
              "cluster": "cluster.json",
              "partyId": 0,
              "privateKey": "certs/p0.key.pem",
              "data": { "file": "data/alice.csv", "columns": ["age", "income"], "hasHeader": true },
              "job": { "epochs": 3 }
            }
            """);
        var party = PartyConfig.Load(file);
        Assert.Equal(0, party.PartyId);
        Assert.Equal("alice", party.Me.Name);
        Assert.Equal(Path.GetFullPath(cluster), Path.GetFullPath(party.Cluster.SourceFile!));
        Assert.Equal(Path.Combine(_dir, "certs", "p0.crt.pem"), party.CertificatePath);
        Assert.Equal(Path.Combine(_dir, "data", "alice.csv"), party.Data!.File);
        Assert.Equal(["age", "income"], party.Data.Columns!);
        Assert.True(party.Data.Raw.GetProperty("hasHeader").GetBoolean());
        Assert.Equal(3, party.Job!.Value.GetProperty("epochs").GetInt32());
        using var identity = party.LoadIdentity();
        Assert.True(identity.Certificate!.HasPrivateKey);
    }

    [Fact]
    public void PartyFile_UnknownTopLevelField_IsAnError()
    {
        Cluster();
        string file = Write("alice.json", """{ "cluster": "cluster.json", "partyId": 0, "privateKey": "certs/p0.key.pem", "dta": {} }""");
        Fails(() => PartyConfig.Load(file), file, "dta", "unknown field");
    }

    [Fact]
    public void PartyFile_ConnectVia_RoutesPeers_KeepsTheClusterHash()
    {
        Cluster();
        string plain = Write("carol.json", """{ "cluster": "cluster.json", "partyId": 2, "privateKey": "certs/p2.key.pem" }""");
        string routed = Write("carol-routed.json",
            """{ "cluster": "cluster.json", "partyId": 2, "privateKey": "certs/p2.key.pem", "connectVia": { "0": "10.1.2.3:9000" } }""");
        var a = PartyConfig.Load(plain);
        var b = PartyConfig.Load(routed);
        Assert.Empty(a.ConnectVia);
        Assert.Equal(("10.1.2.3", 9000), b.ConnectVia[0]);
        Assert.Equal(a.Cluster.ComputeHash(), b.Cluster.ComputeHash());
    }

    [Theory]
    [InlineData("""{ "2": "127.0.0.1:1" }""", "connectVia.2", "not the id of another party")]
    [InlineData("""{ "3": "127.0.0.1:1" }""", "connectVia.3", "not the id of another party")]
    [InlineData("""{ "x": "127.0.0.1:1" }""", "connectVia.x", "not the id of another party")]
    [InlineData("""{ "0": "127.0.0.1" }""", "connectVia.0", "host:port")]
    [InlineData("""{ "0": "127.0.0.1:70000" }""", "connectVia.0", "host:port")]
    [InlineData("""{ "0": 5 }""", "connectVia.0", "host:port")]
    public void PartyFile_BadConnectVia_NamesTheField(string via, string field, string problem)
    {
        Cluster();
        string file = Write("carol.json",
            $$"""{ "cluster": "cluster.json", "partyId": 2, "privateKey": "certs/p2.key.pem", "connectVia": {{via}} }""");
        Fails(() => PartyConfig.Load(file), file, field, problem);
    }

    [Fact]
    public void PartyFile_IdOutOfRange_IsAnError()
    {
        Cluster();
        string file = Write("alice.json", """{ "cluster": "cluster.json", "partyId": 3, "privateKey": "certs/p0.key.pem" }""");
        Fails(() => PartyConfig.Load(file), file, "partyId", "out of range 0..2");
    }

    [Fact]
    public void PartyFile_WithAnotherPartysCertificate_IsAnError()
    {
        Cluster();
        string file = Write("alice.json",
            """{ "cluster": "cluster.json", "partyId": 0, "certificate": "certs/p1.crt.pem", "privateKey": "certs/p1.key.pem" }""");
        Fails(() => PartyConfig.Load(file), file, "certificate", "not the one the cluster file names for party 0");
    }

    [Fact]
    public void PartyFile_KeyNotTheCertificates_FailsToLoadIdentity()
    {
        Cluster();
        string file = Write("alice.json", """{ "cluster": "cluster.json", "partyId": 0, "privateKey": "certs/p1.key.pem" }""");
        var party = PartyConfig.Load(file);
        Fails(() => party.LoadIdentity(), file, "privateKey", "cannot load certificate");
    }

    [Fact]
    public void PartyFile_KeyReadableByOthers_IsRefusedWithTheChmodFix()
    {
        if (OperatingSystem.IsWindows()) return;
        Cluster();
        string file = Write("alice.json", """{ "cluster": "cluster.json", "partyId": 0, "privateKey": "certs/p0.key.pem" }""");
        string key = Path.Combine(_dir, "certs", "p0.key.pem");
        var party = PartyConfig.Load(file);
        foreach (var leak in new[] { UnixFileMode.GroupRead, UnixFileMode.OtherRead, UnixFileMode.OtherWrite })
        {
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | leak);
            var ex = Fails(() => party.LoadIdentity(), file, "privateKey", "accessible by other users");
            Assert.Contains($"chmod 600 '{key}'", ex.Message);
        }
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var identity = party.LoadIdentity();
        Assert.True(identity.Certificate!.HasPrivateKey);
    }

    [Theory]
    [InlineData("local-2.json", 2)]
    [InlineData("local-3.json", 3)]
    [InlineData("local-5.json", 5)]
    public void ShippedClusters_AreValid_OnLoopback_WithAConfigFilePerParty(string name, int parties)
    {
        string file = Path.Combine(RepositoryRoot(), "party-configs", name);
        var cluster = ClusterConfig.Load(file, requireCertificates: false);
        Assert.Equal(parties, cluster.PartyCount);
        Assert.True(cluster.IsAllLoopback);
        Assert.False(cluster.Insecure);
        foreach (var p in cluster.Parties)
        {
            var party = PartyConfig.Load(p.ConfigPath!, requireCertificates: false);
            Assert.Equal(p.Id, party.PartyId);
            Assert.Contains($"{Path.DirectorySeparatorChar}certs{Path.DirectorySeparatorChar}", party.PrivateKeyPath);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "party-configs"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("party-configs not found above the test output folder");
    }
}
