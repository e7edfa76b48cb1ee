using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using Mpc.Net;
using Mpc.Net.Diagnostics;
using Mpc.Net.Internal;
using Mpc.Net.Tls;
using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Net;

/// <summary>
/// <c>mpc doctor</c>'s checks over real sockets on 127.0.0.1: files, reachability, TLS against the pins, the cluster
/// file, clocks; and that what an unauthenticated connection sends never reaches the report.
/// </summary>
public sealed class PartyDoctorTests
{
    private static readonly DoctorOptions Quick = new() { Wait = TimeSpan.FromSeconds(10) };

    private static Task<DoctorReport[]> RunAllAsync(TestCluster cluster, Func<int, DoctorOptions>? options = null,
        IEnumerable<int>? parties = null) =>
        Task.WhenAll((parties ?? Enumerable.Range(0, cluster.PartyCount))
            .Select(i => PartyDoctor.RunAsync(cluster.PartyFile(i), options?.Invoke(i) ?? Quick)));

    private static DoctorCheck Row(DoctorReport report, string subject, string check) =>
        report.Checks.Single(c => c.Subject.StartsWith(subject, StringComparison.Ordinal) && c.Check == check);

    private static string Show(DoctorReport report) =>
        string.Join('\n', report.Checks.Select(c => $"{c.Outcome} | {c.Subject} | {c.Check} | {c.Detail} | {c.Advice}"));

    [Fact]
    public async Task Doctor_AllPartiesTogether_EveryCheckPasses()
    {
        using var cluster = TestCluster.Create(3, tls: true);
        cluster.WriteFiles();
        var reports = await RunAllAsync(cluster);
        for (int i = 0; i < 3; i++)
        {
            var report = reports[i];
            Assert.True(report.Passed, Show(report));
            Assert.DoesNotContain(report.Checks, c => c.Outcome == CheckOutcome.Warn);
            foreach (int peer in Enumerable.Range(0, 3).Where(p => p != i))
            {
                foreach (string check in new[] { "pinned certificate", "tcp", "tls", "cluster file", "clock" })
                    Assert.Equal(CheckOutcome.Pass, Row(report, $"party {peer} ", check).Outcome);
            }
            foreach (string check in new[] { "config", "certificate", "private key" })
                Assert.Equal(CheckOutcome.Pass, Row(report, $"party {i} ", check).Outcome);
        }
    }

    [Fact]
    public async Task Doctor_KeyReadableByOthers_FailsWithChmodAdvice()
    {
        if (OperatingSystem.IsWindows()) return;
        using var cluster = TestCluster.Create(2, tls: true);
        cluster.WriteFiles();
        string key = Path.Combine(cluster.Directory, "certs", "p0.key.pem");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var report = await PartyDoctor.RunAsync(cluster.PartyFile(0), Quick);
        var row = Row(report, "party 0 ", "private key");
        Assert.Equal(CheckOutcome.Fail, row.Outcome);
        Assert.Contains("mode 644", row.Detail);
        Assert.Equal($"chmod 600 '{key}'", row.Advice);
        Assert.Equal(CheckOutcome.Skip, Row(report, "party 0 ", "network").Outcome);
    }

