using System.Diagnostics;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// Feeds a parser generated and mutated inputs and checks the only outcomes allowed: it returns, or it throws one of
/// the documented exception types. Anything else (IndexOutOfRange, NullReference, Format, Overflow, a JSON or
/// MessagePack exception leaking out, OutOfMemory), an input that takes longer than <see cref="PerInputLimit"/> or
/// allocates more than <see cref="AllocationLimit"/>, fails the test with the run's seed, the input's index and bytes.
/// </summary>
/// <remarks>
/// The corpus is the valid seeds plus FsCheck-generated valid inputs; each is fed as it is first (and must succeed:
/// otherwise the run would only test the first check), then mutated ones (<see cref="Mutator"/>) until the count.
/// Counts: <c>MPC_FUZZ_COUNT=n</c> sets every target's count, <c>MPC_FUZZ_FULL=1</c> raises every target to at least
/// <see cref="FullCount"/>; <c>MPC_FUZZ_SEED=s</c> replays a run.
/// </remarks>
public static class FuzzRun
{
    /// <summary>The number of inputs the issue asks of every target.</summary>
    public const int FullCount = 100_000;

    /// <summary>No single input may take longer than this (a hang is a failure too).</summary>
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    /// <summary>The most an input may allocate: a fixed allowance plus a multiple of its own length.</summary>
    public static long AllocationLimit(int inputLength) => (16L << 20) + 256L * inputLength;

    /// <summary>Whether the full counts were asked for (<c>MPC_FUZZ_FULL=1</c>).</summary>
    public static bool Full => Environment.GetEnvironmentVariable("MPC_FUZZ_FULL") == "1";

    /// <summary>The count for a target whose default is <paramref name="defaultCount"/>.</summary>
    public static int CountFor(int defaultCount)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("MPC_FUZZ_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n > 0)
            return n;
        return Full ? Math.Max(defaultCount, FullCount) : defaultCount;
    }

    /// <summary>The run's seed: <c>MPC_FUZZ_SEED</c>, or a fixed one so that CI is reproducible.</summary>
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("MPC_FUZZ_SEED"), NumberStyles.AllowLeadingSign,
        CultureInfo.InvariantCulture, out int s) ? s : 20261123;

    /// <summary>
    /// Runs <paramref name="parse"/> on the corpus and then on mutated inputs, <paramref name="count"/> in all, and
    /// returns what happened. <paramref name="allowed"/> are the documented exception types (subclasses included).
    /// </summary>
    public static FuzzReport Run(ITestOutputHelper output, string target, int count, IReadOnlyList<byte[]> seeds,
        Gen<byte[]>? generated, Action<byte[]> parse, params Type[] allowed)
    {
        int seed = Seed;
        var corpus = new List<byte[]>(seeds);
        if (generated is not null) corpus.AddRange(generated.Sample(30, new Rnd((ulong)seed), Math.Min(500, count / 10 + 1)));
        Assert.NotEmpty(corpus);
        var mutator = new Mutator(corpus);
        var rng = new System.Random(seed);
        var report = new FuzzReport(target, seed);

        // The loop runs on its own thread so that an input that never returns fails the test instead of hanging it.
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < count; i++)
                {
                    bool isSeed = i < corpus.Count;
                    byte[] input = isSeed ? corpus[i] : mutator.Mutate(rng);
                    report.Current = (i, input);
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    long started = Stopwatch.GetTimestamp();
                    Exception? thrown = null;
                    try
                    {
                        parse(input);
                    }
                    catch (Exception ex)
                    {
                        thrown = ex;
                    }
                    TimeSpan took = Stopwatch.GetElapsedTime(started);
                    long bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
                    report.Record(thrown, took, bytes);
                    string where = $"{target}: input #{i} of seed {seed} ({(isSeed ? "a corpus input" : "mutated")}, " +
                        $"{input.Length} bytes: {Preview(input)})";
                    if (thrown is not null && isSeed)
                        throw new Xunit.Sdk.XunitException($"{where} is valid but was refused: {thrown}");
                    if (thrown is not null && !allowed.Any(t => t.IsInstanceOfType(thrown)))
                        throw new Xunit.Sdk.XunitException($"{where} threw an undocumented {thrown.GetType().Name}: {thrown}");
                    if (took > PerInputLimit)
                        throw new Xunit.Sdk.XunitException(
                            $"{where} took {took.TotalMilliseconds:F0} ms, over the {PerInputLimit.TotalSeconds} s limit");
                    if (bytes > AllocationLimit(input.Length))
                        throw new Xunit.Sdk.XunitException(
                            $"{where} allocated {bytes} bytes, over the limit of {AllocationLimit(input.Length)}");
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"fuzz {target}" };
        var clock = Stopwatch.StartNew();
        worker.Start();
        TimeSpan overall = TimeSpan.FromSeconds(60) + count * PerInputLimit / 1000;
        if (!worker.Join(overall))
        {
            var (index, input) = report.Current;
            throw new Xunit.Sdk.XunitException($"{target}: input #{index} of seed {seed} ({input.Length} bytes: {Preview(input)}) " +
                $"did not return: the run stopped after {overall.TotalSeconds:F0} s");
        }
        report.Elapsed = clock.Elapsed;
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        Assert.Equal(count, report.Fed);
        output.WriteLine(report.ToString());
        return report;
    }

    /// <summary>The first bytes of an input, as text when they are printable, else hex.</summary>
    public static string Preview(byte[] input)
    {
        var head = input.AsSpan(0, Math.Min(input.Length, 160));
        bool text = head.ToArray().All(b => b is (>= 0x20 and < 0x7F) or (byte)'\n' or (byte)'\r' or (byte)'\t');
        string shown = text
            ? System.Text.Encoding.ASCII.GetString(head).Replace("\n", "\\n").Replace("\r", "\\r")
            : Convert.ToHexString(head);
        return (text ? $"\"{shown}\"" : shown) + (input.Length > head.Length ? "..." : "")
            + $" base64 {Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 4096)))}";
    }
}
