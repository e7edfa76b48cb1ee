using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Shamir;

/// <summary>The arithmetic contract for Shamir over 2^127-1, N = 3..7, t = floor((N-1)/2).</summary>
public sealed class ShamirContract : FixedPointContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) => new ShamirSuite<Mersenne127>(session);
    protected override int MinParties => 3;
}

/// <summary>The same contract with the smallest threshold, t = 1, for N = 3..7.</summary>
public sealed class ShamirThresholdOneContract : FixedPointContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) => new ShamirSuite<Mersenne127>(session, threshold: 1);
    protected override int MinParties => 3;
}

/// <summary>
/// The contract at N = 7 with t = 2: the only N up to 7 with a threshold strictly between 1 and the largest, so
/// with the two contracts above every valid (N, t) for N = 3..7 is covered.
/// </summary>
public sealed class ShamirMiddleThresholdContract : FixedPointContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) => new ShamirSuite<Mersenne127>(session, threshold: 2);
    protected override int MinParties => 7;
}

/// <summary>The contract with Catrina-Saxena random-bit truncation masks (error at most one unit), N = 3..5.</summary>
public sealed class ShamirRandomBitsContract : FixedPointContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) =>
        new ShamirSuite<Mersenne127>(session, truncation: ShamirTruncation.RandomBits);
    protected override int MinParties => 3;
    protected override int MaxParties => 5;
    protected override bool TruncationTakesAllWhenStarted => false;
}

public sealed class ShamirSuiteTests
{
    [Fact]
    public void Shamir_RefusesTooFewPartiesOrTooHighAThreshold()
    {
        var tooFew = Assert.ThrowsAny<Exception>(() => LocalParties.Run(2, s => Task.FromResult(new ShamirSuite<Mersenne127>(s))));
        Assert.Contains("at least 3 parties", tooFew.Message);
        var tooHigh = Assert.ThrowsAny<Exception>(
            () => LocalParties.Run(4, s => Task.FromResult(new ShamirSuite<Mersenne127>(s, threshold: 2))));
        Assert.Contains("t < N/2", tooHigh.Message);
    }

    [Fact]
    public void Shamir_OpenDetectsAShareOffThePolynomial()
    {
        var ex = Assert.ThrowsAny<Exception>(() => LocalParties.Run(5, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var x = await suite.InputAsync(0, s.PartyId == 0 ? new[] { Mersenne127.One } : ReadOnlyMemory<Mersenne127>.Empty, 1);
            // Party 4 corrupts its share before opening.
            if (s.PartyId == 4) x = suite.AddPublic(x, [Mersenne127.One]);
            return await suite.OpenAsync(x);
        }));
        var inner = ex is AggregateException agg ? agg.Flatten().InnerExceptions.First(e => e is ShareReconstructionException) : ex;
        Assert.IsType<ShareReconstructionException>(inner);
        Assert.Contains("Party 4", inner.Message);
    }
}

/// <summary>
/// What a party sees when a product is opened (masked) straight from its degree-2t shares to be truncated. (Products
/// alone open nothing: they are reshared; see the binary domain's resharing view test.)
/// </summary>
public sealed class ShamirFusedOpeningViewTests
{
    [Fact]
    public async Task ProductPolynomial_OpenedTopCoefficient_IsUniformAndUnlinked()
    {
        // t = 1, n = 3: the opened polynomial h = f g + M has degree 2. With a mask M of degree t only, its top
        // coefficient would be h_2 = f_1 g_1, and party 0 (owner of x and y, holding f(1) = x + f_1 and
        // g(1) = y + g_1) would see h_2 = (f(1) - x)(g(1) - y): a leak. With a degree-2t mask h_2 is uniform.
        const int length = 4000;
        var x = Enumerable.Repeat(Mersenne127.FromInt64(3 << 16), length).ToArray();
        var y = Enumerable.Repeat(Mersenne127.FromInt64(-(5 << 16)), length).ToArray();
        var networks = Mpc.Net.InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30)).Select(n => new RecordingNetwork(n)).ToArray();
        var shares = await LocalParties.RunAsync(networks, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var sx = await suite.InputAsync(0, x, length);
            var sy = await suite.InputAsync(0, y, length);
            await suite.MultiplyAndTruncateAsync(sx, sy, 16);
            return (F: sx.LocalShares.ToArray(), G: sy.LocalShares.ToArray());
        });

        // The opening is the last frame from each peer: h(1) reaches party 1 from party 0; h(2), h(3) reach party 0.
        var h1 = Elements(networks[1].Received.Last(f => f.Peer == 0).Payload);
        var h2 = Elements(networks[0].Received.Last(f => f.Peer == 1).Payload);
        var h3 = Elements(networks[0].Received.Last(f => f.Peer == 2).Payload);
        Assert.Equal(length, h1.Length);
        var half = Mersenne127.Inverse(Mersenne127.FromInt64(2));
        int linked = 0;
        var counts = new long[16];
        for (int i = 0; i < length; i++)
        {
            var top = (h1[i] - Mersenne127.FromInt64(2) * h2[i] + h3[i]) * half; // second difference = 2 h_2
            var degreeTValue = (shares[0].F[i] - x[i]) * (shares[0].G[i] - y[i]);
            if (top == degreeTValue) linked++;
            counts[(int)(Mersenne127.ToBigInteger(top) >> 123)]++;
        }
        Assert.True(linked == 0, $"{linked} of {length} openings reveal f_1 g_1");
        Arbitraries.ChiSquare.AssertUniform(counts, "top coefficient of the opened product polynomial");
    }

    private static Mersenne127[] Elements(byte[] payload) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Mersenne127>(payload).ToArray();
}

