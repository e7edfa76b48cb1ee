using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mpc.Net;
using Mpc.Net.Configuration;
using Mpc.Net.Internal;
using Mpc.Net.Tls;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Net;

[Collection(SocketTests.Collection)]
public sealed class TcpMeshTests(ITestOutputHelper output)
{
    private static readonly StreamTag Tag = new(7);

    [Fact]
    public async Task FivePartyTlsMesh_Forms_AndExchanges64MiB()
    {
        using var cluster = TestCluster.Create(5, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        var connect = Stopwatch.StartNew();
        var nets = await cluster.ConnectAllAsync();
        connect.Stop();
        try
        {
            // 5 parties x 4 peers x 4 rounds x 838,861 bytes >= 64 MiB on the wire in total.
            const int rounds = 4, length = 838_861;
            var sw = Stopwatch.StartNew();
            var sums = await Task.WhenAll(nets.Select(net => Task.Run(async () =>
            {
                var mine = new byte[length];
                var all = new byte[5 * length];
                long checksum = 0;
                for (int r = 0; r < rounds; r++)
                {
                    Fill(mine, net.PartyId, r);
                    await net.ExchangeWithAllAsync(Tag, mine, all);
                    for (int p = 0; p < 5; p++)
                    {
                        var expected = new byte[length];
                        Fill(expected, p, r);
                        Assert.True(expected.AsSpan().SequenceEqual(all.AsSpan(p * length, length)),
                            $"party {net.PartyId} got wrong bytes from party {p} in round {r}");
                        checksum += all[p * length + r];
                    }
                }
                return checksum;
            })));
            sw.Stop();
            long total = nets.Sum(n => n.Stats.Snapshot().TotalBytesSent);
            Assert.True(total >= 64L << 20, $"only {total} bytes sent");
            Assert.All(nets, n => Assert.Equal(rounds, n.Stats.Rounds));
            Assert.Equal(total, nets.Sum(n => n.Stats.Snapshot().TotalBytesReceived));
            output.WriteLine($"5-party TLS mesh: connected in {connect.ElapsedMilliseconds} ms; exchanged {total / (1 << 20)} MiB " +
                $"in {sw.ElapsedMilliseconds} ms ({total / sw.Elapsed.TotalSeconds / 1e6:F0} MB/s aggregate)");
        }
        finally
        {
            await Task.WhenAll(nets.Select(n => n.DisposeAsync().AsTask()));
        }
    }

    private static void Fill(byte[] buffer, int party, int round)
    {
        new Random(party * 1000 + round).NextBytes(buffer);
    }

    [Fact]
    public async Task Tls_WithTheCertificatesTheClusterNames_Connects()
    {
        using var cluster = TestCluster.Create(2, tls: true);
        var nets = await cluster.ConnectAllAsync();
        await nets[1].SendAsync(0, Tag, new byte[] { 1, 2, 3 });
        var buffer = new byte[3];
        await nets[0].ReceiveAsync(1, Tag, buffer);
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer);
        await Task.WhenAll(nets.Select(n => n.DisposeAsync().AsTask()));
    }

    /// <summary>
    /// A party with a certificate the cluster does not pin is refused during the TLS handshake on either side, and
    /// nothing it sends is believed: both ends keep trying until their connect deadline, which names the other party
    /// and says what went wrong (the certificate), instead of failing at once on an unauthenticated message.
    /// </summary>
    [Theory]
    [InlineData(0)]   // the impostor listens
    [InlineData(1)]   // the impostor dials
    public async Task Tls_UnnamedCertificate_RefusedInTls_TimesOutNamingPeer(int impostor)
    {
        using var cluster = TestCluster.Create(2, tls: true, connectTimeout: TimeSpan.FromSeconds(3));
        using var stranger = CertificateFiles.CreateSelfSigned("stranger", "127.0.0.1");
        var identities = cluster.Identities.ToArray();
        identities[impostor] = new PartyIdentity(impostor, stranger);
        var results = await ConnectEachAsync(cluster.Cluster, cluster.Cluster, identities);
        foreach (var (party, ex) in results)
        {
            var timeout = Assert.IsType<PeerTimeoutException>(ex);
            Assert.Equal(1 - party, timeout.PeerId);
            output.WriteLine($"party {party}: {ex.Message}");
        }
        // The honest party says why: the impostor's certificate is not pinned (the impostor's own view is of a peer that closed).
        var honest = results.Single(r => r.Party != impostor).Error;
        Assert.Contains("certificate", honest.Message);
    }

