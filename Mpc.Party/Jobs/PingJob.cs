using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Net;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>ping</c>: every round, each party sends a message to every peer, which echoes it back (two communication
/// rounds); prints round-trip times per peer and the traffic. Checks every byte it gets back.
/// </summary>
public sealed class PingJob : IJob
{
    private static readonly StreamTag PingTag = new(0x5049_4E47);   // "PING"
    private static readonly StreamTag EchoTag = new(0x4543_484F);   // "ECHO"

    /// <inheritdoc />
    public string Name => "ping";

    /// <inheritdoc />
    public string Description => "Exchange ping/echo rounds with every peer and print round-trip times and bytes.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<int>("--rounds") { Description = "Ping rounds.", DefaultValueFactory = _ => 5 },
        new Option<int>("--size") { Description = "Bytes per ping message.", DefaultValueFactory = _ => 1024 },
        new Option<int>("--interval-ms") { Description = "Pause between rounds, in milliseconds.", DefaultValueFactory = _ => 0 },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int rounds = context.GetOption<int>("--rounds");
        int size = context.GetOption<int>("--size");
        int interval = context.GetOption<int>("--interval-ms");
        if (rounds < 1 || size < 0 || interval < 0)
            throw new ArgumentException("--rounds must be positive, --size and --interval-ms not negative.");

        var net = context.Network;
        int n = net.PartyCount, me = net.PartyId;
        var rtt = new List<double>[n];
        for (int p = 0; p < n; p++) rtt[p] = [];
        var progress = Stopwatch.StartNew();
        var total = Stopwatch.StartNew();
        var tasks = new Task<double>[n];
        var echoes = new Task[n];
        for (int round = 1; round <= rounds; round++)
        {
            for (int p = 0; p < n; p++)
            {
                if (p == me) continue;
                string name = context.Party.Cluster.Parties[p].Name;
                tasks[p] = PingAsync(net, p, name, round, size, ct);
                echoes[p] = EchoAsync(net, p, name, round, size, ct);
            }
            for (int p = 0; p < n; p++)
            {
                if (p == me) continue;
                rtt[p].Add(await tasks[p]);
                await echoes[p];
            }
            net.CountRound();
            net.CountRound();
            if (rounds <= 20 || round == 1 || progress.Elapsed >= TimeSpan.FromSeconds(1))
            {
                progress.Restart();
                var line = string.Join(", ", Enumerable.Range(0, n).Where(p => p != me)
                    .Select(p => string.Create(CultureInfo.InvariantCulture, $"party {p} {rtt[p][^1]:0.000} ms")));
                context.Out.WriteLine($"ping round {round}/{rounds}: {line}");
            }
            if (interval > 0) await Task.Delay(interval, ct);
        }
        total.Stop();

        context.Out.WriteLine($"ping: {rounds} rounds of {size} bytes with {n - 1} peers in {total.Elapsed.TotalSeconds:0.000} s");
        for (int p = 0; p < n; p++)
        {
            if (p == me) continue;
            var r = rtt[p];
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  party {p} ({context.Party.Cluster.Parties[p].Name}): " +
                $"rtt min {r.Min():0.000} ms, avg {r.Average():0.000} ms, max {r.Max():0.000} ms"));
        }
        return 0;
    }

    private static async Task<double> PingAsync(IPartyNetwork net, int peer, string peerName, int round, int size, CancellationToken ct)
    {
        var message = Pattern(net.PartyId, round, size);
        var echo = new byte[size];
        long start = Stopwatch.GetTimestamp();
        await net.SendAsync(peer, PingTag, message, ct);
        await net.ReceiveAsync(peer, EchoTag, echo, ct);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!echo.AsSpan().SequenceEqual(message)) throw new PingMismatchException(peer, peerName, "echo bytes", round);
        return ms;
    }

    private static async Task EchoAsync(IPartyNetwork net, int peer, string peerName, int round, int size, CancellationToken ct)
    {
        var ping = new byte[size];
        await net.ReceiveAsync(peer, PingTag, ping, ct);
        if (!ping.AsSpan().SequenceEqual(Pattern(peer, round, size))) throw new PingMismatchException(peer, peerName, "ping bytes", round);
        await net.SendAsync(peer, EchoTag, ping, ct);
    }

    private static byte[] Pattern(int party, int round, int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++) bytes[i] = (byte)(party * 31 + round * 7 + i);
        return bytes;
    }
}