public sealed class ShamirPreparedMaskTests
{
    [Fact]
    public async Task PreparedMasks_AreConsumedOnceAndGiveTheSameProducts()
    {
        var x = Enumerable.Range(1, 50).Select(i => Mersenne127.FromInt64(i << 16)).ToArray();
        var results = await LocalParties.RunAsync(3, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            await suite.PrepareTruncationMasksAsync(60, 16);
            var sx = await suite.InputAsync(0, x, x.Length);
            var first = await suite.OpenAsync(await suite.MultiplyAndTruncateAsync(sx, sx, 16)); // 50 prepared masks
            var second = await suite.OpenAsync(await suite.MultiplyAndTruncateAsync(sx, sx, 16)); // 10 left: deals fresh ones
            return (first, second);
        });
        for (int i = 0; i < x.Length; i++)
        {
            long expected = (long)(i + 1) * (i + 1) << 16;
            Assert.InRange((long)Mersenne127.ToSignedInt128(results[0].first[i]) - expected, -1, 1);
            Assert.InRange((long)Mersenne127.ToSignedInt128(results[0].second[i]) - expected, -1, 1);
        }
    }
}

public sealed class ShamirPseudoRandomSharingTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    public async Task DoubleRandoms_ShareOneValueAtDegreeTAnd2T_FreshEachCall(int n, int t)
    {
        const int length = 64;
        var draws = await LocalParties.RunAsync(n, async s =>
        {
            var sharing = await Mpc.Protocols.Shamir.Internal.PseudoRandomSharing<Mersenne127>
                .EstablishAsync(s, t, s.NextTag(), CancellationToken.None);
            return (First: sharing.DoubleRandoms(length, s.NextTag()), Second: sharing.DoubleRandoms(length, s.NextTag()));
        });
        var all = Enumerable.Range(0, n).ToArray();
        var narrowScheme = new Mpc.Core.Sharing.ShamirScheme<Mersenne127>(n, t);
        var wideScheme = new Mpc.Core.Sharing.ShamirScheme<Mersenne127>(n, 2 * t);
        var r = new Mersenne127[length];
        var r2 = new Mersenne127[length];
        var next = new Mersenne127[length];
        // Checked reconstruction: every share lies on one polynomial of the stated degree.
        narrowScheme.ReconstructChecked(all, draws.SelectMany(d => d.First.Narrow).ToArray(), r);
        wideScheme.ReconstructChecked(all, draws.SelectMany(d => d.First.Wide).ToArray(), r2);
        narrowScheme.ReconstructChecked(all, draws.SelectMany(d => d.Second.Narrow).ToArray(), next);
        Assert.Equal(r, r2);
        Assert.Equal(length, r.Distinct().Count());
        Assert.DoesNotContain(r, next.Contains);
        // The degree-2t sharing is not the degree-t one: its higher coefficients are random, not zero.
        Assert.Throws<Mpc.Core.Sharing.ShareReconstructionException>(
            () => narrowScheme.ReconstructChecked(all, draws.SelectMany(d => d.First.Wide).ToArray(), new Mersenne127[length]));
    }
}

