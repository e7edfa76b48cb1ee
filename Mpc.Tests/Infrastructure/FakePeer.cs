using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mpc.Net.Configuration;
using Mpc.Net.Internal;

namespace Mpc.Tests.Infrastructure;

/// <summary>
/// A hand-driven party on a real loopback socket: it dials a real listener, does the handshake as a party would (TLS
/// with whatever certificate it is given, the hello, the accept, the ready barrier), and then writes whatever a test
/// wants. Without a handshake it is an outsider: <see cref="ConnectRawAsync"/> and <see cref="ConnectTlsAsync"/>.
/// </summary>
internal sealed class FakePeer(Socket socket, Stream stream) : IAsyncDisposable
{
    public Stream Stream => stream;

    public Socket Socket => socket;

    /// <summary>The hello party <paramref name="me"/> sends to party <paramref name="to"/> of <paramref name="cluster"/>.</summary>
    public static byte[] Hello(ClusterConfig cluster, int me, int to) =>
        ControlMessages.Encode(new HelloMessage(ControlMessages.Magic, ControlMessages.Version, cluster.SessionId, me, to,
            cluster.ComputeHash(), PeerCredentials.FieldHashes(cluster)));

    /// <summary>
    /// Party <paramref name="me"/>'s whole handshake with party <paramref name="to"/> (TLS with <paramref name="certificate"/>
    /// if the cluster is not insecure), and the ready barrier unless <paramref name="ready"/> is false.
    /// </summary>
    public static async Task<FakePeer> ConnectAsync(ClusterConfig cluster, int me, int to, X509Certificate2? certificate = null,
        bool ready = true)
    {
        var peer = cluster.Insecure
            ? await ConnectRawAsync(cluster.Parties[to].Port)
            : await ConnectTlsAsync(cluster.Parties[to].Port, certificate);
        var s = peer.Stream;
        await HandshakeIo.WriteFrameAsync(s, FrameKind.Hello, Hello(cluster, me, to), default);
        var reply = await HandshakeIo.ReadFrameAsync(s, default);
        Assert.Equal(FrameKind.Hello, reply!.Value.Kind);
        await HandshakeIo.WriteFrameAsync(s, FrameKind.Accept, [], default);
        if (ready)
        {
            await HandshakeIo.WriteFrameAsync(s, FrameKind.Ready, [], default);
            var theirs = await HandshakeIo.ReadFrameAsync(s, default);
            Assert.Equal(FrameKind.Ready, theirs!.Value.Kind);
        }
        return peer;
    }

    /// <summary>A plain TCP connection to 127.0.0.1:<paramref name="port"/>, retried while nobody listens yet.</summary>
    public static async Task<FakePeer> ConnectRawAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await ConnectWithRetryAsync(socket, port);
        return new FakePeer(socket, new NetworkStream(socket, ownsSocket: false));
    }

    /// <summary>
    /// A TLS 1.3 client with <paramref name="certificate"/> (none if null) that accepts any server certificate. With TLS
    /// 1.3 the client's side of the handshake ends before the server has checked the client's certificate, so this
    /// returns even when the server refuses that certificate (the refusal shows on the first read or write).
    /// </summary>
    public static async Task<FakePeer> ConnectTlsAsync(int port, X509Certificate2? certificate)
    {
        var raw = await ConnectRawAsync(port);
        var tls = new SslStream(raw.Stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificates = certificate is null ? null : [certificate],
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        });
        return new FakePeer(raw.Socket, tls);
    }

    public static async Task ConnectWithRetryAsync(Socket socket, int port)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException) when (attempt < 200)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task<AbortMessage> ReadAbortAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var frame = await HandshakeIo.ReadFrameAsync(stream, cts.Token);
        Assert.Equal(FrameKind.Abort, frame!.Value.Kind);
        return ControlMessages.DecodeAbort(frame.Value.Payload);
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        socket.Dispose();
    }
}
