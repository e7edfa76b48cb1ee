using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Preprocessing;

/// <summary>
/// The offline phase in bulk: a rehearsal records what a program takes, the OT source makes it all in a few large
/// batches, and the program then runs with no OT at all, each planned item handed out once.
/// </summary>
public static class PlannedPreprocessingTests
{
    private const int Rows = 40, Columns = 3, Shift = 8;

    private static Z2k Sum(IEnumerable<Z2k> shares) => shares.Aggregate(default(Z2k), (s, x) => s + x);

    private static long Signed(this Z2k value) => (long)value.Value;

    // A small training-like step: a matrix masked once, products with it both ways, products, truncations, a comparison
    // (packed, with its product) and the powers of a truncated value.
    private static async Task<Z2k[][]> ProgramAsync(AdditiveSuite suite, Z2k[] x, Z2k[] w)
    {
        int me = suite.Session.PartyId;
        var sx = await suite.InputAsync(0, me == 0 ? x : ReadOnlyMemory<Z2k>.Empty, x.Length);
        var sw = await suite.InputAsync(1, me == 1 ? w : ReadOnlyMemory<Z2k>.Empty, w.Length);
        var matrix = await suite.PrepareMatrixAsync(sx, Rows, Columns);
        var z = await suite.MatrixMultiplyAsync(matrix, sw, 1);
        var back = await suite.TransposedMatrixMultiplyAsync(matrix, z, 1);
        var squares = await suite.MultiplyAsync(z, z);
        var truncated = await suite.TruncateAsync(squares, Shift);
        var negative = await suite.LessThanZeroAsync(z, 40);
        var powers = await suite.Powers!.TruncatedPowersAsync(z, Shift, 3);
        return
        [
            await suite.OpenAsync(z), await suite.OpenAsync(back), await suite.OpenAsync(truncated),
            await suite.OpenAsync(negative), await suite.OpenAsync(powers),
        ];
    }