    [Fact]
    public async Task Doctor_KeyOfAnotherCertificate_Fails()
    {
        if (OperatingSystem.IsWindows()) return;
        using var cluster = TestCluster.Create(2, tls: true);
        cluster.WriteFiles();
        string certs = Path.Combine(cluster.Directory, "certs");
        File.Copy(Path.Combine(certs, "p1.key.pem"), Path.Combine(certs, "p0.key.pem"), overwrite: true);
        File.SetUnixFileMode(Path.Combine(certs, "p0.key.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var report = await PartyDoctor.RunAsync(cluster.PartyFile(0), Quick);
        var row = Row(report, "party 0 ", "private key");
        Assert.Equal(CheckOutcome.Fail, row.Outcome);
        Assert.Contains("does not load with the certificate", row.Detail);
        Assert.False(report.Passed);
    }

    [Theory]
    [InlineData(-2, CheckOutcome.Fail, "is not valid before")]
    [InlineData(365 * 5 - 10, CheckOutcome.Warn, "expires on")]
    [InlineData(365 * 5 + 10, CheckOutcome.Fail, "expired on")]
    public async Task Doctor_CertificateValidity_JudgedAgainstTheClock(int days, CheckOutcome expected, string says)
    {
        using var cluster = TestCluster.Create(2, tls: true);
        cluster.WriteFiles();
        var options = Quick with { Clock = new ShiftedClock(TimeSpan.FromDays(days)), Wait = TimeSpan.FromMilliseconds(300) };
        var report = await PartyDoctor.RunAsync(cluster.PartyFile(1), options);
        foreach (string subject in new[] { "party 1 ", "party 0 " })
        {
            var row = Row(report, subject, subject == "party 1 " ? "certificate" : "pinned certificate");
            Assert.Equal(expected, row.Outcome);
            Assert.Contains(says, row.Detail);
            Assert.NotNull(row.Advice);
        }
    }

    [Fact]
    public async Task Doctor_PeerNotRunning_FailsNamingItAfterTheWait()
    {
        using var cluster = TestCluster.Create(3, tls: true);
        cluster.WriteFiles();
        var reports = await RunAllAsync(cluster, _ => Quick with { Wait = TimeSpan.FromSeconds(2) }, parties: [0, 1]);
        foreach (var report in reports)
        {
            var missing = Row(report, "party 2 ", "tcp");
            Assert.Equal(CheckOutcome.Fail, missing.Outcome);
            Assert.Contains("run mpc doctor at party 2 (p2)", missing.Advice);
        }
        Assert.Equal(CheckOutcome.Pass, Row(reports[0], "party 1 ", "clock").Outcome);
        Assert.Equal(CheckOutcome.Pass, Row(reports[1], "party 0 ", "clock").Outcome);
    }

    [Fact]
    public async Task Doctor_DifferentClusterFiles_NameTheField()
    {
        using var cluster = TestCluster.Create(2, tls: true);
        string clusterFile = cluster.WriteFiles();
        var other = JsonNode.Parse(File.ReadAllText(clusterFile))!;
        other["timeouts"]!["receiveSeconds"] = 99;
        File.WriteAllText(Path.Combine(cluster.Directory, "cluster-b.json"), other.ToJsonString());
        var party = JsonNode.Parse(File.ReadAllText(cluster.PartyFile(1)))!;
        party["cluster"] = "cluster-b.json";
        File.WriteAllText(cluster.PartyFile(1), party.ToJsonString());

        var reports = await RunAllAsync(cluster);
        foreach (var (report, peer) in new[] { (reports[0], "party 1 "), (reports[1], "party 0 ") })
        {
            var row = Row(report, peer, "cluster file");
            Assert.Equal(CheckOutcome.Fail, row.Outcome);
            Assert.Contains("timeouts.receiveSeconds", row.Detail);
            Assert.Contains("same cluster file", row.Advice);
        }
    }

    [Theory]
    [InlineData(10, CheckOutcome.Warn)]
    [InlineData(600, CheckOutcome.Fail)]
    [InlineData(-600, CheckOutcome.Fail)]
    public async Task Doctor_ClocksApart_ReportedOnBothSides(int seconds, CheckOutcome expected)
    {
        using var cluster = TestCluster.Create(2, tls: true);
        cluster.WriteFiles();
        var shift = TimeSpan.FromSeconds(seconds);
        var reports = await RunAllAsync(cluster, i => i == 1 ? Quick with { Clock = new ShiftedClock(shift) } : Quick);
        var atZero = Row(reports[0], "party 1 ", "clock");
        var atOne = Row(reports[1], "party 0 ", "clock");
        Assert.Equal(expected, atZero.Outcome);
        Assert.Equal(expected, atOne.Outcome);
        // Each side reports the other's clock against its own: party 1 is ahead by the shift, party 0 behind by it (each
        // measured across a round trip, so within a few milliseconds of it: -9.999 s is a fine report of -10 s).
        Assert.InRange(ReportedOffset(atZero.Detail), seconds - 0.5, seconds + 0.5);
        Assert.InRange(ReportedOffset(atOne.Detail), -seconds - 0.5, -seconds + 0.5);
        Assert.Contains("NTP", atZero.Advice);
    }

    // The signed offset in "its clock is +10.002 s from this party's (...)".
    private static double ReportedOffset(string detail)
    {
        var match = System.Text.RegularExpressions.Regex.Match(detail, @"its clock is ([+-]?[0-9]+\.[0-9]+) s");
        Assert.True(match.Success, detail);
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Doctor_PeerPinnedWrongly_FailsTlsOnBothSides()
    {
        using var cluster = TestCluster.Create(2, tls: true);
        string clusterFile = cluster.WriteFiles();
        // Party 1's copy of the cluster file pins a stranger's certificate for party 0.
        using var stranger = CertificateFiles.CreateSelfSigned("stranger", "127.0.0.1");
        string strangerPath = Path.Combine(cluster.Directory, "certs", "stranger.crt.pem");
        File.WriteAllText(strangerPath, stranger.ExportCertificatePem());
        var other = JsonNode.Parse(File.ReadAllText(clusterFile))!;
        other["parties"]![0]!["certificate"] = "certs/stranger.crt.pem";
        File.WriteAllText(Path.Combine(cluster.Directory, "cluster-b.json"), other.ToJsonString());
        var party = JsonNode.Parse(File.ReadAllText(cluster.PartyFile(1)))!;
        party["cluster"] = "cluster-b.json";
        File.WriteAllText(cluster.PartyFile(1), party.ToJsonString());

        var reports = await RunAllAsync(cluster, _ => Quick with { Wait = TimeSpan.FromSeconds(3) });
        var dialer = Row(reports[1], "party 0 ", "tls");
        Assert.Equal(CheckOutcome.Fail, dialer.Outcome);
        Assert.Contains("is not party 0", dialer.Detail);
        // Party 1 authenticated itself to party 0, then hung up: party 0 says so, and says what that usually means.
        var listener = Row(reports[0], "party 1 ", "tls");
        Assert.Equal(CheckOutcome.Fail, listener.Outcome);
        Assert.Contains("did not accept this party's certificate", listener.Detail);
        Assert.Contains(CertificateFiles.Short(cluster.Cluster.Parties[0].CertificateSha256), listener.Advice);
    }

    [Fact]
    public async Task Doctor_Outsiders_AreNeitherAnsweredNorReported()
    {
        using var cluster = TestCluster.Create(2, tls: true);
        cluster.WriteFiles();
        var logger = new RecordingLogger();
        var zero = PartyDoctor.RunAsync(cluster.PartyFile(0), Quick with { Wait = TimeSpan.FromSeconds(20) }, logger);
        using var stranger = CertificateFiles.CreateSelfSigned("stranger", "127.0.0.1");
        int port = cluster.Cluster.Parties[0].Port;
        foreach (string attack in Outsider.Attacks)
            await Outsider.AttackAsync(cluster.Cluster, port, stranger, attack);
        var one = await PartyDoctor.RunAsync(cluster.PartyFile(1), Quick);
        var report = await zero;
        Assert.True(report.Passed, Show(report));
        Assert.True(one.Passed, Show(one));
        string everything = Show(report) + logger.Text;
        foreach (string sent in new[] { "compromised", "cheated", "guess", "hello\n" })
            Assert.DoesNotContain(sent, everything);
        Assert.Contains("refused a connection", logger.Text);
    }

    [Fact]
    public async Task Doctor_AuthenticatedPeerBreakingTheExchange_IsNamed()
    {
        using var cluster = TestCluster.Create(2, tls: true);
        cluster.WriteFiles();
        var zero = PartyDoctor.RunAsync(cluster.PartyFile(0), Quick);
        // Party 1's own key, but instead of time requests it sends a frame the exchange does not have.
        await using (var peer = await DoctorClientAsync(cluster.Cluster.Parties[0].Port, cluster.Identities[1].Certificate!))
        {
            await HandshakeIo.WriteFrameAsync(peer, FrameKind.Hello, FakePeer.Hello(cluster.Cluster, 1, 0), default);
            var hello = await HandshakeIo.ReadFrameAsync(peer, default);
            Assert.Equal(FrameKind.Hello, hello!.Value.Kind);
            await HandshakeIo.WriteFrameAsync(peer, FrameKind.Ready, [], default);
        }
        var report = await zero;
        var row = Row(report, "party 1 ", "clock");
        Assert.Equal(CheckOutcome.Fail, row.Outcome);
        Assert.Contains("does not speak the doctor's exchange", row.Detail);
    }

    [Fact]
    public async Task Doctor_AgainstARunningParty_LeavesItsRunIntact()
    {
        using var cluster = TestCluster.Create(2, tls: true, connectTimeout: TimeSpan.FromSeconds(20));
        cluster.WriteFiles();
        var logger = new RecordingLogger();
        var running = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0], logger);
        var report = await PartyDoctor.RunAsync(cluster.PartyFile(1), Quick);
        var row = Row(report, "party 0 ", "cluster file");
        Assert.Equal(CheckOutcome.Warn, row.Outcome);
        Assert.Contains("running a job", row.Detail);
        Assert.Equal(CheckOutcome.Pass, Row(report, "party 0 ", "tls").Outcome);

        // The doctor sent nothing of the run's protocol: party 0 still forms its mesh with the real party 1.
        await using var one = await TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[1]);
        await using var zero = await running;
        Assert.Equal(2, zero.PartyCount);
    }

