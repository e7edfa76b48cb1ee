using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Malicious;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Hostile;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Malicious;

/// <summary>The whole arithmetic contract, fixed point included, for the actively secure Shamir suite, N = 3..7, default t.</summary>
public sealed class MaliciousShamirContract : FixedPointContractTests<Mersenne127>
{
    protected override async ValueTask<IArithmeticSuite<Mersenne127>> CreateSuiteAsync(Session session) =>
        await MaliciousShamirSuite<Mersenne127>.CreateAsync(session);

    protected override int MinParties => 3;

    protected override bool AcceptsRawShares => false;
}

/// <summary>The same contract with t = 1, N = 3..7: every N above 3 then runs the degree check too.</summary>
public sealed class MaliciousShamirThresholdOneContract : FixedPointContractTests<Mersenne127>
{
    protected override async ValueTask<IArithmeticSuite<Mersenne127>> CreateSuiteAsync(Session session) =>
        await MaliciousShamirSuite<Mersenne127>.CreateAsync(session, threshold: 1);

    protected override int MinParties => 3;

    protected override bool AcceptsRawShares => false;
}

/// <summary>Ways a party lies in the actively secure Shamir suite, each through a hook or its network.</summary>
public enum Cheat
{
    /// <summary>Adds an error to its local product before resharing it (an additive attack on a product).</summary>
    WrongProduct,

    /// <summary>Adds an error to the MAC half of its local product.</summary>
    WrongMac,

    /// <summary>Sends one party a wrong share of an output.</summary>
    WrongOutputShare,

    /// <summary>Sends one party a wrong share of a masked value that a truncation opens.</summary>
    WrongMaskedValueShare,

    /// <summary>Sends an input's owner a wrong share of the input's mask.</summary>
    WrongInputMaskShare,

    /// <summary>As an input's owner, sends one party another masked value than the others.</summary>
    WrongMaskedInput,

    /// <summary>Sends bytes that are no field element in an opening.</summary>
    MalformedElement,

    /// <summary>Adds an error to its share of a random value's square, from which truncation and comparison masks' bits come.</summary>
    WrongRandomSquare,

    /// <summary>Adds an error to its local share of the MAC of a truncation or comparison mask's bounded high part.</summary>
    WrongMaskMac,
}

public sealed class MaliciousShamirSuiteTests(ITestOutputHelper output)
{
    private const int Length = 4;

    /// <summary>Party p's input: Length small values that depend on p, all moved by <paramref name="shift"/>.</summary>
    private static Mersenne127[] InputOf(int party, int shift = 0) =>
        Enumerable.Range(0, Length).Select(i => Mersenne127.FromInt64(1000 * (party + 1) + 7 * i - 20 + shift)).ToArray();

    /// <summary>
    /// The program: every party inputs a vector; x_0 x_(N-1) + sum x_p + X_0 X_1 + X_0^T X_1 + trunc(2^8 x_0, 8) +
    /// [x_0 &lt; 990], with X_p the 2x2 matrix of x_p (X_0 prepared for the transposed product). The truncation is of
    /// exact multiples, so exact.
    /// </summary>
    private static Task<Mersenne127[]> ProgramAsync(MaliciousShamirSuite<Mersenne127> suite, TamperingNetwork? tampering) =>
        ProgramAsync(suite, tampering, shift: 0);