    [Fact]
    public async Task DifferentSessionIds_AreRefusedOnBothSides()
    {
        using var cluster = TestCluster.Create(2, tls: true);
        var other = cluster.Cluster with { SessionId = "another-session" };
        var results = await ConnectEachAsync(cluster.Cluster, other, cluster.Identities);
        foreach (var (party, ex) in results)
        {
            var handshake = Assert.IsType<HandshakeException>(ex);
            Assert.Equal(HandshakeMismatch.SessionId, handshake.Mismatch);
            Assert.Contains("another-session", handshake.Message);
            output.WriteLine($"party {party}: {ex.Message}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DifferentClusterConfigs_RefusedBothSides_NamingTheFields(bool tls)
    {
        using var cluster = TestCluster.Create(2, tls);
        var other = cluster.Cluster with { ReceiveTimeout = cluster.Cluster.ReceiveTimeout + TimeSpan.FromSeconds(1) };
        var results = await ConnectEachAsync(cluster.Cluster, other, cluster.Identities);
        foreach (var (party, ex) in results)
        {
            var handshake = Assert.IsType<HandshakeException>(ex);
            Assert.Equal(HandshakeMismatch.ConfigHash, handshake.Mismatch);
            Assert.Contains("config hash", handshake.Message);
            Assert.Contains("they differ in timeouts.receiveSeconds (", handshake.Message);
            output.WriteLine($"party {party}: {ex.Message}");
        }
    }

    [Fact]
    public async Task ClusterConfigsDifferingInAPeersPort_NameThatField()
    {
        using var cluster = TestCluster.Create(3, tls: true);
        var parties = cluster.Cluster.Parties.ToArray();
        parties[1] = parties[1] with { Port = parties[1].Port + 1 };
        var other = cluster.Cluster with { Parties = parties };
        var t0 = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        var t2 = TcpMesh.ConnectAsync(other, cluster.Identities[2]);
        var e0 = await Assert.ThrowsAsync<HandshakeException>(() => t0.WaitAsync(TimeSpan.FromSeconds(20)));
        var e2 = await Assert.ThrowsAsync<HandshakeException>(() => t2.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("they differ in parties[1].port (", e0.Message);
        Assert.Contains("they differ in parties[1].port (", e2.Message);
        output.WriteLine(e0.Message);
    }

    /// <summary>
    /// Party 2's copy of the cluster file gives another port for party 1: party 0 refuses it in the handshake, and party 1,
    /// which is connected only to party 0 and waits for party 2, hears of it from party 0's relayed abort at once
    /// instead of waiting out its connect deadline; every party names party 2 and the field that differs.
    /// </summary>
    [Fact]
    public async Task ConfigMismatchAtOneParty_IsRelayedAtOnceToConnectedPeers()
    {
        var deadline = TimeSpan.FromSeconds(20);
        using var cluster = TestCluster.Create(3, tls: true, connectTimeout: deadline);
        var parties = cluster.Cluster.Parties.ToArray();
        parties[1] = parties[1] with { Port = FreePorts.Allocate(1)[0] };
        var edited = cluster.Cluster with { Parties = parties };
        var sw = Stopwatch.StartNew();
        var t0 = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        var t1 = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[1]);
        // Party 2 starts once parties 0 and 1 are connected to each other.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var t2 = TcpMesh.ConnectAsync(edited, cluster.Identities[2]);
        var e0 = await Assert.ThrowsAnyAsync<PeerException>(() => t0.WaitAsync(deadline * 2));
        var e1 = await Assert.ThrowsAnyAsync<PeerException>(() => t1.WaitAsync(deadline * 2));
        var e2 = await Assert.ThrowsAnyAsync<PeerException>(() => t2.WaitAsync(deadline * 2));
        sw.Stop();
        output.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s\nparty 0: {e0.Message}\nparty 1: {e1.Message}\nparty 2: {e2.Message}");
        Assert.True(sw.Elapsed < deadline / 2, $"the parties took {sw.Elapsed} to stop; the connect deadline is {deadline}");
        Assert.Equal(2, e0.PeerId);
        var relayed = Assert.IsType<PeerAbortedException>(e1);
        Assert.Equal(2, relayed.CulpritPartyId);
        Assert.Equal(0, relayed.AbortingPartyId);
        Assert.Contains("they differ in parties[1].port", e1.Message);
        Assert.Contains("they differ in parties[1].port", e2.Message);
    }

    /// <summary>Party 0 with <paramref name="config0"/>, party 1 with <paramref name="config1"/>; both must fail.</summary>
    private static async Task<(int Party, Exception Error)[]> ConnectEachAsync(ClusterConfig config0, ClusterConfig config1,
        PartyIdentity[] identities)
    {
        var t0 = TcpMesh.ConnectAsync(config0, identities[0]);
        var t1 = TcpMesh.ConnectAsync(config1, identities[1]);
        var results = new List<(int, Exception)>();
        foreach (var (party, task) in new[] { (0, t0), (1, t1) })
        {
            try
            {
                var net = await task.WaitAsync(TimeSpan.FromSeconds(20));
                await net.DisposeAsync();
                Assert.Fail($"party {party} connected although it should have been refused");
            }
            catch (PeerException ex)
            {
                results.Add((party, ex));
            }
        }
        return [.. results];
    }

    [Fact]
    public async Task MissingPeer_MakesConnectTimeOut_NamingIt()
    {
        using var cluster = TestCluster.Create(3, tls: false, connectTimeout: TimeSpan.FromSeconds(1.5));
        var sw = Stopwatch.StartNew();
        // Parties 0 and 1 start; party 2 never does.
        var t0 = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        var t1 = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[1]);
        // Each party times out on party 2 itself, or first hears the other's abort naming party 2 for the same timeout.
        var e0 = await Assert.ThrowsAnyAsync<PeerException>(() => t0);
        var e1 = await Assert.ThrowsAnyAsync<PeerException>(() => t1);
        foreach (var e in new[] { e0, e1 })
        {
            Assert.Equal(2, e.PeerId);
            Assert.True(e is PeerTimeoutException || e is PeerAbortedException && e.Message.Contains("timed out", StringComparison.Ordinal),
                e.ToString());
        }
        Assert.True(e0 is PeerTimeoutException || e1 is PeerTimeoutException, "neither party timed out itself");
        Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
        output.WriteLine(e0.Message);
    }

    [Fact]
    public async Task GarbageFrame_FailsWithMalformedFrameNamingPeer_AndAbortsBack()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        await using var fake = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0);
        await using var net = await connecting;
        var receive = net.ReceiveAsync(1, Tag, new byte[4]).AsTask();
        // a valid frame (sequence number 0)
        await fake.Stream.WriteAsync(new byte[] { 5, 0, 0x94, 0x01, 0x07, 0x04, 0x00, 0xDE, 0xAD, 0xBE, 0xEF });
        await fake.Stream.WriteAsync("this is not a frame"u8.ToArray());
        await receive;
        var ex = await Assert.ThrowsAsync<MalformedFrameException>(() => net.ReceiveAsync(1, Tag, new byte[4]).AsTask());
        Assert.Equal(1, ex.PeerId);
        output.WriteLine(ex.Message);
        var abort = await fake.ReadAbortAsync();
        Assert.Equal(1, abort.Culprit);
        Assert.Contains("malformed", abort.Reason);
    }