public sealed class ShamirProductResharingTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(6, 2)]
    [InlineData(7, 3)]
    public async Task Reduction_FreshDegreeTSharingOfProduct_EachTime(int n, int t)
    {
        const int length = 64;
        var x = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(i * 1_000_003L - 7)).ToArray();
        var y = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(5 - i * 77L)).ToArray();
        var results = await LocalParties.RunAsync(n, async s =>
        {
            var engine = new Mpc.Protocols.Shamir.Internal.ShamirEngine<Mersenne127>(s, t);
            var sx = await engine.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, length, default);
            var sy = await engine.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<Mersenne127>.Empty, length, default);
            var fresh = await engine.MultiplyAsync(sx, sy, default);
            var product = new Mersenne127[length];
            VectorMath.Multiply<Mersenne127>(sx, sy, product);
            var again = await engine.ReduceAsync(product, default);
            return (Fresh: fresh, Again: again);
        });
        var all = Enumerable.Range(0, n).ToArray();
        var scheme = new Mpc.Core.Sharing.ShamirScheme<Mersenne127>(n, t);
        var first = new Mersenne127[length];
        var second = new Mersenne127[length];
        // Checked reconstruction: all n shares lie on one polynomial of degree t.
        scheme.ReconstructChecked(all, results.SelectMany(r => r.Fresh).ToArray(), first);
        scheme.ReconstructChecked(all, results.SelectMany(r => r.Again).ToArray(), second);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(x[i] * y[i], first[i]);
            Assert.Equal(x[i] * y[i], second[i]);
        }
        // Fresh randomness: the two sharings of the same products differ at every party.
        for (int p = 0; p < n; p++) Assert.DoesNotContain(results[p].Fresh.Zip(results[p].Again), pair => pair.First == pair.Second);
    }
}

/// <summary>Truncation masks dealt in batches on the way: one dealing round for many truncations, until discarded.</summary>
public sealed class ShamirTruncationBatchTests
{
    [Fact]
    public async Task Truncations_ShareABatch_UntilItIsDiscarded()
    {
        const int length = 40;
        var x = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64((i - 20) * 65_536L * 3 + i)).ToArray();
        var runs = await LocalParties.RunAsync(5, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
            var rounds = new List<long>();
            var opened = new List<Mersenne127[]>();
            for (int call = 0; call < 4; call++)
            {
                if (call == 2) suite.DiscardPreparedMasks(); // what follows deals afresh
                long before = s.Network.Stats.Rounds;
                // Two truncations started together: they take their slices of the batch in program order.
                var first = suite.TruncateAsync(sx, 16);
                var second = suite.TruncateAsync(sx, 16);
                var results = new[] { await first, await second };
                rounds.Add(s.Network.Stats.Rounds - before);
                foreach (var result in results) opened.Add(await suite.OpenAsync(result));
            }
            return (Rounds: rounds, Opened: opened);
        });
        var (roundsPerCall, values) = runs[0];
        foreach (var value in values)
            for (int i = 0; i < length; i++)
                Assert.InRange((long)Mersenne127.ToSignedInt128(value[i]) - (((i - 20) * 65_536L * 3 + i) >> 16), -2, 2);
        // A batch dealt (one round) and two openings; then the two openings only; and again after the discard.
        Assert.Equal([3L, 2L, 3L, 2L], roundsPerCall);
    }
}

