using System.Diagnostics;
using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Malicious;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Protocols.Harness;
using Xunit.Abstractions;

namespace Mpc.Tests.Protocols;

/// <summary>
/// Input privacy against one party, for every configuration that trusts nobody: party 0's view (everything it holds
/// and everything it receives) is distributed alike whatever party 1's input, so it does not determine that input.
/// The party-0 dealer configuration, which trusts party 0, fails the same test; with an external dealer (a fourth
/// process that computes nothing), party 0 is an ordinary party again and the test passes.
/// </summary>
/// <remarks>
/// <para>One program for every configuration (<see cref="ProgramAsync{T}"/>): x (party 1's input) and y (the last
/// party's), their product, the product truncated by 16 bits, [x &lt; 0], and the opening of that comparison only. The
/// two input cases A and B give x the same signs, so everything opened is the same in both; the product and its
/// truncation, which differ, are never opened.</para>
/// <para>Every trial fixes party 0's private seed, and with it all its randomness: its own draws and, since the
/// lower id draws each pairwise seed, its seed with every peer. Only the others' seeds change from trial to trial
/// (derived from the case and the trial index, so every run is the same run). What varies over the trials is
/// therefore exactly what party 0 cannot know; for a secure protocol its view must then be distributed alike in A
/// and B, since the outputs it learns are the same.</para>
/// <para>The test is a two-sample chi-square (homogeneity) test between the histograms of party 0's view words in A
/// and B, at significance 0.001. Each 64-bit word is binned by its three low and three high bits (64 bins), as in
/// <see cref="Replicated.ReplicatedViewTests"/>. Words that do not depend on the trial (what party 0's fixed seed
/// alone decides) fall alike in both histograms; words that depend on x but are masked by the others' fresh
/// randomness are spread alike; only words that depend on x and on nothing party 0 does not know can differ.</para>
/// </remarks>
public sealed class ViewIndependenceTests(ITestOutputHelper output)
{
    private const int Length = 64;
    private const int TruncationBits = 16;
    private const int ComparisonBits = 32;
    private const int Viewer = 0;
    private const int Bins = 64;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Party 0's private seed, the same in every trial of every case.</summary>
    private static readonly byte[] ViewerSeed = "view-independent"u8.ToArray();

    // Inputs: |x|, |y| < 2^20, so products stay below 2^40 and truncate well within every suite's range. A and B share
    // the signs of x (one in three negative) and differ in every magnitude.
    private static readonly long[] CaseA = Inputs(i => (i % 3 == 0 ? -1 : 1) * (1 + (i * 7919L + 13) % 1_000_000));
    private static readonly long[] CaseB = Inputs(i => (i % 3 == 0 ? -1 : 1) * (1 + (i * 104_729L + 500_000) % 1_000_000));
    private static readonly long[] Y = Inputs(i => (i % 2 == 0 ? 1 : -1) * (1 + (i * 31_337L + 7) % 900_000));

    /// <summary>What party 0 holds at the end: its shares of every value, and what was opened.</summary>
    private sealed record Held<T>(T[][] Shares, T[] Opened) where T : unmanaged, IRing<T>;

    /// <summary>
    /// Party 0's view in one trial: its received frames, and the words of its view by part (what it received, by the
    /// channel of the frame's tag, and what it holds).
    /// </summary>
    private sealed record Observation(IReadOnlyList<(int Peer, StreamTag Tag, byte[] Payload)> Frames,
        IReadOnlyDictionary<string, ulong[]> Parts, ulong[] XShare);

    /// <summary>The two-sample statistic over one set of words of the view, in A and B.</summary>
    private sealed record Homogeneity(string Part, double Statistic, int DegreesOfFreedom, long Words)
    {
        public double Critical => ChiSquare.Critical001(DegreesOfFreedom);

        public override string ToString() =>
            $"{Part}: chi-square {Statistic:F1}, critical {Critical:F1} (df {DegreesOfFreedom}), {Words} words a case";
    }

