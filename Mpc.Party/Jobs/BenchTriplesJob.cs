using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Protocols;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-triples</c>: times the production of --size Beaver triples by the chosen source (the OT source's base
/// OTs apart) and prints one JSON line.
/// </summary>
public sealed class BenchTriplesJob : IJob
{
    /// <inheritdoc />
    public string Name => "bench-triples";

    /// <inheritdoc />
    public string Description => "Benchmark Beaver-triple production (dealer or ot); prints a JSON line.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        SuiteOptions.PreprocessingOption(),
        SuiteOptions.SoftSpokenOption(),
        new Option<int>("--size") { Description = "Number of triples.", DefaultValueFactory = _ => 1_000_000 },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int size = context.GetOption<int>("--size");
        if (size < 1) throw new ArgumentException("--size must be positive.");
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        var source = SuiteOptions.Preprocessing(session, context);
        var barrier = new Protocols.Additive.AdditiveSuite(session, source);

        // Set-up (the OT source's base OTs) and warm-up on a few triples, then start the clock together everywhere.
        var clock = Stopwatch.StartNew();
        await source.TakeTriplesAsync(1024, ct);
        double setup = clock.Elapsed.TotalSeconds;
        await barrier.OpenAsync(barrier.Constant([default]), ct);
        var before = context.Network.Stats.Snapshot();

        clock.Restart();
        var triples = await source.TakeTriplesAsync(size, ct);
        double seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(triples);
        var after = context.Network.Stats.Snapshot();
        (source as IDisposable)?.Dispose();

        long bytes = after.TotalBytesSent - before.TotalBytesSent;
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"triples\",\"source\":\"{source.Name}\",\"softspoken_k\":{SuiteOptions.SoftSpokenBits(context)}," +
            $"\"party\":{session.PartyId},\"parties\":{session.PartyCount},\"size\":{size},\"setup_seconds\":{setup:0.######}," +
            $"\"seconds\":{seconds:0.######},\"triples_per_second\":{size / seconds:0},\"bytes_sent\":{bytes}," +
            $"\"bytes_per_triple\":{(double)bytes / size:0.#},\"rounds\":{after.Rounds - before.Rounds}}}"));
        return 0;
    }
}