    [Fact]
    public async Task Doctor_UnloadableConfig_ReportsOnlyTheConfig()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mpc-doctor-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "cluster": "nowhere.json", "partyId": 0 }""");
        try
        {
            var report = await PartyDoctor.RunAsync(path, Quick);
            Assert.True(report.ConfigFailed);
            var row = Assert.Single(report.Checks);
            Assert.Contains("nowhere.json", row.Detail);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Doctor_InsecureCluster_FailsAndContactsNobody()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        cluster.WriteFiles();
        var report = await PartyDoctor.RunAsync(cluster.PartyFile(0), Quick);
        Assert.Equal(CheckOutcome.Fail, Row(report, "party 0 ", "tls").Outcome);
        Assert.Equal(CheckOutcome.Skip, Row(report, "party 0 ", "network").Outcome);
    }

    [Property(MaxTest = 200)]
    public bool TimeReply_RoundTrips_ToTheMicrosecond(long micros)
    {
        long max = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() * 1000;
        var time = DateTimeOffset.UnixEpoch.AddTicks(Math.Abs(micros % max) * 10);
        return ControlMessages.DecodeTime(new System.Buffers.ReadOnlySequence<byte>(ControlMessages.EncodeTime(time))) == time;
    }

    [Fact]
    public void TimeReply_OutOfRange_IsMalformed()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        writer.Write(long.MaxValue);
        writer.Flush();
        var payload = new System.Buffers.ReadOnlySequence<byte>(buffer.WrittenMemory);
        Assert.Throws<FrameFormatException>(() => ControlMessages.DecodeTime(payload));
    }

    /// <summary>A TLS client that negotiates the doctor's application protocol with <paramref name="certificate"/>.</summary>
    private static async Task<SslStream> DoctorClientAsync(int port, X509Certificate2 certificate)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await socket.ConnectAsync("127.0.0.1", port);
                break;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [certificate],
            EnabledSslProtocols = SslProtocols.Tls13,
            ApplicationProtocols = [new SslApplicationProtocol("mpc-doctor/1")],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return ssl;
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