    [Fact]
    public async Task DoctorTimeRequest_InARun_IsAMalformedFrame()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        await using var fake = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0);
        await using var net = await connecting;
        await HandshakeIo.WriteFrameAsync(fake.Stream, FrameKind.TimeRequest, [], default);
        var ex = await Assert.ThrowsAsync<MalformedFrameException>(() => net.ReceiveAsync(1, Tag, new byte[4]).AsTask());
        Assert.Equal(1, ex.PeerId);
        Assert.Contains("unexpected TimeRequest frame", ex.Message);
    }

    [Fact]
    public async Task PeerStallingInTheMiddleOfAFrame_IsReportedAtTheDeadline()
    {
        var deadline = TimeSpan.FromSeconds(1);
        using var cluster = TestCluster.Create(2, tls: false, receiveTimeout: deadline);
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        await using var fake = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0);
        await using var net = await connecting;
        var destination = new byte[1000];
        var sw = Stopwatch.StartNew();
        var receive = net.ReceiveAsync(1, Tag, destination).AsTask();   // waiting first: the frame is written straight into it
        var header = new System.Buffers.ArrayBufferWriter<byte>();
        FrameCodec.WriteHeader(header, new System.Buffers.ArrayBufferWriter<byte>(), FrameKind.Data, Tag.Value, destination.Length);
        await fake.Stream.WriteAsync(header.WrittenMemory);
        await fake.Stream.WriteAsync(new byte[500]);   // half the payload, then silence (and no answer to probes)
        var ex = await Assert.ThrowsAsync<PeerTimeoutException>(() => receive);
        Assert.Equal(1, ex.PeerId);
        Assert.InRange(sw.Elapsed, deadline * 0.9, deadline + TimeSpan.FromSeconds(5));
        output.WriteLine($"{ex.Message} after {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task OversizedFrame_IsRejected_NamingThePeer()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        var config = cluster.Cluster with { MaxFrameBytes = 1 << 20 };
        var connecting = TcpMesh.ConnectAsync(config, cluster.Identities[0]);
        await using var fake = await FakePeer.ConnectAsync(config, me: 1, to: 0);
        await using var net = await connecting;
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        FrameCodec.WriteHeader(output, new System.Buffers.ArrayBufferWriter<byte>(), FrameKind.Data, 7, 1L << 30);
        await fake.Stream.WriteAsync(output.WrittenMemory);
        var ex = await Assert.ThrowsAsync<MalformedFrameException>(() => net.ReceiveAsync(1, Tag, new byte[4]).AsTask());
        Assert.Equal(1, ex.PeerId);
        Assert.Contains("oversized", ex.Message);
    }

    [Theory]
    [InlineData(System.Security.Authentication.SslProtocols.Tls12)]