    private static async Task<Mersenne127[]> ProgramAsync(MaliciousShamirSuite<Mersenne127> suite, TamperingNetwork? tampering,
        int shift)
    {
        var s = suite.Session;
        int n = s.PartyCount;
        var inputs = new List<SharedVector<Mersenne127>>();
        for (int p = 0; p < n; p++)
            inputs.Add(await suite.InputAsync(p, p == s.PartyId ? InputOf(p, shift) : ReadOnlyMemory<Mersenne127>.Empty, Length));
        var sum = inputs.Aggregate(suite.Add);
        var product = await suite.MultiplyAsync(inputs[0], inputs[n - 1]);
        var matrix = await suite.MatrixMultiplyAsync(inputs[0], inputs[1], 2, 2, 2);
        var prepared = await suite.PrepareMatrixAsync(inputs[0], 2, 2);
        var transposed = await suite.TransposedMatrixMultiplyAsync(prepared, inputs[1], 2);
        var truncated = await suite.TruncateAsync(suite.Scale(inputs[0], Mersenne127.FromInt64(256)), 8);
        var less = await suite.LessThanZeroAsync(suite.AddPublic(inputs[0], Enumerable.Repeat(Mersenne127.FromInt64(-990), Length)
            .ToArray()), 20);
        var result = suite.Add(suite.Add(suite.Add(product, sum), suite.Add(matrix, transposed)), suite.Add(truncated, less));
        await suite.VerifyAsync(); // so that what the cheater sends next belongs to the output's opening
        if (tampering is not null) tampering.Enabled = true; // armed: frame tampering, and hooks that lie in the output
        return await suite.OpenAsync(result);
    }

