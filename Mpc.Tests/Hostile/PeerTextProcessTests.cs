using System.Buffers;
using Mpc.Net.Internal;
using Mpc.Net.Tls;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// Real <c>mpc party</c> processes meet hostile peers and outsiders: what reaches the operator's terminal is one escaped,
/// length-limited line, and an outsider cannot stop the run.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class PeerTextProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// An authenticated peer aborts with a reason full of terminal control: newlines, carriage returns, escape sequences
    /// that clear the screen, a fake launcher line, and 60 KB of text (the most a control frame carries). The party's
    /// error is still one line, escaped, within <see cref="Mpc.Core.Text.PeerText.MaxLength"/> characters of reason.
    /// </summary>
    [Fact]
    public async Task PeerAbortReason_ReachesTerminal_Escaped_OneLine_Cut()
    {
        using var cluster = TestCluster.Create(2, tls: true, connectTimeout: TimeSpan.FromSeconds(30));
        cluster.WriteFiles();
        using var party0 = MpcProcess.Start("party", "--config", cluster.PartyFile(0), "ping", "--rounds", "1000000", "--interval-ms", "5");
        await using var peer = await FakePeer.ConnectAsync(cluster.Cluster, me: 1, to: 0, cluster.Identities[1].Certificate);
        string reason = "\u001b[2J\u001b[H\rmpc launch: all 2 parties finished\r\n\u001b]0;owned\u0007" + new string('x', 60_000);
        var frame = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(frame, new ArrayBufferWriter<byte>(), FrameKind.Abort, 0, RawAbort(1, reason));
        await peer.Stream.WriteAsync(frame.WrittenMemory);
        await peer.Stream.FlushAsync();

        int code = await party0.WaitForExitAsync(ProcessTimeout);
        string stderr = party0.Stderr;
        output.WriteLine(stderr);
        Assert.Equal(1, code);
        var error = Assert.Single(stderr.Split('\n'), l => l.StartsWith("mpc: party 0 (p0) failed:", StringComparison.Ordinal));
        Assert.Contains(
            "Party 1 (p1) aborted: \\u001b[2J\\u001b[H\\rmpc launch: all 2 parties finished\\r\\n\\u001b]0;owned\\u0007xxx", error);
        Assert.DoesNotContain('\u001b', stderr + party0.Stdout);
        Assert.DoesNotContain('\r', stderr + party0.Stdout);
        Assert.DoesNotContain('\u0007', stderr + party0.Stdout);
        Assert.DoesNotContain(stderr.Split('\n').Concat(party0.Stdout.Split('\n')),
            l => l.StartsWith("mpc launch:", StringComparison.Ordinal));
        Assert.True(error.Length < 200 + Mpc.Core.Text.PeerText.MaxLength, $"the error line has {error.Length} characters");
        Assert.Matches(@"more characters\)$", error);
    }

    /// <summary>
    /// The reproduction of an outsider's abort against real processes: while party 0 waits for its peers, a TLS client
    /// with a certificate of its own sends garbage, then a hello claiming to be party 1, then a reject claiming to come
    /// from party 1 with text of its choice. Party 0 refuses each during TLS and logs its address; then the real
    /// parties start and every one finishes with exit code 0.
    /// </summary>
    [Fact]
    public async Task OutsiderDuringStartup_CannotAbortTheRun_AndIsLoggedByAddress()
    {
        using var cluster = TestCluster.Create(3, tls: true, connectTimeout: TimeSpan.FromSeconds(60));
        cluster.WriteFiles();
        using var outsider = CertificateFiles.CreateSelfSigned("evil", "127.0.0.1");
        string[] job = ["ping", "--rounds", "20"];
        using var party0 = MpcProcess.Start(["party", "--config", cluster.PartyFile(0), .. job]);
        var remotes = new List<string>();
        foreach (string attack in new[] { "garbage", "hello as party 1", "reject from party 1" })
            remotes.Add(await Outsider.AttackAsync(cluster.Cluster, cluster.Cluster.Parties[0].Port, outsider, attack));
        using var party1 = MpcProcess.Start(["party", "--config", cluster.PartyFile(1), .. job]);
        using var party2 = MpcProcess.Start(["party", "--config", cluster.PartyFile(2), .. job]);
        var codes = await Task.WhenAll(new[] { party0, party1, party2 }.Select(p => p.WaitForExitAsync(ProcessTimeout)));
        output.WriteLine(party0.Output);
        Assert.Equal([0, 0, 0], codes);
        foreach (string remote in remotes) Assert.Contains($"refused a connection from {remote}: its certificate", party0.Stderr);
        Assert.DoesNotContain("compromised", party0.Stderr + party0.Stdout);
    }

    /// <summary>An abort payload as a hostile peer writes it: MessagePack with the whole reason (an honest party cuts it).</summary>
    private static byte[] RawAbort(int culprit, string reason)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(culprit);
        writer.Write(culprit); // the reporter
        writer.Write(reason);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
