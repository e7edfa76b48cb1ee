using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Additive;

/// <summary>The arithmetic contract for the additive suite with dealer preprocessing, N = 2..7.</summary>
public sealed class AdditiveDealerContract : FixedPointContractTests<Z2k>
{
    protected override IArithmeticSuite<Z2k> CreateSuite(Session session) => new AdditiveSuite(session, new DealerPreprocessing(session));
    protected override int MinParties => 2;
}

public sealed class AdditiveSuiteTests
{
    [Fact]
    public void Beaver_OpenedMasks_AreUniformWhateverTheInputs()
    {
        // The only values a multiplication reveals are d = x - a and e = y - b; with fixed inputs they must look uniform.
        const int length = 8192;
        var x = Enumerable.Repeat(new Z2k(12345), length).ToArray();
        var y = Enumerable.Repeat(Z2k.FromInt64(-7), length).ToArray();
        var seen = LocalParties.Run(3, async s =>
        {
            var suite = new AdditiveSuite(s, new DealerPreprocessing(s));
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Z2k>.Empty, length);
            var sy = await suite.InputAsync(1, s.PartyId == 1 ? y : ReadOnlyMemory<Z2k>.Empty, length);
            var t = await suite.Preprocessing.TakeTriplesAsync(length);
            // What party s sees in a Beaver round: the opening of (x - a, y - b).
            var d = await suite.OpenAsync(suite.Subtract(sx, new SharedVector<Z2k>(t.A)));
            var e = await suite.OpenAsync(suite.Subtract(sy, new SharedVector<Z2k>(t.B)));
            return (d, e);
        }, seed: 5)[2];
        foreach (var (name, values) in new[] { ("d", seen.d), ("e", seen.e) })
        {
            var counts = new long[64];
            foreach (var v in values) counts[v.Value >> 58]++;
            ChiSquare.AssertUniform(counts, $"opened {name}");
        }
    }

    [Theory]
    [InlineData(2, 40)]
    [InlineData(3, 2)]
    [InlineData(4, 63)]
    public void LessThanZero_OnPackedBits_AgreesWithTheRingBitsFallback(int parties, int bits)
    {
        // The dealer offers packed XOR-shared bits; a source that does not (here a buffered one) takes the ring path.
        const int length = 200;
        var x = new Z2k[length];
        using (var prg = new Mpc.Core.Random.AesCtrPrg(new byte[16]))
            for (int i = 0; i < length; i++) x[i] = Z2k.FromInt64((long)(prg.NextUInt64() << (64 - bits)) >> (64 - bits));
        x[0] = Z2k.FromInt64(-(1L << (bits - 1)));
        x[1] = Z2k.FromInt64((1L << (bits - 1)) - 1);
        x[2] = Z2k.Zero;
        x[3] = Z2k.FromInt64(-1);
        var results = LocalParties.Run(parties, async s =>
        {
            var dealer = new DealerPreprocessing(s);
            var packed = new AdditiveSuite(s, dealer);
            var ring = new AdditiveSuite(s, new BufferedPreprocessing(dealer));
            var sx = await packed.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Z2k>.Empty, length);
            var a = await packed.OpenAsync(await packed.LessThanZeroAsync(sx, bits));
            var b = await ring.OpenAsync(await ring.LessThanZeroAsync(sx, bits));
            return (a, b, packed.SpeculativeComparison is not null, ring.SpeculativeComparison is not null, dealer.Usage.BinaryTriples);
        });
        var (fromPacked, fromRing, packedSpeculates, ringSpeculates, andTriples) = results[0];
        for (int i = 0; i < length; i++)
        {
            var expected = (long)x[i].Value < 0 ? Z2k.One : Z2k.Zero;
            Assert.Equal(expected, fromPacked[i]);
            Assert.Equal(expected, fromRing[i]);
        }
        Assert.True(packedSpeculates);
        Assert.False(ringSpeculates);
        Assert.True(bits <= 2 || andTriples > 0);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void LongVectors_OpenInTwoRounds_Sending2NthsOfTheVectorPerPeer(int parties)
    {
        // From ScatteredOpeningMinimum elements up (N > 2), party j sums segment j and sends the sum back: each party
        // sends its share of the other segments and its sum to every other party. Segments of unequal length here.
        int length = AdditiveSuite.ScatteredOpeningMinimum + 5;
        var x = new Z2k[length];
        var y = new Z2k[length];
        using (var prg = new Mpc.Core.Random.AesCtrPrg(new byte[16]))
        {
            prg.Fill<Z2k>(x);
            for (int i = 0; i < length; i++) y[i] = Z2k.FromInt64((long)(prg.NextUInt64() >> 40) - (1L << 23));
        }
        var results = LocalParties.Run(parties, async s =>
        {
            var suite = new AdditiveSuite(s, new DealerPreprocessing(s));
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Z2k>.Empty, length);
            var sy = await suite.InputAsync(1, s.PartyId == 1 ? y : ReadOnlyMemory<Z2k>.Empty, length);
            var before = s.Network.Stats.Snapshot();
            var opened = await suite.OpenAsync(sx);
            var after = s.Network.Stats.Snapshot();
            var product = await suite.OpenAsync(await suite.MultiplyAsync(sx, sy));
            var truncated = await suite.OpenAsync(await suite.TruncateAsync(sy, 7));
            return (opened, product, truncated, Rounds: after.Rounds - before.Rounds, Sent: after.TotalBytesSent - before.TotalBytesSent,
                Frames: after.Peers.Sum(p => p.FramesSent) - before.Peers.Sum(p => p.FramesSent), s.PartyId);
        });
        foreach (var r in results)
        {
            Assert.Equal(x, r.opened);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(x[i] * y[i], r.product[i]);
                Assert.InRange((long)r.truncated[i].Value - ((long)y[i].Value >> 7), -1, 1);
            }
            Assert.Equal(2, r.Rounds);
            Assert.Equal(2 * (parties - 1), r.Frames);
            long mine = (long)(r.PartyId + 1) * length / parties - (long)r.PartyId * length / parties;
            long elements = (length - mine) + (parties - 1) * mine;
            Assert.InRange(r.Sent - 8 * elements, 1, 16 * r.Frames); // plus a short header per frame
        }
    }

    [Fact]
    public void Powers_WithDealerMasks_TakeOneRound_OpenOnlyAUniformValue()
    {
        // Degree 9 by products would take 4 rounds; the dealer's powers of rho make it one, whose opening x + rho is
        // all a party sees: with fixed inputs it must look uniform.
        const int length = 8192, degree = 9;
        var x = Enumerable.Repeat(Z2k.FromInt64(-3), length).ToArray();
        var results = LocalParties.Run(3, async s =>
        {
            var dealer = new DealerPreprocessing(s);
            var suite = new AdditiveSuite(s, dealer);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Z2k>.Empty, length);
            long before = s.Network.Stats.Rounds;
            var powers = await suite.PowersAsync(sx, degree);
            long rounds = s.Network.Stats.Rounds - before;
            // The opened value, as the next party to open a power mask would see it.
            var masks = await dealer.TakePowerMasksAsync(length, 1);
            var seen = await suite.OpenAsync(suite.Add(sx, new SharedVector<Z2k>(masks.Powers)));
            return (await suite.OpenAsync(powers), rounds, seen, dealer.Usage.PowerMasks);
        });
        var (opened, rounds, seen, used) = results[1];
        Assert.Equal(1, rounds);
        Assert.Equal(2L * length, used);
        for (int k = 1; k <= degree; k++)
            Assert.All(opened.AsSpan((k - 1) * length, length).ToArray(), v => Assert.Equal(Z2k.FromInt64((long)Math.Pow(-3, k)), v));
        var counts = new long[64];
        foreach (var v in seen) counts[v.Value >> 58]++;
        ChiSquare.AssertUniform(counts, "opened x + rho");
    }

    [Fact]
    public void TruncatedPowers_WithDealerMasks_TruncationRoundOnly_Match()
    {
        // The powers come from the truncation's own opening: one round, where truncating and then raising takes two.
        // Values whose low bits are 0 truncate exactly, so the powers are known.
        const int length = 500, degree = 5, shift = 20;
        var x = Enumerable.Range(0, length).Select(i => Z2k.FromInt64((long)(i - 250) << shift)).ToArray();
        var results = LocalParties.Run(3, async s =>
        {
            var suite = new AdditiveSuite(s, new DealerPreprocessing(s));
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Z2k>.Empty, length);
            long before = s.Network.Stats.Rounds;
            var powers = await suite.TruncatedPowersAsync(sx, shift, degree);
            long rounds = s.Network.Stats.Rounds - before;
            return (await suite.OpenAsync(powers), rounds);
        });
        var (opened, rounds) = results[2];
        Assert.Equal(1, rounds);
        for (int i = 0; i < length; i++)
            for (int k = 1; k <= degree; k++)
                Assert.Equal(Z2k.FromInt64((long)Math.Pow(i - 250, k)), opened[(k - 1) * length + i]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(8)]
    public void Dealer_AndTuples_HoldTheAndOfEverySubsetOfTheirMasks(int fanIn)
    {
        const int words = 3;
        var tuples = LocalParties.Run(3, async s => await new DealerPreprocessing(s).TakeAndTuplesAsync(fanIn, words));
        Mpc.Tests.Protocols.Preprocessing.MaterialLaws.AssertAndTuples(tuples);
    }

    [Theory]
    [InlineData(1, 2, 2, 2)]
    [InlineData(4, 4, 4, 4)]
    [InlineData(16, 4, 4, 4)]
    [InlineData(17, 5, 5, 5)]
    [InlineData(32, 6, 6, 4)]
    [InlineData(39, 7, 7, 4)]
    [InlineData(64, 8, 4, 4)]
    public void PackedComparison_WiderGatesFewerLevels_OnlyWhereTuplesCheap(int bits, int fewestLevels, int oneWord, int fifteenWords)
    {
        // Levels = ceil(log8 m) with the narrowest gates that reach (17 bits: 5 x 5 = 25); they are taken where their
        // tuples cost at most 16k words more than gates of 4: 32 bits for one word of comparisons (3.6k words more), not
        // for 15 words (37k more), nor 64 bits even for one word (27k more).
        Assert.Equal(fewestLevels, Mpc.Protocols.Additive.Internal.PackedLessThan.FewestLevelsFanIn(bits));
        Assert.Equal(oneWord, Mpc.Protocols.Additive.Internal.PackedLessThan.FanInFor(bits, words: 1));
        Assert.Equal(fifteenWords, Mpc.Protocols.Additive.Internal.PackedLessThan.FanInFor(bits, words: 15));
    }

    [Fact]
    public void Dealer_TriplesSatisfyTheProductLaw()
    {
        foreach (int n in new[] { 2, 3, 5 })
        {
            var triples = LocalParties.Run(n, async s => await new DealerPreprocessing(s).TakeTriplesAsync(1000));
            for (int i = 0; i < 1000; i++)
            {
                Z2k a = default, b = default, c = default;
                foreach (var t in triples) { a += t.A[i]; b += t.B[i]; c += t.C[i]; }
                Assert.Equal(a * b, c);
            }
        }
    }

    [Fact]
    public void SecureMlLocalTruncation_TwoParties_WithinOneUnitWhenSmall()
    {
        var x = Enumerable.Range(-500, 1000).Select(i => Z2k.FromInt64(i * 123_457L)).ToArray();
        var results = LocalParties.Run(2, async s =>
        {
            var suite = new AdditiveSuite(s, new DealerPreprocessing(s), AdditiveTruncation.SecureMlLocal);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Z2k>.Empty, x.Length);
            return await suite.OpenAsync(await suite.TruncateAsync(sx, 16));
        });
        for (int i = 0; i < x.Length; i++)
        {
            long exact = (long)x[i].Value >> 16, got = (long)results[0][i].Value;
            Assert.InRange(got - exact, -1, 1);
        }
    }

    [Fact]
    public void SecureMlLocalTruncation_RefusesMoreThanTwoParties()
    {
        var ex = Assert.ThrowsAny<Exception>(() => LocalParties.Run(3, async s =>
        {
            var suite = new AdditiveSuite(s, new DealerPreprocessing(s), AdditiveTruncation.SecureMlLocal);
            return await suite.TruncateAsync(suite.Constant([Z2k.One]), 4);
        }));
        Assert.Contains("2 parties", ex.Message);
    }

    [Fact]
    public void PreparedMatrix_OpenedOnce_LaterProductsSendOnlyRightOperand()
    {
        const int rows = 300, width = 12, products = 6;
        var x = Enumerable.Range(0, rows * width).Select(i => Z2k.FromInt64(i % 17 - 8)).ToArray();
        var results = LocalParties.Run(3, async s =>
        {
            var preprocessing = new DealerPreprocessing(s);
            var suite = new AdditiveSuite(s, preprocessing);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Z2k>.Empty, x.Length);
            long before = s.Network.Stats.Snapshot().TotalBytesSent;
            var prepared = await suite.PrepareMatrixAsync(sx, rows, width);
            long preparing = s.Network.Stats.Snapshot().TotalBytesSent - before;
            var w = suite.Constant(new Z2k[width]);
            var g = suite.Constant(new Z2k[rows]);
            for (int i = 0; i < products; i++)
            {
                var z = await suite.MatrixMultiplyAsync(prepared, w, 1);
                await suite.TransposedMatrixMultiplyAsync(prepared, g, 1);
                await suite.MatrixMultiplyAsync(prepared.SelectRows(i, 2), w, 1); // a mini-batch view reuses the mask too
            }
            long producing = s.Network.Stats.Snapshot().TotalBytesSent - before - preparing;
            return (preparing, producing, preprocessing.Usage.MatrixMasks, preprocessing.Usage.MatrixMaskElements);
        });
        foreach (var (preparing, producing, masks, maskElements) in results)
        {
            Assert.Equal(1, masks);
            Assert.Equal(rows * width, maskElements);
            Assert.True(preparing >= 2L * rows * width * 8, $"preparing sent {preparing} bytes: X - A must be opened once");
            // Every product opens only its right operand (width, rows or width elements), to 2 peers, plus frame headers.
            long operands = 2L * 8 * products * (width + rows + width);
            Assert.InRange(producing, operands, operands + 2L * 3 * products * 64);
        }
    }
}

