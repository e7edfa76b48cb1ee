using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Expressions;
using Mpc.Protocols.Malicious;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-mul</c>: times vector multiplications of --size elements (with truncation when --fixed-point),
/// preprocessing apart from the online phase, and prints one JSON line. One untimed multiplication of the full size
/// comes first (it grows the transport's buffers and the heap), then --repeat timed ones, each with its own
/// preprocessing: <c>online_seconds</c> and <c>ops_per_second</c> are their median, <c>best_ops_per_second</c>
/// their best. With --security malicious the timed part includes the MAC check of the product, as a run's output would
/// wait for it.
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
        new Option<string>("--syntax")
        {
            Description = "explicit (suite.MultiplyAsync) or natural (x * y on Secret values, run by SecretContext): the same product.",
            DefaultValueFactory = _ => "explicit",
        }.AcceptOnlyFromAmong("explicit", "natural"),
        new Option<int>("--repeat")
        {
            Description = "Timed multiplications after one untimed (median and best reported).",
            DefaultValueFactory = _ => 5,
        },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int size = context.GetOption<int>("--size");
        bool fixedPoint = context.GetOption<bool>("--fixed-point");
        if (size < 1) throw new ArgumentException("--size must be positive.");
        int repeat = context.GetOption<int>("--repeat");
        if (repeat < 1) throw new ArgumentException("--repeat must be positive.");
        string truncation = SuiteOptions.Truncation(context);
        bool malicious = SuiteOptions.Malicious(context);
        if (malicious && fixedPoint) SuiteOptions.RequireSemiHonest("malicious", "bench-mul --fixed-point");
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        string suiteName = SuiteOptions.Suite(context);
        bool natural = context.GetOption<string>("--syntax") == "natural";
        var runs = suiteName switch
        {
            _ when malicious =>
                await TimeAsync(await SuiteOptions.MaliciousShamir(session, context, ct), size, fixedPoint, repeat, null, natural, ct),
            "shamir" => await TimeAsync(SuiteOptions.Shamir(session, context), size, fixedPoint, repeat, null, natural, ct),
            "replicated" => await TimeAsync(SuiteOptions.Replicated(session, truncation), size, fixedPoint, repeat, null, natural, ct),
            _ => await TimeAdditiveAsync(session, context, size, fixedPoint, repeat, natural, ct),
        };

        var stats = context.Network.Stats.Snapshot();
        double online = BenchStatistics.Median(runs.Select(r => r.Online));
        double pre = BenchStatistics.Median(runs.Select(r => r.Preprocessing));
        double best = runs.Min(r => r.Online);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"mul\",\"suite\":\"{suiteName}\",\"security\":\"{(malicious ? "malicious" : "semi-honest")}\"," +
            $"\"fixed_point\":{(fixedPoint ? "true" : "false")},\"syntax\":\"{(natural ? "natural" : "explicit")}\"," +
            $"\"party\":{session.PartyId},\"parties\":{session.PartyCount},\"size\":{size},\"repeat\":{repeat}," +
            $"\"online_seconds\":{online:0.######},\"preprocessing_seconds\":{pre:0.######},\"ops_per_second\":{size / online:0}," +
            $"\"best_ops_per_second\":{size / best:0},\"online_bytes_sent\":{runs[0].BytesSent},\"bytes_sent\":{stats.TotalBytesSent}," +
            $"\"rounds\":{stats.Rounds}}}"));
        return 0;
    }

    private static async Task<List<Run>> TimeAdditiveAsync(Session session, JobContext context, int size, bool fixedPoint, int repeat,
        bool natural, CancellationToken ct)
    {
        var buffered = new BufferedPreprocessing(SuiteOptions.Preprocessing(session, context));
        var suite = SuiteOptions.Additive(session, buffered, context);
        return await TimeAsync(suite, size, fixedPoint, repeat, buffered, natural, ct);
    }

    /// <summary>One timed multiplication: its preprocessing and online seconds, and the bytes this party sent online.</summary>
    private readonly record struct Run(double Preprocessing, double Online, long BytesSent);

    private static async Task<List<Run>> TimeAsync<T>(IArithmeticSuite<T> suite, int size, bool fixedPoint, int repeat,
        BufferedPreprocessing? buffered, bool natural, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        // Warm up the code paths on a small vector, then synchronise with one opening.
        var small = suite.Constant(new T[1024]);
        var square = await suite.MultiplyAsync(small, small, ct);
        if (fixedPoint) await suite.MultiplyAndTruncateAsync(small, square, 16, ct);
        var x = await suite.InputAsync(0, new T[size], size, ct);
        var y = await suite.InputAsync(suite.Session.PartyCount - 1, new T[size], size, ct);
        await suite.OpenAsync(suite.Constant(new T[1]), ct);

        // The natural syntax multiplies the same shares: x * y on Secret values, run by the context (a node per product).
        var secure = natural ? SecretContext.For(suite) : null;
        var product = secure is null
            ? null
            : (Func<CancellationToken, ValueTask<SharedVector<T>>>)(token =>
                secure.SharesAsync(secure.FromShares(x, !fixedPoint) * secure.FromShares(y, !fixedPoint), token));
        await TimeOneAsync(suite, x, y, fixedPoint, buffered, product, ct);
        var runs = new List<Run>(repeat);
        for (int i = 0; i < repeat; i++) runs.Add(await TimeOneAsync(suite, x, y, fixedPoint, buffered, product, ct));
        return runs;
    }

    private static async Task<Run> TimeOneAsync<T>(IArithmeticSuite<T> suite, SharedVector<T> x, SharedVector<T> y, bool fixedPoint,
        BufferedPreprocessing? buffered, Func<CancellationToken, ValueTask<SharedVector<T>>>? natural, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int size = x.Length;
        var clock = Stopwatch.StartNew();
        if (buffered is not null)
        {
            await buffered.PrepareTriplesAsync(size, ct);
            if (fixedPoint) await buffered.PrepareTruncationMasksAsync(size, 16, ct);
        }
        if (suite is MaliciousShamirSuite<Mersenne127> maliciousShamir) await maliciousShamir.PrepareMultiplicationMasksAsync(size, ct);
        if (suite is ShamirSuite<Mersenne127> shamir)
        {
            if (fixedPoint) await shamir.PrepareTruncationMasksAsync(size, 16, ct);
            else await shamir.PrepareMultiplicationMasksAsync(size, ct);
        }
        double preprocessing = clock.Elapsed.TotalSeconds;
        await suite.OpenAsync(suite.Constant(new T[1]), ct); // barrier: the online clock starts together everywhere

        long before = suite.Session.Network.Stats.Snapshot().TotalBytesSent;
        clock.Restart();
        var z = natural is not null ? await natural(ct)
            : fixedPoint ? await suite.MultiplyAndTruncateAsync(x, y, 16, ct) : await suite.MultiplyAsync(x, y, ct);
        if (suite is MaliciousShamirSuite<Mersenne127> malicious) await malicious.VerifyAsync(ct);
        double online = clock.Elapsed.TotalSeconds;
        long sent = suite.Session.Network.Stats.Snapshot().TotalBytesSent - before;
        GC.KeepAlive(z);
        return new Run(preprocessing, online, sent);
    }
}