    [Theory]
    [InlineData("replicated", 150)]
    [InlineData("shamir-3", 100)]
    [InlineData("shamir-5", 60)]
    [InlineData("additive-ot-2", 20)]
    [InlineData("additive-ot-2-bulk", 20)]
    [InlineData("additive-external-dealer", 100)]
    [InlineData("shamir-malicious-3", 40)]
    [InlineData("shamir-malicious-4", 30)]
    public async Task TrustFree_OnePartysView_IsAlikeWhateverAnotherPartysInput(string configuration, int trials)
    {
        var (view, parts) = await CompareAsync(configuration, trials);
        Assert.True(view.Statistic < view.Critical, $"{configuration}: party 0's views of two inputs of party 1 differ: {view}.");
        // Each part alone too: an OT configuration's view is mostly OT extension traffic (about 50 words for every
        // word of the online phase), which would dilute a leak in the online phase in the whole view's histogram.
        foreach (var part in parts)
            Assert.True(part.Statistic < part.Critical,
                $"{configuration}: party 0's views of two inputs of party 1 differ in one part: {part}.");
    }

    /// <summary>
    /// The actively secure suite with inputs masked by zero instead of a random [rho] (a deliberately broken variant):
    /// the owner then sends its values in the clear. The same two-sample test, over the frames party 0 receives from
    /// party 1 during party 1's input (the first two of the input's size: the masked values and a dealing of rho's
    /// MAC; in the whole view they are a few hundred words among a million from the random bits), tells the two inputs
    /// apart; over the same frames of the real suite it does not.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MaliciousShamir_InputFrames_DependOnTheInputOnlyWithoutMasks(bool masked)
    {
        const int trials = 20;
        var (a, b) = (new long[Bins], new long[Bins]);
        string configuration = masked ? "shamir-malicious-3" : "shamir-malicious-unmasked-3";
        for (int trial = 0; trial < trials; trial++)
        {
            foreach (var (x, @case, counts) in new[] { (CaseA, 0, a), (CaseB, 1, b) })
            {
                var observation = await ObserveAsync(configuration, x, @case, trial);
                // Binned by bits 14..19: the two cases' magnitudes differ there, while their low bits are, by their
                // construction, the same residues in another order (a leak of x itself would hide in Count's bins).
                foreach (var frame in observation.Frames.Where(f => f.Peer == 1 && f.Payload.Length == Length * 16).Take(2))
                    foreach (var word in Words<Mersenne127>(frame.Payload)) counts[(int)((word >> 14) & (Bins - 1))]++;
            }
        }
        var test = Test("party 1's input frames", a, b);
        output.WriteLine($"{configuration}: {test}");
        if (masked) Assert.True(test.Statistic < test.Critical, $"the masked inputs' frames differ: {test}.");
        else Assert.True(test.Statistic >= test.Critical, $"party 0's views of two inputs look alike: {test}.");
    }

    [Fact]
    public async Task DealerConfiguration_LetsPartyZeroReadAnotherPartysInputs()
    {
        // Party 0 deals every triple and mask, and then computes with them. Its seed being fixed, so is everything it
        // dealt, every party's shares included: the same triples (a, b, c) and masks in every trial. The Beaver
        // opening d = x - a, e = y - b is then the same in every trial of a case, but not the same in A as in B; and
        // so is everything after it: every party's share of the product, c_i + d b_i + e a_i (+ d e at party 0), which
        // party 0 holds (i = 0) or receives masked by nothing but the truncation mask it dealt (i = 1, 2, in the
        // truncation's opening), and so on down the program. (The shares of d it receives are masked one by one,
        // party 1's by party 2's fresh share of x, but their sum is d.) Party 0's view of A sits at one point, its
        // view of B at another: the histograms come nowhere near each other.
        const int trials = 60;
        var (view, _) = await CompareAsync("additive-dealer", trials);
        Assert.True(view.Statistic >= view.Critical, $"additive-dealer: party 0's views of two inputs look alike: {view}.");

        // And directly: party 0 reads x. It chose every pairwise seed, so it can derive every other party's share of
        // the triple it dealt (a_p from the PRG it shares with p, keyed by the dealing's tag). Here the library's own
        // dealing derives them, replayed over a fresh cluster in which party 0 has its seed again: the non-dealers'
        // shares depend on nothing but the seeds party 0 chose, so whatever the replay's other seeds, they are the
        // run's. Then x = x_0 + sum over p != 0 of (d_p + a_p), with x_0 party 0's share of x and d_p = x_p - a_p
        // party p's share of d, received in the product's opening (the first frame party 0 receives from p).
        var observation = await ObserveAsync("additive-dealer", CaseB, @case: 1, trial: 0);
        var dealt = await LocalParties.RunAsync(InMemoryNetwork.CreateCluster(3, Timeout), async s =>
            (await new DealerPreprocessing(s).TakeTriplesAsync(Length)).A, id => id == Viewer ? ViewerSeed : OtherSeed(7, 7, id));
        var recovered = (ulong[])observation.XShare.Clone();
        for (int p = 1; p < 3; p++)
        {
            var opening = observation.Frames.First(f => f.Peer == p);
            var words = MemoryMarshal.Cast<byte, ulong>(opening.Payload);
            Assert.Equal(2 * Length, words.Length); // d_p then e_p
            for (int i = 0; i < Length; i++) recovered[i] = unchecked(recovered[i] + words[i] + dealt[p][i].Value);
        }
        Assert.Equal(CaseB.Select(v => (ulong)v), recovered);
    }

