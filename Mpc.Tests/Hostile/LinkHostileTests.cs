using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Mpc.Net;
using Mpc.Net.Configuration;
using Mpc.Net.Internal;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// Hostile frames over a real loopback TCP link: a hand-driven peer does the handshake and then writes truncated,
/// mistimed, mislabelled and wrongly sized frames, or mutated hellos. (Garbage, oversized and stalled frames:
/// <c>Mpc.Tests/Net/TcpMeshTests.cs</c>.)
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class LinkHostileTests(ITestOutputHelper output)
{
    private static readonly StreamTag First = new(7), Second = new(8);

    // Frames after the handshake are numbered per link direction from 0 (a frame out of sequence is malformed).
    private static byte[] DataFrame(StreamTag tag, byte[] payload, uint sequence = 0) =>
        Frame(FrameKind.Data, tag.Value, payload, sequence);

    private static byte[] Frame(FrameKind kind, uint tag, byte[] payload, uint sequence = 0)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(writer, new ArrayBufferWriter<byte>(), kind, tag, payload, sequence);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public async Task PeerClosingInTheMiddleOfAFrame_IsADisconnectNamingIt()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        var fake = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0);
        await using var net = await connecting;
        var receive = net.ReceiveAsync(1, First, new byte[100]).AsTask();
        byte[] frame = DataFrame(First, new byte[100]);
        await fake.Stream.WriteAsync(frame.AsMemory(0, frame.Length - 40));   // the header and part of the payload
        await fake.DisposeAsync();
        var ex = await Assert.ThrowsAsync<PeerDisconnectedException>(() => receive);
        Assert.Equal(1, ex.PeerId);
        Assert.Contains("middle of a frame", ex.Message);
        output.WriteLine(ex.Message);
    }

    [Fact]
    public async Task DataFrameOfTheWrongLength_IsMalformedNamingThePeer()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        await using var fake = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0);
        await using var net = await connecting;
        var receive = net.ReceiveAsync(1, First, new byte[64]).AsTask();          // waiting: the link may write into it directly
        await fake.Stream.WriteAsync(DataFrame(First, new byte[56]));              // one 8-byte element too few
        var ex = await Assert.ThrowsAsync<MalformedFrameException>(() => receive);
        Assert.Equal(1, ex.PeerId);
        Assert.Contains("has 56 bytes where the round needs 64", ex.Detail);
        var abort = await fake.ReadAbortAsync();
        Assert.Equal(1, abort.Culprit);
        output.WriteLine(ex.Message);
    }

    [Fact]
    public async Task HandshakeFrameAfterTheHandshake_IsMalformedNamingThePeer()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        await using var fake = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0);
        await using var net = await connecting;
        var receive = net.ReceiveAsync(1, First, new byte[4]).AsTask();
        await fake.Stream.WriteAsync(Frame(FrameKind.Hello, 0, FakePeer.Hello(cluster.Cluster, 1, 0)));
        var ex = await Assert.ThrowsAsync<MalformedFrameException>(() => receive);
        Assert.Equal(1, ex.PeerId);
        Assert.Contains("unexpected Hello frame after the handshake", ex.Detail);
    }

    [Fact]
    public async Task FramesOfALaterRoundArrivingFirst_WaitForTheirReceive()
    {
        // Tags keep rounds apart: a frame for the next round that overtakes the current one is queued, not mistaken.
        using var cluster = TestCluster.Create(2, tls: false);
        var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
        await using var fake = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0);
        await using var net = await connecting;
        byte[] overtaken = [.. DataFrame(Second, [2, 2, 2], sequence: 0), .. DataFrame(First, [1, 1, 1, 1], sequence: 1)];
        await fake.Stream.WriteAsync(overtaken);
        var first = new byte[4];
        var second = new byte[3];
        await net.ReceiveAsync(1, First, first);
        await net.ReceiveAsync(1, Second, second);
        Assert.Equal([1, 1, 1, 1], first);
        Assert.Equal([2, 2, 2], second);
        await fake.Stream.WriteAsync(Frame(FrameKind.Goodbye, 0, [], sequence: 2));
        await fake.DisposeAsync(); // closed first, so that the network's goodbye does not linger waiting for it
    }

    /// <summary>
    /// A listener meets mutated hellos over a real socket: it connects (the mutation did not matter), refuses with a
    /// <see cref="HandshakeException"/> (a hello from a party that may dial it, which an insecure cluster believes), or
    /// drops the connection as unauthenticated and waits on until its connect deadline; it never crashes, hangs past
    /// that deadline, or accepts the wrong party.
    /// </summary>
    [Fact]
    public async Task Listener_MutatedHellos_ConnectOrThrowHandshakeException()
    {
        int count = FuzzRun.CountFor(25);
        using var cluster = TestCluster.Create(2, tls: false, connectTimeout: TimeSpan.FromSeconds(0.5));
        byte[] hello = Frame(FrameKind.Hello, 0, FakePeer.Hello(cluster.Cluster, 1, 0));
        var mutator = new Mutator([hello]);
        var rng = new System.Random(FuzzRun.Seed);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < count; i++)
        {
            byte[] input = mutator.Mutate(rng);
            var connecting = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0]);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await FakePeer.ConnectWithRetryAsync(socket, cluster.Cluster.Parties[0].Port);
            await using var stream = new NetworkStream(socket);
            await stream.WriteAsync(input);
            // The listener answers a valid hello with its own; the fake then accepts, as a dialer would.
            // A hello cut short leaves the listener waiting for the rest: after a while the fake ends its side.
            var reply = Task.Run(async () =>
            {
                try
                {
                    using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                    var frame = await HandshakeIo.ReadFrameAsync(stream, quiet.Token);
                    if (frame is { Kind: FrameKind.Hello })
                    {
                        await HandshakeIo.WriteFrameAsync(stream, FrameKind.Accept, [], CancellationToken.None);
                        await HandshakeIo.WriteFrameAsync(stream, FrameKind.Ready, [], CancellationToken.None);
                    }
                }
                catch (OperationCanceledException)
                {
                    try
                    {
                        socket.Shutdown(SocketShutdown.Send);
                    }
                    catch (ObjectDisposedException)
                    {
                        // The listener's deadline came first and the test closed the socket.
                    }
                }
                catch (Exception ex) when (ex is IOException or FrameFormatException or ObjectDisposedException or SocketException) { }
            });
            string outcome;
            try
            {
                await using var net = await connecting.WaitAsync(TimeSpan.FromSeconds(10));
                outcome = "connected";
            }
            catch (HandshakeException ex) when (ex.PeerId == 1)
            {
                outcome = $"HandshakeException {ex.Mismatch}"; // a well-formed hello from party 1, which an insecure cluster believes
            }
            catch (PeerTimeoutException)
            {
                outcome = "connect deadline"; // refused as unauthenticated, or cut short: the listener waits, then gives up
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException(
                    $"mutated hello #{i} of seed {FuzzRun.Seed} ({FuzzRun.Preview(input)}): undocumented {ex}");
            }
            socket.Close();
            await reply;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine($"{count} mutated hellos: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}");
    }
}