    // z = X w and X^T z exactly, z^2 truncated, [z < 0] and the powers of trunc(z), within the truncations' unit.
    private static void AssertProgramResults(Z2k[][] opened, Z2k[] x, Z2k[] w)
    {
        var z = new long[Rows];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++) z[r] += x[r * Columns + c].Signed() * w[c].Signed();
        Assert.Equal(z.Select(Z2k.FromInt64), opened[0]);
        for (int c = 0; c < Columns; c++)
            Assert.Equal(Z2k.FromInt64(Enumerable.Range(0, Rows).Sum(r => x[r * Columns + c].Signed() * z[r])), opened[1][c]);
        for (int r = 0; r < Rows; r++)
        {
            Assert.InRange(opened[2][r].Signed() - (z[r] * z[r] >> Shift), -1, 1);
            Assert.Equal(z[r] < 0 ? 1L : 0L, opened[3][r].Signed());
            long t = opened[4][r].Signed(); // z >> Shift, within one unit
            Assert.InRange(t - (z[r] >> Shift), -1, 1);
            Assert.Equal(Z2k.FromInt64(t * t), opened[4][Rows + r]);
            Assert.Equal(Z2k.FromInt64(t * t * t), opened[4][2 * Rows + r]);
        }
    }

    // A planned source over the OT source and the plan of ProgramAsync, recorded by a rehearsal.
    private static async Task<(PlannedPreprocessing Planned, PreprocessingPlan Plan)> RehearseAsync(Session s, OtPreprocessing ot,
        Z2k[] x, Z2k[] w)
    {
        var planned = new PlannedPreprocessing(ot);
        var plan = await PreprocessingPlan.RecordAsync(s, planned,
            (rehearsal, source, _) => ProgramAsync(new AdditiveSuite(rehearsal, source), x, w));
        return (planned, plan);
    }

    private static (Z2k[] X, Z2k[] W) Inputs()
    {
        var x = Enumerable.Range(0, Rows * Columns).Select(i => Z2k.FromInt64((i * 7919 % 41) - 20)).ToArray();
        var w = new[] { Z2k.FromInt64(3 << Shift), Z2k.FromInt64(-5 << Shift), Z2k.FromInt64(2 << Shift) };
        return (x, w);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public static void PlannedProgram_MatchesPlaintext_WithNoOtOnline(int n)
    {
        var (x, w) = Inputs();
        var results = LocalParties.Run(n, async s =>
        {
            using var ot = new OtPreprocessing(s);
            var (planned, plan) = await RehearseAsync(s, ot, x, w);
            await planned.PrepareAsync(plan);
            var before = s.Network.Stats.Snapshot();
            var opened = await ProgramAsync(new AdditiveSuite(s, planned), x, w);
            var after = s.Network.Stats.Snapshot();
            return (opened, Bytes: after.TotalBytesSent - before.TotalBytesSent, plan.Count, planned.Served, planned.OnDemandRequests);
        }, n);
        // The same program with party 0 dealing (no messages for material) and gates as narrow as the OT source's: what the
        // online phase alone sends.
        var dealerBytes = LocalParties.Run(n, async s =>
        {
            var before = s.Network.Stats.Snapshot();
            await ProgramAsync(new AdditiveSuite(s, new PlannedPreprocessing(new NarrowGates(new DealerPreprocessing(s)))), x, w);
            return s.Network.Stats.Snapshot().TotalBytesSent - before.TotalBytesSent;
        }, n);

        foreach (var party in results)
        {
            AssertProgramResults(party.opened, x, w);
            Assert.True(party.Count > 5, $"{party.Count} requests planned");
            Assert.Equal(party.Count, party.Served);
            Assert.Equal(0, party.OnDemandRequests);
        }
        // Online, the planned run sends what the message-free dealer's run sends: openings only, no OT.
        Assert.Equal(dealerBytes[0], results[0].Bytes);
    }

    [Fact]
    public static void ExportedMaterial_ServesALaterRun_OfTheSameProgramOnly()
    {
        // Made in one run (a store made ahead), used by a later one: the same results, no OT online; a program that
        // takes other material is refused before anything is handed out.
        var (x, w) = Inputs();
        var exported = LocalParties.Run(2, async s =>
        {
            using var ot = new OtPreprocessing(s);
            var (planned, plan) = await RehearseAsync(s, ot, x, w);
            await planned.PrepareAsync(plan);
            return planned.ExportMaterial();
        }, 5);
        var results = LocalParties.Run(2, async s =>
        {
            using var ot = new OtPreprocessing(s);
            var (planned, plan) = await RehearseAsync(s, ot, x, w);
            var other = await PreprocessingPlan.RecordAsync(s, planned, async (_, source, _) => await source.TakeTriplesAsync(3));
            var refused = Record.Exception(() => new PlannedPreprocessing(ot).LoadMaterial(other, exported[s.PartyId]));
            var truncated = Record.Exception(() =>
                new PlannedPreprocessing(ot).LoadMaterial(plan, exported[s.PartyId].AsMemory(0, exported[s.PartyId].Length - 8)));
            planned.LoadMaterial(plan, exported[s.PartyId]);
            var before = s.Network.Stats.Snapshot();
            var opened = await ProgramAsync(new AdditiveSuite(s, planned), x, w);
            return (opened, Bytes: s.Network.Stats.Snapshot().TotalBytesSent - before.TotalBytesSent, refused, truncated,
                planned.OnDemandRequests, ot.Usage.Triples);
        }, 6);
        var fresh = LocalParties.Run(2, async s =>
        {
            var before = s.Network.Stats.Snapshot();
            var opened = await ProgramAsync(new AdditiveSuite(s, new NarrowGates(new DealerPreprocessing(s))), x, w);
            return (opened, Bytes: s.Network.Stats.Snapshot().TotalBytesSent - before.TotalBytesSent);
        });
        foreach (var r in results)
        {
            Assert.Equal(fresh[0].opened[0], r.opened[0]); // z = X w is exact
            Assert.Equal(fresh[0].opened[3], r.opened[3]); // and so are the comparisons
            Assert.Equal((0, 0L), (r.OnDemandRequests, r.Triples)); // nothing made in this run
            Assert.Contains("made for another program: its request 1 is MatrixMask",
                Assert.IsType<InvalidDataException>(r.refused).Message);
            Assert.Contains("malformed", Assert.IsType<InvalidDataException>(r.truncated).Message);
        }
        Assert.Equal(fresh[0].Bytes, results[0].Bytes);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public static void SmallMemoryBudget_MakesThePlanInSegments_AsTheProgramGoes(int n)
    {
        // 2 KiB at a time: the plan is cut into segments, the first made ahead and each later one when the program reaches
        // it, at the same point at every party; the results are the same, and the store refuses a plan so made.
        var (x, w) = Inputs();
        var results = LocalParties.Run(n, async s =>
        {
            using var ot = new OtPreprocessing(s);
            var (planned, plan) = await RehearseAsync(s, ot, x, w);
            await planned.PrepareAsync(plan, memoryBudget: 2048);
            var export = Record.Exception(planned.ExportMaterial);
            var opened = await ProgramAsync(new AdditiveSuite(s, planned), x, w);
            return (opened, planned.Segments, plan.Count, planned.Served, planned.OnDemandRequests, planned.PlannedBytes, export);
        }, n + 10);
        foreach (var party in results)
        {
            AssertProgramResults(party.opened, x, w);
            Assert.InRange(party.Segments, 3, party.Count);
            Assert.True(party.PlannedBytes > 3 * 2048, $"{party.PlannedBytes} bytes planned");
            Assert.Equal((party.Count, 0), (party.Served, party.OnDemandRequests));
            Assert.Contains("segments to fit the memory budget", Assert.IsType<InvalidOperationException>(party.export).Message);
        }
    }

    [Fact]
    public static void ARequestOtherThanPlanned_IsRefused_NamingBoth()
    {
        var errors = LocalParties.Run(2, async s =>
        {
            using var ot = new OtPreprocessing(s);
            var planned = new PlannedPreprocessing(ot);
            var plan = await PreprocessingPlan.RecordAsync(s, planned, async (_, source, _) => await source.TakeTriplesAsync(10));
            await planned.PrepareAsync(plan);
            return Record.Exception(() => planned.TakeTriplesAsync(11).AsTask().GetAwaiter().GetResult());
        });
        foreach (var error in errors)
        {
            var refused = Assert.IsType<InvalidOperationException>(error);
            Assert.Contains("Triples #0 (11,", refused.Message);
            Assert.Contains("Triples #0 (10,", refused.Message);
        }
    }

    [Fact]
    public static void PlannedItems_AreHandedOutOnce_ThenTheSourceServesOnDemand()
    {
        var results = LocalParties.Run(2, async s =>
        {
            using var ot = new OtPreprocessing(s);
            var planned = new PlannedPreprocessing(ot);
            var plan = await PreprocessingPlan.RecordAsync(s, planned, async (_, source, _) => await source.TakeTriplesAsync(50));
            await planned.PrepareAsync(plan);
            var first = await planned.TakeTriplesAsync(50);
            var served = planned.Served;
            var later = await planned.TakeTriplesAsync(50);
            return (first, later, served, planned.OnDemandRequests, planned.Usage.Triples);
        });
        Assert.All(results, r => Assert.Equal((1, 1, 100L), (r.served, r.OnDemandRequests, r.Triples)));
        // Fresh material, never the planned triples again.
        Assert.NotEqual(results[0].first.A, results[0].later.A);
        for (int i = 0; i < 50; i++)
            Assert.Equal(Sum(results.Select(r => r.later.A[i])) * Sum(results.Select(r => r.later.B[i])),
                Sum(results.Select(r => r.later.C[i])));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public static void BatchedSlices_HoldTheirLaws_RequestByRequest(int n)
    {
        // Requests of one kind and shape but different counts share a batch: each slice must still be sound, packed
        // comparison masks included (sliced at word boundaries, the unused bits of a last word cleared).
        var parts = LocalParties.Run(n, async s =>
        {
            using var ot = new OtPreprocessing(s);
            var planned = new PlannedPreprocessing(ot);
            async Task<object[]> Take(IAdditivePreprocessing source)
            {
                var binary = (IBinaryPreprocessing)source;
                var powers = (IPowerPreprocessing)source;
                var mask = await source.TakeMatrixMaskAsync(6, 2);
                return
                [
                    await binary.TakeComparisonMasksAsync(70, 20, withProducts: true),
                    await source.TakeTriplesAsync(3),
                    await binary.TakeComparisonMasksAsync(5, 20, withProducts: true),
                    await source.TakeTriplesAsync(4),
                    await binary.TakeAndTuplesAsync(2, 3),
                    await binary.TakeAndTuplesAsync(2, 1),
                    await powers.TakePowerMasksAsync(9, 3),
                    await powers.TakePowerMasksAsync(2, 3),
                    await source.TakeMatrixTripleForAsync(mask.SelectRows(2, 3), false, 2),
                    await source.TakeMatrixTripleForAsync(mask.SelectRows(2, 3), false, 1),
                    mask,
                ];
            }
            var plan = await PreprocessingPlan.RecordAsync(s, planned, async (_, source, _) => await Take(source));
            await planned.PrepareAsync(plan);
            var taken = await Take(planned);
            return (taken, Whole: ((MatrixMask)taken[^1]).Shares.ToArray(), planned.OnDemandRequests);
        }, n);
        Assert.All(parts, p => Assert.Equal(0, p.OnDemandRequests));
        T[] Of<T>(int index) => parts.Select(p => (T)p.taken[index]).ToArray();

        foreach (var (index, count) in new[] { (0, 70), (2, 5) })
        {
            var masks = Of<PackedComparisonMasks>(index);
            int words = masks[0].Words;
            for (int e = 0; e < count; e++)
            {
                ulong r = Sum(masks.Select(m => m.R[e])).Value;
                for (int i = 0; i < 20; i++)
                    Assert.Equal((r >> i) & 1, (masks.Aggregate(0UL, (a, m) => a ^ m.Bits[i * words + (e >> 6)]) >> (e & 63)) & 1);
                ulong rho = (masks.Aggregate(0UL, (a, m) => a ^ m.ConversionBits[e >> 6]) >> (e & 63)) & 1;
                Assert.Equal(rho, Sum(masks.Select(m => m.ConversionValues[e])).Value);
                Assert.Equal(new Z2k(rho) * Sum(masks.Select(m => m.ProductMasks![e])), Sum(masks.Select(m => m.ConversionProducts![e])));
            }
            foreach (var m in masks) Assert.Equal(0UL, m.ConversionBits[^1] >> (count % 64)); // unused bits cleared
        }
        foreach (var (index, count) in new[] { (1, 3), (3, 4) })
        {
            var triples = Of<BeaverTriples<Z2k>>(index);
            Assert.Equal(count, triples[0].Count);
            for (int i = 0; i < count; i++)
                Assert.Equal(Sum(triples.Select(t => t.A[i])) * Sum(triples.Select(t => t.B[i])), Sum(triples.Select(t => t.C[i])));
        }
        foreach (var (index, words) in new[] { (4, 3), (5, 1) })
        {
            var tuples = Of<BinaryAndTuples>(index);
            Assert.Equal(words, tuples[0].Words);
            for (int w = 0; w < words; w++)
                Assert.Equal(tuples.Aggregate(0UL, (a, t) => a ^ t[1, w]) & tuples.Aggregate(0UL, (a, t) => a ^ t[2, w]),
                    tuples.Aggregate(0UL, (a, t) => a ^ t[3, w]));
        }
        foreach (var (index, count) in new[] { (6, 9), (7, 2) })
        {
            var powers = Of<PowerMasks>(index);
            for (int e = 0; e < count; e++)
            {
                var rho = Sum(powers.Select(p => p.Power(1)[e]));
                Assert.Equal(rho * rho * rho, Sum(powers.Select(p => p.Power(3)[e])));
            }
        }
        var a = Enumerable.Range(0, 12).Select(i => Sum(parts.Select(p => p.Whole[i]))).ToArray().AsSpan(2 * 2, 3 * 2).ToArray();
        foreach (var (index, columns) in new[] { (8, 2), (9, 1) })
        {
            var triples = Of<FixedMaskTriple>(index);
            var b = Enumerable.Range(0, 2 * columns).Select(i => Sum(triples.Select(t => t.B[i]))).ToArray();
            var expected = new Z2k[3 * columns];
            VectorMath.MatrixMultiply<Z2k>(a, b, expected, 3, 2, columns);
            Assert.Equal(expected, Enumerable.Range(0, 3 * columns).Select(i => Sum(triples.Select(t => t.C[i]))).ToArray());
        }
    }

    /// <summary>A source as another, but for gates of two inputs, as the OT source asks for.</summary>
    private sealed class NarrowGates(DealerPreprocessing dealer) : IAdditivePreprocessing, IBinaryPreprocessing, IPowerPreprocessing
    {
        public string Name => dealer.Name;
        public PreprocessingUsage Usage => dealer.Usage;
        public int WidestGate => 2;
        public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default) =>
            dealer.TakeTriplesAsync(count, ct);
        public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default) =>
            dealer.TakeMatrixTripleAsync(rows, inner, columns, ct);
        public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default) =>
            dealer.TakeMatrixMaskAsync(rows, columns, ct);
        public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
            CancellationToken ct = default) => dealer.TakeMatrixTripleForAsync(mask, transposed, columns, ct);
        public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default) =>
            dealer.TakeTruncationMasksAsync(count, bits, ct);
        public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default) =>
            dealer.TakeBitMasksAsync(count, bits, ct);
        public ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
            CancellationToken ct = default) => dealer.TakeComparisonMasksAsync(count, bits, withProducts, ct);
        public ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default) =>
            dealer.TakeAndTuplesAsync(fanIn, words, ct);
        public ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default) =>
            dealer.TakePowerMasksAsync(count, degree, ct);
        public ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree,
            CancellationToken ct = default) =>
            dealer.TakeTruncationPowerMasksAsync(count, bits, degree, ct);
    }
}