/// <summary>
/// Comparisons that run beside the online phase: their tags come from a channel of their own, so whatever order a
/// party's comparison and its online operations take their steps in, the parties stay in step; comparisons themselves
/// run one at a time.
/// </summary>
public sealed class ShamirSpeculativeComparisonTests
{
    [Theory]
    [InlineData(3, 0)]
    [InlineData(5, 1)]
    [InlineData(7, 2)]
    public async Task Comparison_BesideDelayedProducts_StaysInStep(int n, int seed)
    {
        const int length = 50;
        var x = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64((i - 25) * 1_000_003L)).ToArray();
        var y = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(3 * i + 1)).ToArray();
        var networks = DelayingNetwork.Wrap(InMemoryNetwork.CreateCluster(n, TimeSpan.FromSeconds(60)), seed);
        var results = await LocalParties.RunAsync(networks, async s =>
        {
            // Each party's suite stalls its own operations at random moments, so they interleave differently everywhere.
            var suite = new DelayingSuite<Mersenne127>(new ShamirSuite<Mersenne127>(s), seed * 31 + s.PartyId);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
            var sy = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<Mersenne127>.Empty, length);
            var opened = new List<Mersenne127[]>();
            for (int call = 0; call < 3; call++) // the first deals its masks as it goes, the later ones take a batch
            {
                var multiplicand = new TaskCompletionSource<SharedVector<Mersenne127>>();
                var selection = suite.LessThanZeroAndProductAsync(sx, 32, 0, multiplicand.Task);
                var square = await suite.MultiplyAsync(sy, sy);
                var cube = await suite.MultiplyAsync(square, sy);
                var shifted = await suite.TruncateAsync(suite.Scale(cube, Mersenne127.FromInt64(1 << 10)), 10);
                multiplicand.SetResult(shifted);
                var (bits, products) = await selection;
                opened.Add(await suite.OpenAsync(bits));
                opened.Add(await suite.OpenAsync(products));
            }
            return opened;
        }, seed);
        foreach (var opened in results)
            for (int call = 0; call < 3; call++)
                for (int i = 0; i < length; i++)
                {
                    long cube = (3L * i + 1) * (3L * i + 1) * (3L * i + 1);
                    bool negative = i < 25;
                    Assert.Equal(negative ? Mersenne127.One : Mersenne127.Zero, opened[2 * call][i]);
                    // The truncation may round the cube by a unit or two; the product is 0 or it.
                    var product = (long)Mersenne127.ToSignedInt128(opened[2 * call + 1][i]);
                    if (negative) Assert.InRange(product - cube, -2, 2);
                    else Assert.Equal(0, product);
                }
    }

    /// <summary>
    /// The coarse form on masks from batches (the second call of a width on): exact for x &gt;= 0 and x &lt; -2^j,
    /// a bit in between, for the largest threshold at N = 5 and 7 and a width that drops most low bits.
    /// </summary>
    [Theory]
    [InlineData(5, 40, 26)]
    [InlineData(7, 50, 30)]
    [InlineData(3, 20, 1)]
    public async Task CoarseComparisons_FromBatches_ExactOutsideTolerance(int n, int bits, int ignored)
    {
        var values = new List<long> { 0, 1, -1, -(1L << ignored), -(1L << ignored) - 1, -(1L << (bits - 1)),
            (1L << (bits - 1)) - (1L << ignored) - 1 };
        using (var prg = new Mpc.Core.Random.AesCtrPrg(new byte[16]))
            for (int i = 0; i < 57; i++)
            {
                long v = (long)(prg.NextUInt64() >> (65 - bits)) - (1L << (bits - 2)); // within the range
                values.Add(i % 3 == 0 ? -(long)(prg.NextUInt64() % (ulong)(1L << ignored)) : v); // a third in the tolerance
            }
        var x = values.Select(Mersenne127.FromInt64).ToArray();
        var results = await LocalParties.RunAsync(n, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, x.Length);
            var opened = new List<Mersenne127[]>();
            for (int call = 0; call < 3; call++) opened.Add(await suite.OpenAsync(await suite.LessThanZeroCoarseAsync(sx, bits, ignored)));
            return opened;
        });
        foreach (var calls in results)
            foreach (var result in calls)
                for (int i = 0; i < values.Count; i++)
                {
                    long v = values[i];
                    if (v >= 0) Assert.True(result[i] == Mersenne127.Zero, $"{v} >= 0 compared as negative");
                    else if (v < -(1L << ignored))
                        Assert.True(result[i] == Mersenne127.One, $"{v} < -2^{ignored} compared as not negative");
                    else Assert.True(result[i] == Mersenne127.Zero || result[i] == Mersenne127.One, $"{v}: not a bit");
                }
    }

    [Fact]
    public async Task OverlappingComparisons_AreRefused_WithTheReason()
    {
        var errors = await LocalParties.RunAsync(3, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? new[] { Mersenne127.FromInt64(-5) } : ReadOnlyMemory<Mersenne127>.Empty, 1);
            // The first cannot finish before its multiplicand comes, so the second surely overlaps it.
            var multiplicand = new TaskCompletionSource<SharedVector<Mersenne127>>();
            var first = suite.LessThanZeroAndProductAsync(sx, 16, 0, multiplicand.Task);
            var second = await Assert.ThrowsAsync<InvalidOperationException>(async () => await suite.LessThanZeroAsync(sx, 16));
            multiplicand.SetResult(sx);
            var (bits, products) = await first;
            Assert.Equal(Mersenne127.One, (await suite.OpenAsync(bits))[0]);
            Assert.Equal(Mersenne127.FromInt64(-5), (await suite.OpenAsync(products))[0]);
            return second.Message;
        });
        Assert.All(errors, message => Assert.Contains("must not overlap", message));
    }
}
