using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Garbling;
using Mpc.Protocols;
using Mpc.Protocols.Garbling;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-garble</c> (2 parties): party 0 garbles a circuit of --size AND gates (<see cref="BenchmarkCircuits.AndLayers"/>),
/// party 1 evaluates it as the tables stream in; each prints one JSON line with its end-to-end AND gates per second and
/// bytes per AND gate (both directions). The garbler also times garbling alone, without the network.
/// </summary>
public sealed class BenchGarbleJob : IJob
{
    private const int Width = 1024;

    /// <inheritdoc />
    public string Name => "bench-garble";

    /// <inheritdoc />
    public string Description => "Benchmark Yao garbling end to end (2 parties); prints a JSON line.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<int>("--size") { Description = "AND gates in the circuit.", DefaultValueFactory = _ => 4_000_000 },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int size = context.GetOption<int>("--size");
        if (size < 1) throw new ArgumentException("--size must be positive.");
        if (context.Network.PartyCount != 2) throw new ArgumentException("bench-garble runs on exactly 2 parties.");
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        Circuit circuit = BenchmarkCircuits.AndLayers(Width, size);
        var random = new byte[Width];
        session.Random.Fill(random);
        bool[] input = random.Select(b => (b & 1) != 0).ToArray();
        OutputMode[] outputs = [OutputMode.RevealToEvaluator];

        double seconds;
        double? pure = null;
        long before, receivedBefore;
        if (session.PartyId == 0)
        {
            pure = PureGarbling(circuit, session);
            using var garbler = await Garbler.CreateAsync(session, evaluator: 1, ct);
            // Warm-up on the same circuit: code tiered up, buffers allocated.
            await garbler.GarbleAsync(circuit, [GarblerInput.Own(input), GarblerInput.FromEvaluator], outputs, ct);
            (before, receivedBefore) = Traffic(context);
            var clock = Stopwatch.StartNew();
            await garbler.GarbleAsync(circuit, [GarblerInput.Own(input), GarblerInput.FromEvaluator], outputs, ct);
            seconds = clock.Elapsed.TotalSeconds;
        }
        else
        {
            using var evaluator = await Evaluator.CreateAsync(session, garbler: 0, ct);
            await evaluator.EvaluateAsync(circuit, [EvaluatorInput.FromGarbler, EvaluatorInput.Own(input)], outputs, ct);
            (before, receivedBefore) = Traffic(context);
            var clock = Stopwatch.StartNew();
            await evaluator.EvaluateAsync(circuit, [EvaluatorInput.FromGarbler, EvaluatorInput.Own(input)], outputs, ct);
            seconds = clock.Elapsed.TotalSeconds;
        }
        var after = context.Network.Stats.Snapshot();
        long sent = after.TotalBytesSent - before, traffic = sent + after.TotalBytesReceived - receivedBefore;
        string role = session.PartyId == 0 ? "garbler" : "evaluator";
        string pureField = pure is { } p ? string.Create(CultureInfo.InvariantCulture, $",\"pure_garbling_and_per_second\":{p:0}") : "";
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"garble\",\"party\":{session.PartyId},\"role\":\"{role}\",\"and_gates\":{size},\"seconds\":{seconds:0.######}," +
            $"\"and_per_second\":{size / seconds:0},\"bytes_sent\":{sent},\"bytes_per_and\":{(double)traffic / size:0.###}{pureField}}}"));
        return 0;
    }

    private static (long Sent, long Received) Traffic(JobContext context)
    {
        var stats = context.Network.Stats.Snapshot();
        return (stats.TotalBytesSent, stats.TotalBytesReceived);
    }

    /// <summary>AND gates per second of <see cref="HalfGates.Garble"/> alone, best of three runs after a warm-up.</summary>
    private static double PureGarbling(Circuit circuit, Session session)
    {
        var labels = new Block128[circuit.InputCount];
        session.Random.Fill<Block128>(labels);
        Block128 delta = labels[0].WithLsb(true);
        var wires = new Block128[circuit.WireCount];
        var tables = new Block128[HalfGates.BlocksPerAnd * circuit.AndCount];
        HalfGates.Garble(circuit, delta, labels, wires, tables);
        double best = double.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            HalfGates.Garble(circuit, delta, labels, wires, tables, (ulong)(run + 1) * (ulong)circuit.AndCount);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return circuit.AndCount / best;
    }
}
