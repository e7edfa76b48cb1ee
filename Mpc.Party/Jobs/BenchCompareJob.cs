using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mpc.Core;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Protocols;
using Mpc.Protocols.Malicious;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>bench-compare</c>: times exact comparisons [x &lt; 0] (<see cref="IArithmeticSuite{T}.LessThanZeroAsync"/>) of
/// --size signed --bits-bit values that party 0 inputs, and prints one JSON line. One untimed comparison of a small vector
/// comes first, then --repeat timed ones: <c>online_seconds</c> and <c>ops_per_second</c> are their median,
/// <c>best_ops_per_second</c> their best. The last run's results are opened and checked against the plaintext, so a
/// wrong comparison fails the job, naming the first wrong element.
/// </summary>
/// <remarks>
/// Each timed run includes its preprocessing: the additive suite takes its masks and triples from its source as the
/// comparison goes, and the Shamir and replicated suites make their randomness inside the comparison, with no separate
/// preprocessing phase to time apart. The inputs are public test data from a fixed seed that every party expands the
/// same way (so each can check the opened results); they are not protocol randomness.
/// </remarks>
public sealed class BenchCompareJob : IJob
{
    /// <summary>The public seed of the compared values.</summary>
    private const int InputSeed = 1;

    /// <summary>The length of the untimed warm-up comparison (or --size, if smaller).</summary>
    private const int WarmUpLength = 1024;

    /// <inheritdoc />
    public string Name => "bench-compare";

    /// <inheritdoc />
    public string Description => "Benchmark exact secure comparisons [x < 0]; prints a JSON line.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        .. SuiteOptions.Create(),
        new Option<int>("--size") { Description = "Number of comparisons.", DefaultValueFactory = _ => 100_000 },
        new Option<int>("--bits")
        {
            Description = "Input bits l: values in [-2^(l-1), 2^(l-1)) (at most the suite's comparison input bits; larger is lowered).",
            DefaultValueFactory = _ => 32,
        },
        new Option<int>("--repeat")
        {
            Description = "Timed comparisons after one untimed (median and best reported).",
            DefaultValueFactory = _ => 3,
        },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int size = context.GetOption<int>("--size");
        if (size < 1) throw new ArgumentException("--size must be positive.");
        int bits = context.GetOption<int>("--bits");
        if (bits < 2) throw new ArgumentException("--bits must be at least 2.");
        int repeat = context.GetOption<int>("--repeat");
        if (repeat < 1) throw new ArgumentException("--repeat must be positive.");
        string truncation = SuiteOptions.Truncation(context);
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        string suiteName = SuiteOptions.Suite(context);
        var result = suiteName switch
        {
            _ when SuiteOptions.Malicious(context) =>
                await TimeAsync(await SuiteOptions.MaliciousShamir(session, context, ct), size, bits, repeat, ct),
            "shamir" => await TimeAsync(SuiteOptions.Shamir(session, context), size, bits, repeat, ct),
            "replicated" => await TimeAsync(SuiteOptions.Replicated(session, truncation), size, bits, repeat, ct),
            _ => await TimeAsync(SuiteOptions.Additive(session, SuiteOptions.Preprocessing(session, context), context), size, bits,
                repeat, ct),
        };

        var stats = context.Network.Stats.Snapshot();
        double median = BenchStatistics.Median(result.Seconds), best = result.Seconds.Min();
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"compare\",\"suite\":\"{suiteName}\",\"security\":\"{context.GetOption<string>("--security")}\"," +
            $"\"party\":{session.PartyId},\"parties\":{session.PartyCount}," +
            $"\"size\":{size},\"bits\":{result.Bits},\"repeat\":{repeat},\"online_seconds\":{median:0.######}," +
            $"\"ops_per_second\":{size / median:0},\"best_ops_per_second\":{size / best:0}," +
            $"\"run_bytes_sent\":{result.RunBytesSent},\"run_rounds\":{result.RunRounds}," +
            $"\"bytes_sent\":{stats.TotalBytesSent},\"rounds\":{stats.Rounds}}}"));
        return 0;
    }

    /// <summary>
    /// The timed runs' seconds, the input bits used, and the bytes this party sent and the rounds it counted in the first
    /// timed run.
    /// </summary>
    private sealed record Timing(List<double> Seconds, int Bits, long RunBytesSent, long RunRounds);

    private static async Task<Timing> TimeAsync<T>(IArithmeticSuite<T> suite, int size, int bits, int repeat, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        bits = Math.Min(bits, suite.TruncationInputBits);
        var values = Inputs<T>(size, bits);
        bool owner = suite.Session.PartyId == 0;
        var x = await suite.InputAsync(0, owner ? values : ReadOnlyMemory<T>.Empty, size, ct);

        // Warm up the code paths on a small vector, then synchronise with one opening.
        int warmUp = Math.Min(size, WarmUpLength);
        var small = await suite.InputAsync(0, owner ? values.AsMemory(0, warmUp) : ReadOnlyMemory<T>.Empty, warmUp, ct);
        await suite.LessThanZeroAsync(small, bits, ct);
        await suite.OpenAsync(suite.Constant(new T[1]), ct);

        var seconds = new List<double>(repeat);
        var network = suite.Session.Network.Stats;
        var (runBytes, runRounds) = (0L, 0L);
        SharedVector<T>? signs = null;
        for (int i = 0; i < repeat; i++)
        {
            await suite.OpenAsync(suite.Constant(new T[1]), ct); // barrier: the clock starts together everywhere
            var before = network.Snapshot();
            var clock = Stopwatch.StartNew();
            signs = await suite.LessThanZeroAsync(x, bits, ct);
            if (suite is MaliciousShamirSuite<Mersenne127> malicious) await malicious.VerifyAsync(ct); // what an output waits for
            seconds.Add(clock.Elapsed.TotalSeconds);
            if (i > 0) continue;
            var after = network.Snapshot();
            (runBytes, runRounds) = (after.TotalBytesSent - before.TotalBytesSent, after.Rounds - before.Rounds);
        }

        Check(suite, await suite.OpenAsync(signs!, ct), values);
        return new Timing(seconds, bits, runBytes, runRounds);
    }

    /// <summary>
    /// --size values uniform in [-2^(bits-1), 2^(bits-1)), the same at every party: public test data from
    /// <see cref="InputSeed"/>.
    /// </summary>
    private static T[] Inputs<T>(int size, int bits) where T : unmanaged, IRing<T>
    {
        var key = new byte[16];
        BitConverter.TryWriteBytes(key, InputSeed);
        using var prg = new AesCtrPrg(key);
        var values = new T[size];
        var offset = Int128.One << (bits - 1);
        for (int i = 0; i < size; i++)
        {
            var raw = ((UInt128)prg.NextUInt64() << 64) | prg.NextUInt64();
            values[i] = T.FromInt128((Int128)(raw >> (128 - bits)) - offset);
        }
        return values;
    }

    /// <summary>Throws naming the first element whose opened [x &lt; 0] differs from the plaintext's.</summary>
    private static void Check<T>(IArithmeticSuite<T> suite, T[] opened, T[] values) where T : unmanaged, IRing<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            bool negative = T.ToSignedInt128(values[i]) < 0;
            if (opened[i] == (negative ? T.One : T.Zero)) continue;
            throw new MpcException(string.Create(CultureInfo.InvariantCulture,
                $"bench-compare: the {suite.Name} comparison is wrong: element {i} of {values.Length} (x < 0 is " +
                $"{(negative ? "true" : "false")}) opened to {T.ToSignedInt128(opened[i])}, not {(negative ? 1 : 0)}."));
        }
    }
}
