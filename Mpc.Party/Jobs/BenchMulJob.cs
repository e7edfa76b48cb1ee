using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-mul</c>: times one vector multiplication of --size elements (with truncation when --fixed-point),
/// preprocessing apart from the online phase, and prints one JSON line.
/// </summary>
public sealed class BenchMulJob : IJob
{
    /// <inheritdoc />
    public string Name => "bench-mul";

    /// <inheritdoc />
    public string Description => "Benchmark one secure vector multiplication; prints a JSON line.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        .. SuiteOptions.Create(),
        new Option<int>("--size") { Description = "Vector length.", DefaultValueFactory = _ => 1_000_000 },
        new Option<bool>("--fixed-point") { Description = "Fixed-point multiplication: truncate the product by 16 bits." },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int size = context.GetOption<int>("--size");
        bool fixedPoint = context.GetOption<bool>("--fixed-point");
        if (size < 1) throw new ArgumentException("--size must be positive.");
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        string suiteName = SuiteOptions.Suite(context);
        (double pre, double online) = suiteName == "shamir"
            ? await TimeAsync(SuiteOptions.Shamir(session, context), size, fixedPoint, null, ct)
            : await TimeAdditiveAsync(session, context, size, fixedPoint, ct);

        var stats = context.Network.Stats.Snapshot();
        double ops = size / online;
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"mul\",\"suite\":\"{suiteName}\",\"fixed_point\":{(fixedPoint ? "true" : "false")},\"party\":{session.PartyId},\"parties\":{session.PartyCount},\"size\":{size},\"online_seconds\":{online:0.######},\"preprocessing_seconds\":{pre:0.######},\"ops_per_second\":{ops:0},\"bytes_sent\":{stats.TotalBytesSent},\"rounds\":{stats.Rounds}}}"));
        return 0;
    }

    private static async Task<(double, double)> TimeAdditiveAsync(Session session, JobContext context, int size, bool fixedPoint, CancellationToken ct)
    {
        var buffered = new BufferedPreprocessing(SuiteOptions.Preprocessing(session, context));
        var suite = SuiteOptions.Additive(session, buffered, context);
        return await TimeAsync(suite, size, fixedPoint, buffered, ct);
    }

    private static async Task<(double Preprocessing, double Online)> TimeAsync<T>(IArithmeticSuite<T> suite, int size, bool fixedPoint, BufferedPreprocessing? buffered, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        // Warm up the code paths on a small vector, then synchronise with one opening.
        var small = suite.Constant(new T[1024]);
        await suite.MultiplyAndTruncateAsync(small, await suite.MultiplyAsync(small, small, ct), 16, ct);
        var x = await suite.InputAsync(0, new T[size], size, ct);
        var y = await suite.InputAsync(suite.Session.PartyCount - 1, new T[size], size, ct);
        await suite.OpenAsync(suite.Constant(new T[1]), ct);

        var clock = Stopwatch.StartNew();
        if (buffered is not null) await buffered.PrepareTriplesAsync(size, ct);
        if (suite is ShamirSuite<Mersenne127> shamir)
        {
            if (fixedPoint) await shamir.PrepareTruncationMasksAsync(size, 16, ct);
            else await shamir.PrepareMultiplicationMasksAsync(size, ct);
        }
        double preprocessing = clock.Elapsed.TotalSeconds;
        await suite.OpenAsync(suite.Constant(new T[1]), ct); // barrier: the online clock starts together everywhere

        clock.Restart();
        var z = fixedPoint ? await suite.MultiplyAndTruncateAsync(x, y, 16, ct) : await suite.MultiplyAsync(x, y, ct);
        double online = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(z);
        return (preprocessing, online);
    }
}