#pragma warning disable SYSLIB0039 // obsolete protocols: offering them is the point of the test
    [InlineData(System.Security.Authentication.SslProtocols.Tls11)]
#pragma warning restore SYSLIB0039
    public async Task Tls_OlderThan13_IsRefused_EvenWithThePinnedCertificate(System.Security.Authentication.SslProtocols offered)
    {
        using var cluster = TestCluster.Create(2, tls: true, connectTimeout: TimeSpan.FromSeconds(3));
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await FakePeer.ConnectWithRetryAsync(socket, cluster.Cluster.Parties[0].Port);
        await using var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: false));
        var options = new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = offered,
            ClientCertificates = [cluster.Identities[1].Certificate!],   // party 1's real, pinned certificate
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        };
        var refused = await Record.ExceptionAsync(() => tls.AuthenticateAsClientAsync(options));
        Assert.True(refused is System.Security.Authentication.AuthenticationException or IOException,
            $"a {offered} client was not refused: {refused?.GetType().Name ?? "it connected"}");
        // The listener never forms the link: it fails naming the party it waited for.
        var ex = await Assert.ThrowsAnyAsync<PeerException>(() => connecting);
        Assert.Equal(1, ex.PeerId);
        output.WriteLine($"{offered}: client saw {refused!.GetType().Name}: {refused.Message}; listener: {ex.Message}");
    }

    /// <summary>
    /// An insecure listener cannot authenticate anyone, but it believes only a hello from a party that dials it: other
    /// bytes are refused and logged, and the listener goes on waiting for the real peer.
    /// </summary>
    [Fact]
    public async Task Insecure_NonProtocolClient_IsRefused_MeshStillForms()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        var log = new RecordingLogger();
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0], log);
        await using var stranger = await FakePeer.ConnectRawAsync(cluster.Cluster.Parties[0].Port);
        await stranger.Stream.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        string remote = stranger.Socket.LocalEndPoint!.ToString()!;
        await log.WaitForAsync(remote, TimeSpan.FromSeconds(10));
        var peer = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[1]);
        var nets = await Task.WhenAll(connecting, peer);
        await Task.WhenAll(nets.Select(n => n.DisposeAsync().AsTask()));
        Assert.Contains("does not speak the Mpc network protocol", log.Text);
        output.WriteLine(log.Text);
    }
}