    /// <summary>
    /// Runs the program <paramref name="trials"/> times for each case and compares party 0's views: the two-sample
    /// chi-square over every word it received and holds (the view), and over each part alone.
    /// </summary>
    private async Task<(Homogeneity View, Homogeneity[] Parts)> CompareAsync(string configuration, int trials)
    {
        Assert.All(Enumerable.Range(0, Length), i => Assert.True(CaseA[i] != CaseB[i] && Math.Sign(CaseA[i]) == Math.Sign(CaseB[i])));
        var clock = Stopwatch.StartNew();
        var counts = new SortedDictionary<string, (long[] A, long[] B)>(StringComparer.Ordinal);
        for (int trial = 0; trial < trials; trial++)
        {
            var a = await ObserveAsync(configuration, CaseA, 0, trial);
            var b = await ObserveAsync(configuration, CaseB, 1, trial);
            foreach (var (observation, inA) in new[] { (a, true), (b, false) })
            {
                foreach (var (part, words) in observation.Parts)
                {
                    if (!counts.TryGetValue(part, out var histograms)) counts[part] = histograms = (new long[Bins], new long[Bins]);
                    Count(words, inA ? histograms.A : histograms.B);
                }
            }
        }
        var parts = counts.Select(p => Test(p.Key, p.Value.A, p.Value.B)).ToArray();
        var view = Test("view", Sum(counts.Values.Select(p => p.A)), Sum(counts.Values.Select(p => p.B)));
        output.WriteLine($"{configuration}, {trials} trials a case, {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"  {view}");
        foreach (var part in parts) output.WriteLine($"  {part}");
        return (view, parts);

        static long[] Sum(IEnumerable<long[]> histograms) =>
            histograms.Aggregate(new long[Bins], (sum, h) => sum.Zip(h, (x, y) => x + y).ToArray());
    }

    private static Task<Observation> ObserveAsync(string configuration, long[] x, int @case, int trial) => configuration switch
    {
        "replicated" => ObserveAsync(3, Now<Z2kPair>(s => (new ReplicatedSuite(s), null)), x, @case, trial),
        "shamir-3" => ObserveAsync(3, Now<Mersenne127>(s => (new ShamirSuite<Mersenne127>(s), null)), x, @case, trial),
        "shamir-5" => ObserveAsync(5, Now<Mersenne127>(s => (new ShamirSuite<Mersenne127>(s), null)), x, @case, trial),
        "shamir-malicious-3" => ObserveAsync<Mersenne127>(3, Malicious(randomInputMasks: true), x, @case, trial),
        "shamir-malicious-4" => ObserveAsync<Mersenne127>(4, Malicious(randomInputMasks: true), x, @case, trial),
        "shamir-malicious-unmasked-3" => ObserveAsync<Mersenne127>(3, Malicious(randomInputMasks: false), x, @case, trial),
        "additive-ot-2" => ObserveAsync(2, Now<Z2k>(WithOt), x, @case, trial),
        "additive-ot-3" => ObserveAsync(3, Now<Z2k>(WithOt), x, @case, trial),
        // The 2-party default of train-lr: the whole program's material made in bulk first, from a rehearsal's plan.
        "additive-ot-2-bulk" => ObserveAsync(2, WithOtInBulk(x), x, @case, trial),
        "additive-dealer" => ObserveAsync(3, Now<Z2k>(s => (new AdditiveSuite(s, new DealerPreprocessing(s)), null)), x, @case, trial),
        // The dealer is a fourth member of the mesh: party 0's view takes in its corrections as well.
        "additive-external-dealer" => ObserveAsync(3,
            Now<Z2k>(s => (new AdditiveSuite(s, new DealerPreprocessing(s, DealerParties.LinkOf(s))), null)), x, @case, trial,
            externalDealer: true),
        _ => throw new ArgumentOutOfRangeException(nameof(configuration), configuration, null),
    };

    // Made in rounds, unlike the others.
    private static Func<Session, ValueTask<(IArithmeticSuite<Mersenne127>, IDisposable?)>> Malicious(bool randomInputMasks) =>
        async s =>
        {
            var suite = await MaliciousShamirSuite<Mersenne127>.CreateAsync(s);
            suite.RandomInputMasks = randomInputMasks;
            return (suite, null);
        };

    // A suite made at once, as most are.
    private static Func<Session, ValueTask<(IArithmeticSuite<T>, IDisposable?)>> Now<T>(
        Func<Session, (IArithmeticSuite<T>, IDisposable?)> create) where T : unmanaged, IRing<T> =>
        s => new(create(s));

    private static (IArithmeticSuite<Z2k>, IDisposable?) WithOt(Session s)
    {
        var ot = new OtPreprocessing(s);
        return (new AdditiveSuite(s, ot), ot);
    }

    private static Func<Session, ValueTask<(IArithmeticSuite<Z2k>, IDisposable?)>> WithOtInBulk(long[] x) => async s =>
    {
        var ot = new OtPreprocessing(s);
        var planned = new PlannedPreprocessing(ot);
        var plan = await PreprocessingPlan.RecordAsync(s, planned,
            (rehearsal, source, _) => ProgramAsync(new AdditiveSuite(rehearsal, source), x, Y));
        await planned.PrepareAsync(plan);
        return (new AdditiveSuite(s, planned), ot);
    };

    /// <summary>One trial: every party runs the program; party 0's network records what it receives.</summary>
    private static async Task<Observation> ObserveAsync<T>(int parties,
        Func<Session, ValueTask<(IArithmeticSuite<T> Suite, IDisposable? Owned)>> create, long[] x, int @case, int trial,
        bool externalDealer = false)
        where T : unmanaged, IRing<T>
    {
        var networks = InMemoryNetwork.CreateCluster(parties + (externalDealer ? 1 : 0), Timeout);
        var recorder = new RecordingNetwork(networks[Viewer]);
        networks[Viewer] = recorder;
        Func<Session, Task<Held<T>>> program = async s =>
        {
            var (suite, owned) = await create(s);
            try
            {
                return await ProgramAsync(suite, x, Y);
            }
            finally
            {
                owned?.Dispose();
            }
        };
        Func<int, byte[]> seeds = id => id == Viewer ? ViewerSeed : OtherSeed(@case, trial, id);
        var held = externalDealer
            ? (await DealerParties.RunAsync(networks, program, seeds)).Results
            : await LocalParties.RunAsync(networks, program, seeds);

        var mine = held[Viewer];
        // The program ran: the one output is [x < 0], the same in both cases.
        Assert.Equal(x.Select(v => v < 0 ? 1 : 0), mine.Opened.Select(v => (int)T.ToSignedInt128(v)));
        var frames = recorder.Received;
        // Received words by the channel of their frame's tag (Session composes a tag as channel << 27 | counter; were
        // that to change, the parts would be cut differently, still by what party 0 sees alike in both cases).
        var parts = frames.GroupBy(f => $"received on {(ProtocolChannel)(f.Tag.Value >> 27)}")
            .ToDictionary(g => g.Key, g => g.SelectMany(f => Words<T>(f.Payload)).ToArray());
        parts["held"] = mine.Shares.Append(mine.Opened).SelectMany(v => Words<T>(MemoryMarshal.AsBytes(v.AsSpan()).ToArray())).ToArray();
        return new Observation(frames, parts, MemoryMarshal.Cast<T, ulong>(mine.Shares[0].AsSpan()).ToArray());
    }

    /// <summary>
    /// The program every configuration runs: x from party 1, y from the last party, x y, x y truncated by 16 bits,
    /// [x &lt; 0]; only the comparison is opened.
    /// </summary>
    private static async Task<Held<T>> ProgramAsync<T>(IArithmeticSuite<T> suite, long[] x, long[] y) where T : unmanaged, IRing<T>
    {
        var session = suite.Session;
        int last = session.PartyCount - 1;
        var sx = await suite.InputAsync(1, session.PartyId == 1 ? x.Select(T.FromInt64).ToArray() : ReadOnlyMemory<T>.Empty, Length);
        var sy = await suite.InputAsync(last, session.PartyId == last ? y.Select(T.FromInt64).ToArray() : ReadOnlyMemory<T>.Empty, Length);
        var product = await suite.MultiplyAsync(sx, sy);
        var scaled = await suite.TruncateAsync(product, TruncationBits);
        var negative = await suite.LessThanZeroAsync(sx, ComparisonBits);
        var opened = await suite.OpenAsync(negative);
        return new Held<T>([sx.LocalShares.ToArray(), sy.LocalShares.ToArray(), product.LocalShares.ToArray(), scaled.LocalShares.ToArray(),
            negative.LocalShares.ToArray()], opened);
    }

    /// <summary>
    /// The 64-bit words of a payload of elements of <typeparamref name="T"/> (a last partial word zero-padded). For
    /// 2^127 - 1 (16-byte elements) only each element's low word: the high word of an element of [0, 2^127 - 1) never
    /// has its top bit set, so binning it by its high bits would pile words into half the bins, while the low 64 bits
    /// of a uniform element are uniform (to within 2^-63), and so are those of a value masked statistically (x + r,
    /// with r spread over far more than 2^64, as in the truncations and comparisons): a dependence on x shows in the
    /// low word if anywhere.
    /// </summary>
    private static ulong[] Words<T>(byte[] payload) where T : unmanaged
    {
        int step = typeof(T) == typeof(Mersenne127) ? 16 : 8;
        var words = new ulong[(payload.Length + step - 1) / step];
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < words.Length; i++)
        {
            word.Clear();
            payload.AsSpan(i * step, Math.Min(8, payload.Length - i * step)).CopyTo(word);
            words[i] = BitConverter.ToUInt64(word);
        }
        return words;
    }