/// <summary>The additive suite's capabilities follow what its preprocessing source offers, so callers see which path they get.</summary>
public sealed class AdditiveCapabilityTests
{
    [Fact]
    public async Task Capabilities_FollowThePreprocessingSource()
    {
        var seen = await LocalParties.RunAsync(2, s =>
        {
            var dealer = new DealerPreprocessing(s);
            using var ot = new OtPreprocessing(s);
            var withDealer = new AdditiveSuite(s, dealer);
            var withBuffered = new AdditiveSuite(s, new BufferedPreprocessing(dealer));
            var withOt = new AdditiveSuite(s, ot);
            var garbled = new AdditiveSuite(s, dealer, comparison: ComparisonMethod.GarbledCircuit);
            var local = new AdditiveSuite(s, dealer, truncation: AdditiveTruncation.SecureMlLocal);
            var planned = new AdditiveSuite(s, new PlannedPreprocessing(ot));
            string Of(IArithmeticSuite<Z2k> suite) =>
                $"{(suite.FusedTruncation is null ? "-" : "F")}{(suite.Powers is null ? "-" : "P")}" +
                $"{(suite.SpeculativeComparison is null ? "-" : "S")}";
            return Task.FromResult(new[] { Of(withDealer), Of(withBuffered), Of(withOt), Of(garbled), Of(local), Of(planned) });
        });
        // The OT source makes power masks and packed comparison material too, planned or on demand.
        Assert.Equal(["FPS", "F--", "FPS", "FP-", "F-S", "FPS"], seen[0]);
    }
}
