using System.Buffers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mpc.Net;
using Mpc.Net.Configuration;
using Mpc.Net.Internal;

namespace Mpc.Tests.Infrastructure;

/// <summary>
/// Someone who can reach a party's port but holds no pinned certificate: a TLS 1.3 client with a certificate of its own
/// (or none) that sends what an attacker would, and checks that nothing comes back.
/// </summary>
internal static class Outsider
{
    /// <summary>What the outsider sends once its side of the TLS handshake is done.</summary>
    public static readonly string[] Attacks = ["garbage", "hello as party 0", "hello as party 1", "hello as party 2", "hello as party 7",
        "reject from party 1", "hello of another session", "abort naming party 2", "no certificate"];

    public static byte[] Payload(ClusterConfig cluster, string attack) => attack switch
    {
        "garbage" or "no certificate" => "hello\n"u8.ToArray(),
        "hello as party 0" => Frame(FrameKind.Hello, FakePeer.Hello(cluster, 0, 0)),
        "hello as party 1" => Frame(FrameKind.Hello, FakePeer.Hello(cluster, 1, 0)),
        "hello as party 2" => Frame(FrameKind.Hello, FakePeer.Hello(cluster, 2, 0)),
        "hello as party 7" => Frame(FrameKind.Hello, FakePeer.Hello(cluster, 7, 0)),
        "reject from party 1" => Frame(FrameKind.Reject,
            ControlMessages.Encode(new RejectMessage(1, HandshakeMismatch.SessionId, "party 1 is compromised\n\u001b[2J"))),
        "hello of another session" => Frame(FrameKind.Hello, FakePeer.Hello(cluster with { SessionId = "guess" }, 2, 0)),
        "abort naming party 2" => Frame(FrameKind.Abort, ControlMessages.Encode(new AbortMessage(2, 2, "party 2 cheated"))),
        _ => throw new ArgumentOutOfRangeException(nameof(attack), attack, null),
    };

    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/> with <paramref name="certificate"/>, sends <paramref name="attack"/>'s
    /// bytes and checks that nothing comes back. Returns the outsider's address as the listener sees it.
    /// </summary>
    public static async Task<string> AttackAsync(ClusterConfig cluster, int port, X509Certificate2? certificate, string attack)
    {
        FakePeer outsider;
        try
        {
            outsider = await FakePeer.ConnectTlsAsync(port, attack == "no certificate" ? null : certificate);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return "(refused before the outsider's handshake ended)";
        }
        await using (outsider)
        {
            string remote = outsider.Socket.LocalEndPoint!.ToString()!;
            try
            {
                await outsider.Stream.WriteAsync(Payload(cluster, attack));
                await outsider.Stream.FlushAsync();
                var buffer = new byte[1024];
                using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                int read = await outsider.Stream.ReadAsync(buffer, quiet.Token);
                Assert.True(read == 0, $"an outsider was sent {read} bytes");
            }
            catch (Exception ex) when (ex is IOException or AuthenticationException or ObjectDisposedException)
            {
                // TLS 1.3: the refusal arrives as an alert on the outsider's first read or write.
            }
            return remote;
        }
    }

    public static byte[] Frame(FrameKind kind, byte[] payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(writer, new ArrayBufferWriter<byte>(), kind, 0, payload);
        return writer.WrittenSpan.ToArray();
    }
}