    /// <summary>Bins each word by its three low and three high bits.</summary>
    private static void Count(ulong[] words, long[] counts)
    {
        foreach (var v in words) counts[(int)((v & 7) | ((v >> 61) << 3))]++;
    }

    /// <summary>
    /// The two-sample chi-square homogeneity statistic, sum over bins of (a_i sqrt(B/A) - b_i sqrt(A/B))^2 / (a_i + b_i)
    /// with A and B the totals (for equal totals, sum (a_i - b_i)^2 / (a_i + b_i)), over the non-empty bins; its degrees
    /// of freedom are their number less one.
    /// </summary>
    private static Homogeneity Test(string part, long[] a, long[] b)
    {
        double totalA = a.Sum(), totalB = b.Sum(), ka = Math.Sqrt(totalB / totalA), kb = Math.Sqrt(totalA / totalB);
        double statistic = 0;
        int bins = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] + b[i] == 0) continue;
            bins++;
            double d = a[i] * ka - b[i] * kb;
            statistic += d * d / (a[i] + b[i]);
        }
        Assert.Equal(totalA, totalB); // the program's traffic does not depend on the inputs
        return new Homogeneity(part, statistic, bins - 1, a.Sum());
    }

    /// <summary>The private seed of party <paramref name="party"/> (not 0) in one trial of one case.</summary>
    private static byte[] OtherSeed(int @case, int trial, int party)
    {
        var key = new byte[16];
        BitConverter.TryWriteBytes(key.AsSpan(0, 4), @case);
        BitConverter.TryWriteBytes(key.AsSpan(4, 4), trial);
        BitConverter.TryWriteBytes(key.AsSpan(8, 4), party);
        key[15] = 0x5A;
        return key;
    }

    private static long[] Inputs(Func<int, long> value) => Enumerable.Range(0, Length).Select(value).ToArray();
}