    private static Mersenne127[] Expected(int n, int shift = 0)
    {
        var result = new Mersenne127[Length];
        var x0 = InputOf(0, shift);
        var x1 = InputOf(1, shift);
        var xl = InputOf(n - 1, shift);
        for (int i = 0; i < Length; i++)
        {
            result[i] = x0[i] * xl[i];
            for (int p = 0; p < n; p++) result[i] += InputOf(p, shift)[i];
        }
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 2; c++)
                for (int k = 0; k < 2; k++)
                    result[r * 2 + c] += x0[r * 2 + k] * x1[k * 2 + c] + x0[k * 2 + r] * x1[k * 2 + c];
        for (int i = 0; i < Length; i++)
            result[i] += x0[i] + (Mersenne127.ToSignedInt128(x0[i]) < 990 ? Mersenne127.One : Mersenne127.Zero);
        return result;
    }

    /// <summary>
    /// The run with <paramref name="cheat"/> at party <paramref name="cheater"/>, lying to <paramref name="victim"/> where
    /// it lies to one.
    /// </summary>
    private static CheatingRun Run(Cheat cheat, int n, int cheater, int victim, int element = 1, ulong error = 1) => new()
    {
        Parties = n,
        Cheater = cheater,
        Hooks = cheat switch
        {
            Cheat.WrongProduct => (suite, _) => suite.ProductTamper = (values, _) => Changed(values, element, error),
            Cheat.WrongMac => (suite, _) => suite.ProductTamper = (_, macs) => Changed(macs, element, error),
            Cheat.WrongMaskMac => (suite, _) => suite.MaskMacTamper = macs => Changed(macs, element, error),
            Cheat.WrongOutputShare => (suite, armed) => suite.SendTamper = (kind, to, v) =>
                kind == SentMessage.OpeningShare && to == victim && armed.Enabled ? Changed(v, element, error) : v,
            Cheat.WrongMaskedValueShare => (suite, armed) => suite.SendTamper = (kind, to, v) =>
                kind == SentMessage.OpeningShare && to == victim && v.Length == Length && !armed.Enabled ? Changed(v, element, error) : v,
            Cheat.WrongInputMaskShare => (suite, _) => suite.SendTamper = (kind, _, v) =>
                kind == SentMessage.InputMaskShare ? Changed(v, element, error) : v,
            Cheat.WrongMaskedInput => (suite, _) => suite.SendTamper = (kind, to, v) =>
                kind == SentMessage.MaskedInput && to == victim ? Changed(v, element, error) : v,
            _ => null,
        },
        FrameTamper = cheat == Cheat.MalformedElement ? (_, payload) => NotElements(payload) : null,
        SquareTamper = cheat == Cheat.WrongRandomSquare ? squares => Changed(squares, element, error) : null,
    };

    private static Mersenne127[] Changed(Mersenne127[] v, int element, ulong error)
    {
        v[element % v.Length] += Mersenne127.FromUInt64(error);
        return v;
    }

    private static byte[] NotElements(byte[] payload)
    {
        for (int i = 15; i < payload.Length; i += 16) payload[i] |= 0x80; // bit 127: above p
        return payload;
    }

    /// <summary>
    /// The checks that may catch each kind of cheating first, and whether the cheater is named, for N parties and default
    /// t. A wrong square opens to a non-square half the time (caught at once), else to a wrong square (the squares'
    /// check; with N &gt; 2t + 1 the degree-2t opening has a spare share and sees it at once);
    /// masked inputs that differ leave the input's shares inconsistent, which the first opening of a value made from it
    /// (here a truncation's) sees before the digests are compared.
    /// </summary>
    private static (IntegrityCheck[] Checks, bool Named) Caught(Cheat cheat, int n) => cheat switch
    {
        Cheat.WrongProduct or Cheat.WrongMac or Cheat.WrongMaskMac => ([IntegrityCheck.MacCheck], false),
        Cheat.WrongRandomSquare => ([IntegrityCheck.SquareCheck, IntegrityCheck.OpeningConsistency], false),
        Cheat.WrongOutputShare => ([IntegrityCheck.OpeningConsistency], n % 2 == 0), // n >= 2t + 2
        Cheat.WrongMaskedValueShare or Cheat.WrongInputMaskShare => ([IntegrityCheck.OpeningConsistency], false),
        Cheat.WrongMaskedInput => ([IntegrityCheck.BroadcastConsistency, IntegrityCheck.OpeningConsistency], false),
        _ => ([IntegrityCheck.MalformedElement], true),
    };

    /// <summary>Whether the lie lands in nothing the protocol uses: a local product of a party after 2t.</summary>
    private static bool Unused(Cheat cheat, int n, int cheater) =>
        cheat is Cheat.WrongProduct or Cheat.WrongMac or Cheat.WrongMaskMac && cheater > 2 * ((n - 1) / 2);

    public static TheoryData<Cheat, int, int> EveryCheatEveryParty()
    {
        var data = new TheoryData<Cheat, int, int>();
        foreach (var cheat in Enum.GetValues<Cheat>())
            for (int n = 3; n <= 5; n++)
                for (int cheater = 0; cheater < n; cheater++)
                    data.Add(cheat, n, cheater);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCheatEveryParty))]
    public async Task Cheater_IsCaught_NothingReleased(Cheat cheat, int n, int cheater)
    {
        int victim = (cheater + 1) % n;
        var outcomes = await Run(cheat, n, cheater, victim).RunAsync(ProgramAsync);
        var (checks, named) = Caught(cheat, n);
        var honest = Enumerable.Range(0, n).Where(p => p != cheater).Select(p => outcomes[p]).ToArray();
        if (Unused(cheat, n, cheater))
        {
            // Products are reshared by parties 0..2t alone: a later party's local product is never used.
            Assert.All(honest, o => Assert.Equal(Expected(n), o.Result));
            return;
        }

        Assert.All(honest, o => Assert.Null(o.Result)); // no honest party releases anything
        Assert.All(honest, o => Assert.True(o.Error is CheatingDetectedException or PeerAbortedException, $"{o.Error}"));
        var detections = honest.Select(o => o.Error).OfType<CheatingDetectedException>().ToArray();
        Assert.NotEmpty(detections);
        Assert.All(detections, d => Assert.Contains(d.Check, checks));
        Assert.All(detections, d => Assert.Equal(named ? cheater : null, d.Culprit));
        Assert.All(detections, d => Assert.Contains("nothing was released", d.Message));
        if (named)
            Assert.All(honest.Select(o => o.Error).OfType<PeerAbortedException>(), a => Assert.Equal(cheater, a.CulpritPartyId));
    }

    /// <summary>
    /// Over real sockets (mutually authenticated TLS on loopback), every kind of lie by party 1 of 4: every honest party
    /// stops well within its deadline, none releases anything, and where the shares prove it they all name party 1.
    /// </summary>
    [Fact]
    public async Task OverTls_EveryCheat_StopsEveryHonestPartyPromptly()
    {
        const int n = 4, cheater = 1;
        using (var honestCluster = TestCluster.Create(n, tls: true, receiveTimeout: TimeSpan.FromSeconds(20)))
        {
            var honest = await new CheatingRun { Parties = n, Cheater = cheater, Connect = () => honestCluster.ConnectAllAsync() }
                .RunAsync(ProgramAsync);
            Assert.All(honest, o => Assert.Equal(Expected(n), o.Result));
            output.WriteLine($"honest run: {honest.Max(o => o.Elapsed).TotalMilliseconds:0} ms from the suite's creation to the output");
        }
        foreach (var cheat in Enum.GetValues<Cheat>())
        {
            using var cluster = TestCluster.Create(n, tls: true, receiveTimeout: TimeSpan.FromSeconds(20));
            var run = Run(cheat, n, cheater, victim: 2);
            var outcomes = await new CheatingRun
            {
                Parties = n, Cheater = cheater, Hooks = run.Hooks, FrameTamper = run.FrameTamper, SquareTamper = run.SquareTamper,
                Connect = () => cluster.ConnectAllAsync(),
            }.RunAsync(ProgramAsync);
            var (checks, named) = Caught(cheat, n);
            foreach (int p in new[] { 0, 2, 3 })
            {
                Assert.Null(outcomes[p].Result);
                Assert.True(outcomes[p].Elapsed < TimeSpan.FromSeconds(10), $"{cheat}: party {p} took {outcomes[p].Elapsed}");
                if (named) Assert.Contains("party 1", outcomes[p].Error!.Message, StringComparison.OrdinalIgnoreCase);
            }
            Assert.Contains(new[] { 0, 2, 3 }, p => outcomes[p].Error is CheatingDetectedException d && checks.Contains(d.Check));
            var slowest = new[] { 0, 2, 3 }.Max(p => outcomes[p].Elapsed);
            output.WriteLine($"{cheat}: every honest party stopped within {slowest.TotalMilliseconds:0} ms of the suite's creation");
        }
    }

    /// <summary>
    /// Products reduced by prepared double sharings (DN07, opened through kings) instead of resharing: every party's
    /// local product counts there, so a wrong one from any party is caught, naming nobody, and an honest run is right.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task PreparedDoubleSharings_WrongProductAtAnyParty_IsCaught(int n)
    {
        async Task<Mersenne127[]> Prepared(MaliciousShamirSuite<Mersenne127> suite, TamperingNetwork? tampering)
        {
            await suite.PrepareMultiplicationMasksAsync(1000);
            return await ProgramAsync(suite, tampering);
        }
        var honest = await new CheatingRun { Parties = n, Cheater = 0 }.RunAsync(Prepared);
        Assert.All(honest, o => Assert.Equal(Expected(n), o.Result));
        for (int cheater = 0; cheater < n; cheater++)
        {
            var outcomes = await Run(Cheat.WrongProduct, n, cheater, victim: (cheater + 1) % n).RunAsync(Prepared);
            var honestParties = Enumerable.Range(0, n).Where(p => p != cheater).Select(p => outcomes[p]).ToArray();
            Assert.All(honestParties, o => Assert.Null(o.Result));
            // With N > 2t + 1 the degree-2t masked product has a spare share, and the opening itself sees the error.
            Assert.Contains(honestParties, o => o.Error is CheatingDetectedException
            {
                Check: IntegrityCheck.MacCheck or IntegrityCheck.OpeningConsistency, Culprit: null,
            });
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task HonestRun_OpensThePlainResult(int n)
    {
        var outcomes = await new CheatingRun { Parties = n, Cheater = 0 }.RunAsync(ProgramAsync);
        Assert.All(outcomes, o => Assert.Equal(Expected(n), o.Result));
    }

    /// <summary>
    /// The same wrong product in the semi-honest Shamir suite goes through unseen and changes the result: what the MAC
    /// check catches above is a real change.
    /// </summary>
    [Theory]
    [InlineData(3, 0)]
    [InlineData(3, 2)]
    [InlineData(5, 1)]
    public void SemiHonest_SameWrongProduct_ChangesTheResult(int n, int cheater)
    {
        var x = InputOf(0);
        var y = InputOf(n - 1);
        var results = LocalParties.Run(n, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            if (s.PartyId == cheater) suite.ProductTamper = local => local[1] += Mersenne127.One;
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, Length);
            var sy = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<Mersenne127>.Empty, Length);
            return await suite.OpenAsync(await suite.MultiplyAsync(sx, sy));
        });
        Assert.All(results, r => Assert.NotEqual(x[1] * y[1], r[1]));
        Assert.All(results, r => Assert.Equal(x[0] * y[0], r[0]));
    }

    /// <summary>
    /// For random N, inputs, kinds of lie, elements and errors: every honest party opens the right result or aborts;
    /// none ever opens a wrong one.
    /// </summary>
    [Property(MaxTest = 30)]
    public void RandomCorruption_RightResultOrAbort_NeverWrong(byte nByte, byte cheatByte, byte cheaterByte, byte elementByte,
        ulong error, sbyte shiftByte)
    {
        int shift = shiftByte % 31; // x_0 around 990, so the comparison goes both ways
        int n = 3 + nByte % 5;
        var cheat = (Cheat)(cheatByte % Enum.GetValues<Cheat>().Length);
        int cheater = cheaterByte % n;
        int victim = (cheater + 1 + elementByte % (n - 1)) % n;
        var outcomes = Run(cheat, n, cheater, victim, elementByte % Length, error)
            .RunAsync((suite, tampering) => ProgramAsync(suite, tampering, shift)).GetAwaiter().GetResult();
        var expected = Expected(n, shift);
        for (int p = 0; p < n; p++)
        {
            if (p == cheater) continue;
            if (outcomes[p].Result is { } result) Assert.Equal(expected, result);
            else Assert.True(outcomes[p].Error is CheatingDetectedException or PeerAbortedException, $"{outcomes[p].Error}");
        }
        // A zero error changes nothing; any other is caught.
        bool changed = (cheat == Cheat.MalformedElement || error != 0) && !Unused(cheat, n, cheater);
        if (changed) Assert.All(Enumerable.Range(0, n).Where(p => p != cheater), p => Assert.Null(outcomes[p].Result));
    }

    /// <summary>Each of the 127 single-bit flips of one product, and of its MAC, is caught by the MAC check.</summary>
    [Fact]
    public async Task EverySingleBitFlip_OfAProductOrItsMac_IsCaught()
    {
        var missed = new List<string>();
        foreach (bool mac in new[] { false, true })
            for (int bit = 0; bit < 127; bit++)
            {
                var flip = Mersenne127.Create(UInt128.One << bit);
                var run = new CheatingRun
                {
                    Parties = 3,
                    Cheater = bit % 3,
                    Hooks = (suite, _) => suite.ProductTamper = (values, macs) =>
                    {
                        var local = mac ? macs : values;
                        local[bit % Length] = Mersenne127.Create(local[bit % Length].Value ^ flip.Value);
                    },
                };
                var outcomes = await run.RunAsync(ProgramAsync);
                if (outcomes.Any(o => o.Result is not null)) missed.Add($"{(mac ? "MAC" : "product")} bit {bit}");
            }
        Assert.Empty(missed);
    }

    /// <summary>
    /// A lie in one random value's square opens to a non-square half the time (caught at once); the other half it opens
    /// to a wrong square, which only the squares' check in the next verification can catch. Runs until that has
    /// happened (probability 2^-40 of 40 runs without it), and every run is caught.
    /// </summary>
    /// <summary>
    /// What a truncation opens, c = x + 2^(k-1) + r' + 2^m r'', is spread alike whatever x: bits k - 4 .. k + 1 of c are
    /// uniform for x = 2^(k-3) and for x = -2^(k-3), at 3 and 5 parties. With a high part of one bit per term (a
    /// deliberately broken variant) the same bits show x.
    /// </summary>
    [Theory]
    [InlineData(3, true)]
    [InlineData(5, true)]
    [InlineData(3, false)]
    public async Task TruncationOpening_IsUniform_BrokenHighMaskShowsX(int n, bool masked)
    {
        const int trials = 16, length = 64, bits = 16;
        foreach (int sign in new[] { 1, -1 })
        {
            var counts = new long[64];
            for (int trial = 0; trial < trials; trial++)
            {
                var opened = await LocalParties.RunAsync(n, async s =>
                {
                    var suite = await MaliciousShamirSuite<Mersenne127>.CreateAsync(s);
                    if (!masked) suite.HighMaskBits = 1;
                    int k = suite.TruncationInputBits;
                    var x = Enumerable.Repeat(Mersenne127.FromInt128(sign * (Int128.One << (k - 3))), length).ToArray();
                    var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
                    Mersenne127[]? c = null;
                    suite.OpenedTap = (what, values) => c = what.Contains("truncation") ? values : c;
                    await suite.TruncateAsync(sx, bits);
                    return (C: c!, K: k);
                }, seed: 1000 * sign + trial);
                var (c, k) = opened[0];
                foreach (var value in c) counts[(int)((Mersenne127.ToBigInteger(value) >> (k - 4)) & 63)]++;
            }
            string what = $"bits k - 4 .. k + 1 of the opened truncation values, x = {sign} 2^(k-3), {n} parties";
            if (masked) ChiSquare.AssertUniform(counts, what);
            else Assert.True(ChiSquare.Statistic(counts) > ChiSquare.Critical001(63), $"{what}: uniform without the high mask");
        }
    }

    [Fact]
    public async Task AWrongSquareThatIsStillASquare_IsCaughtByTheSquaresCheck()
    {
        int deferred = 0;
        for (int run = 0; run < 40 && deferred == 0; run++)
        {
            bool lied = false; // one square, in the first batch only
            var outcomes = await new CheatingRun
            {
                Parties = 3, Cheater = run % 3,
                SquareTamper = squares => (squares[0], lied) = (lied ? squares[0] : squares[0] + Mersenne127.FromInt64(run + 1), true),
            }.RunAsync(ProgramAsync);
            var detections = outcomes.Where((_, p) => p != run % 3).Select(o => o.Error).OfType<CheatingDetectedException>().ToArray();
            Assert.All(outcomes.Where((_, p) => p != run % 3), o => Assert.Null(o.Result));
            Assert.NotEmpty(detections);
            Assert.All(detections, d => Assert.Equal(IntegrityCheck.SquareCheck, d.Check));
            deferred += detections.Count(d => d.Message.Contains("random combination of the squares", StringComparison.Ordinal));
        }
        Assert.True(deferred > 0, "no wrong square stayed a square in 40 runs");
    }

    [Fact]
    public void VectorFromAnotherSuite_IsRefused_NamingWhy()
    {
        var messages = LocalParties.Run(3, async s =>
        {
            var suite = await MaliciousShamirSuite<Mersenne127>.CreateAsync(s);
            var raw = SharedVector<Mersenne127>.FromShares(new Mersenne127[2]);
            return Assert.Throws<ArgumentException>(() => suite.Add(raw, raw)).Message;
        });
        Assert.Contains("has no MAC", messages[0]);
    }

}
