using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core.Blocks;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-ot</c> (2 parties): times the 128 base OTs (Chou-Orlandi) of an IKNP pair, then --size random correlated
/// OTs (raw IKNP correlated blocks with random choices: what emp-toolkit reports as random COT) and --size
/// chosen-message OTs; party 0 is the extension sender. Prints one JSON line per party: seconds and OTs per second
/// for each timed phase, <c>bytes_per_ot</c> (the link's traffic both ways during the correlated phase, per OT),
/// and the party's total bytes sent and rounds.
/// </summary>
public sealed class BenchOtJob : IJob
{
    private const int WarmUpPairs = 5;

    /// <inheritdoc />
    public string Name => "bench-ot";

    /// <inheritdoc />
    public string Description => "Benchmark IKNP OT extension between two parties; prints a JSON line.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<int>("--size") { Description = "Number of OTs per timed batch.", DefaultValueFactory = _ => 10_000_000 },
        new Option<int>("--softspoken-k")
        {
            Description = "SoftSpoken's bits per group: 1 (IKNP), 2, 4 or 8.",
            DefaultValueFactory = _ => Mpc.Protocols.Preprocessing.OtPreprocessing.DefaultSoftSpokenBits,
        },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int size = context.GetOption<int>("--size");
        if (size < 1) throw new ArgumentException("--size must be positive.");
        int k = context.GetOption<int>("--softspoken-k");
        if (!IknpSender.SoftSpokenBitChoices.Contains(k))
            throw new ArgumentException($"--softspoken-k must be one of {string.Join(", ", IknpSender.SoftSpokenBitChoices)}, not {k}.");
        if (context.Network.PartyCount != 2) throw new ArgumentException("bench-ot runs between exactly 2 parties.");
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        var network = session.Network;
        bool isSender = session.PartyId == 0;
        int peer = 1 - session.PartyId;
        var barrierTag = session.NextTag(ProtocolChannel.ObliviousTransfer);

        // Warm-up: the first pair pays for JIT compilation (BouncyCastle's curve arithmetic above all), and enough
        // OTs and base OTs run for the hot code to reach tier-1 before the clock starts (a party process creates a
        // pair once per peer, so the cold figure is what a short run sees; the warm one compares with native code).
        var clock = Stopwatch.StartNew();
        await RunBatchesAsync(session, isSender, peer, Math.Clamp(size / 4, 4096, 1 << 21), k, ct);
        double coldSetup = clock.Elapsed.TotalSeconds;
        for (int i = 0; i < WarmUpPairs; i++)
        {
            await RunBatchesAsync(session, isSender, peer, 0, k, ct);
        }

        var choices = new ulong[(size + 63) / 64];
        session.Random.Fill<ulong>(choices);
        var blocks = new Block128[size];
        var m0 = isSender ? new Block128[size] : [];
        var m1 = isSender ? new Block128[size] : [];
        if (isSender)
        {
            session.Random.Fill<Block128>(m0);
            session.Random.Fill<Block128>(m1);
        }

        await BarrierAsync(network, peer, barrierTag, ct);
        var tag = session.NextTag(ProtocolChannel.ObliviousTransfer);
        clock.Restart();
        using var sender = isSender ? await IknpSender.CreateAsync(network, peer, tag, session.Random, k, ct) : null;
        using var receiver = isSender ? null : await IknpReceiver.CreateAsync(network, peer, tag, session.Random, k, ct);
        double baseOt = clock.Elapsed.TotalSeconds;

        // Snapshots before the barrier: once the peer has passed it, its first bytes of the phase may arrive (and be
        // counted) before our own barrier returns. The barrier's few bytes are noise at any useful size.
        var before = network.Stats.Snapshot();
        await BarrierAsync(network, peer, barrierTag, ct);
        clock.Restart();
        if (sender is not null) await sender.SendCorrelatedBlocksAsync(blocks, ct);
        else await receiver!.ReceiveCorrelatedBlocksAsync(choices, blocks, ct);
        double cot = clock.Elapsed.TotalSeconds;
        var afterCot = network.Stats.Snapshot();

        var beforeChosen = network.Stats.Snapshot();
        await BarrierAsync(network, peer, barrierTag, ct);
        clock.Restart();
        if (sender is not null) await sender.SendChosenAsync(m0, m1, ct);
        else await receiver!.ReceiveChosenAsync(choices, blocks, ct);
        double chosen = clock.Elapsed.TotalSeconds;
        var afterChosen = network.Stats.Snapshot();

        double cotBytes = (double)(Traffic(afterCot) - Traffic(before)) / size;
        double chosenBytes = (double)(Traffic(afterChosen) - Traffic(beforeChosen)) / size;
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"ot\",\"softspoken_k\":{k},\"party\":{session.PartyId},\"role\":\"{(isSender ? "sender" : "receiver")}\"," +
            $"\"parties\":2,\"size\":{size},\"base_ot_seconds\":{baseOt:0.######},\"cold_setup_seconds\":{coldSetup:0.######}," +
            $"\"seconds\":{cot:0.######},\"ots_per_second\":{size / cot:0},\"chosen_seconds\":{chosen:0.######}," +
            $"\"chosen_ots_per_second\":{size / chosen:0},\"bytes_per_ot\":{cotBytes:0.##},\"chosen_bytes_per_ot\":{chosenBytes:0.##}," +
            $"\"bytes_sent\":{afterChosen.TotalBytesSent},\"rounds\":{afterChosen.Rounds}}}"));
        GC.KeepAlive(blocks);
        return 0;
    }

    /// <summary>Bytes both ways on the link (one party's view of the whole conversation).</summary>
    private static long Traffic(NetworkStatsSnapshot stats) => stats.TotalBytesSent + stats.TotalBytesReceived;

    private static async Task RunBatchesAsync(Session session, bool isSender, int peer, int count, int k, CancellationToken ct)
    {
        var tag = session.NextTag(ProtocolChannel.ObliviousTransfer);
        var blocks = new Block128[count];
        var other = new Block128[count];
        var choices = new ulong[(count + 63) / 64];
        if (isSender)
        {
            using var sender = await IknpSender.CreateAsync(session.Network, peer, tag, session.Random, k, ct);
            await sender.SendCorrelatedBlocksAsync(blocks, ct);
            await sender.SendChosenAsync(blocks, other, ct);
        }
        else
        {
            using var receiver = await IknpReceiver.CreateAsync(session.Network, peer, tag, session.Random, k, ct);
            await receiver.ReceiveCorrelatedBlocksAsync(choices, blocks, ct);
            await receiver.ReceiveChosenAsync(choices, blocks, ct);
        }
    }

    /// <summary>Both parties start the next timed section together (one small exchange each way).</summary>
    private static async Task BarrierAsync(IPartyNetwork network, int peer, StreamTag tag, CancellationToken ct)
    {
        var token = new byte[1];
        await network.SendAsync(peer, tag, token, ct);
        await network.ReceiveAsync(peer, tag, token, ct);
    }
}
