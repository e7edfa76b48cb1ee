using System.Diagnostics;
using System.Text.RegularExpressions;
using Mpc.Net;
using Mpc.Net.Internal;
using Mpc.Net.Tls;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// An outsider who can reach a listening port while the mesh forms, with a certificate of its own that the cluster does
/// not pin (or none): whatever it sends, garbage, a hello claiming to be any party, a reject claiming to come from a
/// party with text of its choice, a hello of another session, or two hundred connections at once, the listener refuses
/// it during the TLS handshake, reads none of its bytes, sends it nothing, logs its address, and the run goes on:
/// the three real parties connect and exchange as if it had never come.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class OutsiderTests(ITestOutputHelper output)
{
    private static readonly StreamTag Tag = new(11);

    public static TheoryData<string> Attacks => new(Outsider.Attacks);

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task UnpinnedClient_IsRefusedDuringTls_AndTheRunCompletes(string attack)
    {
        using var cluster = TestCluster.Create(3, tls: true, connectTimeout: TimeSpan.FromSeconds(20));
        using var outsider = CertificateFiles.CreateSelfSigned("evil", "127.0.0.1");
        var log = new RecordingLogger();
        var first = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0], log);

        string remote = await Outsider.AttackAsync(cluster.Cluster, cluster.Cluster.Parties[0].Port, outsider, attack);
        await log.WaitForAsync($"refused a connection from {remote}", TimeSpan.FromSeconds(10));

        var nets = await CompleteAndExchangeAsync(cluster, first);
        string refusal = log.Lines.Single(l => l.Contains(remote, StringComparison.Ordinal));
        Assert.Contains(attack == "no certificate" ? "presented no client certificate" : "is not pinned for any party that dials party 0",
            refusal);
        output.WriteLine(refusal);
        await Task.WhenAll(nets.Select(n => n.DisposeAsync().AsTask()));
    }

    /// <summary>Two hundred unpinned clients at once while the mesh forms: all refused, the log stays short, the run completes.</summary>
    [Fact]
    public async Task UnpinnedFlood_Refused_FewLogLinesASecond_RunCompletes()
    {
        const int clients = 200;
        using var cluster = TestCluster.Create(3, tls: true, connectTimeout: TimeSpan.FromSeconds(60));
        using var outsider = CertificateFiles.CreateSelfSigned("evil", "127.0.0.1");
        var log = new RecordingLogger();
        var clock = Stopwatch.StartNew();
        var first = TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[0], log);
        var kinds = Outsider.Attacks;
        var remotes = await Task.WhenAll(Enumerable.Range(0, clients).Select(i =>
            Task.Run(() => Outsider.AttackAsync(cluster.Cluster, cluster.Cluster.Parties[0].Port, outsider, kinds[i % kinds.Length]))));
        var nets = await CompleteAndExchangeAsync(cluster, first);
        clock.Stop();

        var lines = log.Lines;
        int oneByOne = lines.Count(l => l.Contains("refused a connection from", StringComparison.Ordinal));
        int summed = lines.Select(l => Regex.Match(l, @"refused (\d+) more connections"))
            .Where(m => m.Success)
            .Sum(m => int.Parse(m.Groups[1].Value));
        output.WriteLine($"{clients} clients in {clock.Elapsed.TotalSeconds:F1} s: {oneByOne} lines one by one, {summed} summed up; " +
            $"{lines.Count} lines in all");
        Assert.Equal(clients, oneByOne + summed);
        Assert.Contains(lines, l => remotes.Any(r => l.Contains(r, StringComparison.Ordinal)));
        // At most RefusalLog.LinesPerSecond lines a second, and one summary a second.
        double seconds = Math.Ceiling(clock.Elapsed.TotalSeconds) + 1;
        Assert.True(lines.Count <= seconds * (RefusalLog.LinesPerSecond + 1),
            $"{lines.Count} log lines in {clock.Elapsed.TotalSeconds:F1} s");
        await Task.WhenAll(nets.Select(n => n.DisposeAsync().AsTask()));
    }

    /// <summary>Starts parties 1 and 2, and has every party exchange with every other once.</summary>
    private static async Task<IPartyNetwork[]> CompleteAndExchangeAsync(TestCluster cluster, Task<IPartyNetwork> first)
    {
        var rest = Enumerable.Range(1, 2).Select(i => TcpMesh.ConnectAsync(cluster.Cluster, cluster.Identities[i])).ToList();
        var nets = await Task.WhenAll(rest.Prepend(first)).WaitAsync(TimeSpan.FromSeconds(60));
        await Task.WhenAll(nets.Select(async net =>
        {
            var all = new byte[3 * 4];
            await net.ExchangeWithAllAsync(Tag, new byte[] { 1, 2, 3, (byte)net.PartyId }, all);
            for (int p = 0; p < 3; p++) Assert.Equal(p, all[p * 4 + 3]);
        }));
        return nets;
    }
}
