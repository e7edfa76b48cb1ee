using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Preprocessing;

/// <summary>Preprocessing is counted, handed out once, and running out is an error that says by how much.</summary>
public sealed class PreprocessingAccountingTests
{
    private static Z2k Sum(IEnumerable<Z2k> shares) => shares.Aggregate(default(Z2k), (s, x) => s + x);

    /// <summary>Every party's takes, reconstructed: the a, b, c of each triple in the order taken.</summary>
    private static List<(Z2k A, Z2k B, Z2k C)> Reconstruct(BeaverTriples<Z2k>[][] byParty)
    {
        var all = new List<(Z2k, Z2k, Z2k)>();
        for (int take = 0; take < byParty[0].Length; take++)
            for (int i = 0; i < byParty[0][take].Count; i++)
                all.Add((Sum(byParty.Select(p => p[take].A[i])), Sum(byParty.Select(p => p[take].B[i])),
                    Sum(byParty.Select(p => p[take].C[i]))));
        return all;
    }

    [Fact]
    public async Task Buffered_TakesCutThePreparedBatch_NoTripleHandedOutTwice()
    {
        var results = await LocalParties.RunAsync(3, async s =>
        {
            var buffered = new BufferedPreprocessing(new DealerPreprocessing(s), onDemand: false);
            await buffered.PrepareTriplesAsync(1000);
            var takes = new List<BeaverTriples<Z2k>>();
            var handedOut = new List<long>();
            foreach (int count in new[] { 300, 1, 299, 400 })
            {
                takes.Add(await buffered.TakeTriplesAsync(count));
                handedOut.Add(buffered.TriplesHandedOut);
            }
            return (Takes: takes.ToArray(), HandedOut: handedOut, buffered.TriplesProduced);
        });
        Assert.All(results, r => Assert.Equal([300L, 301, 600, 1000], r.HandedOut)); // monotonic, exactly what was taken
        Assert.All(results, r => Assert.Equal(1000, r.TriplesProduced));
        var triples = Reconstruct(results.Select(r => r.Takes).ToArray());
        Assert.Equal(1000, triples.Count);
        Assert.All(triples, t => Assert.Equal(t.A * t.B, t.C));
        // a and b are uniform 64-bit values: a repeat would mean a triple handed out twice.
        Assert.Equal(1000, triples.Select(t => t.A).Distinct().Count());
        Assert.Equal(1000, triples.Select(t => t.B).Distinct().Count());
    }

    [Fact]
    public async Task Buffered_OverBatch_FailsSayingNeededAndProduced_StaysUsable()
    {
        var results = await LocalParties.RunAsync(2, async s =>
        {
            var buffered = new BufferedPreprocessing(new DealerPreprocessing(s), onDemand: false);
            await buffered.PrepareTriplesAsync(10);
            await buffered.TakeTriplesAsync(8);
            var tooMany = Assert.Throws<PreprocessingExhaustedException>(() => { _ = buffered.TakeTriplesAsync(5); });
            var rest = await buffered.TakeTriplesAsync(2); // the failed request took nothing
            var empty = Assert.Throws<PreprocessingExhaustedException>(() => { _ = buffered.TakeTriplesAsync(1); });
            return (tooMany, rest.Count, empty, buffered.TriplesHandedOut);
        });
        foreach (var (tooMany, rest, empty, handedOut) in results)
        {
            Assert.Equal((5L, 10L, 8L), (tooMany.Needed, tooMany.Produced, tooMany.HandedOut));
            Assert.Contains("needed 5 triples, produced 10, of which 8 already handed out (2 left)", tooMany.Message);
            Assert.Equal(2, rest);
            Assert.Equal((1L, 10L), (empty.Needed, empty.HandedOut));
            Assert.Equal(10, handedOut);
        }
    }

    [Fact]
    public async Task Buffered_PreparingAgain_DropsUnusedTriples_NeverHandsThemOut()
    {
        var results = await LocalParties.RunAsync(2, async s =>
        {
            var buffered = new BufferedPreprocessing(new DealerPreprocessing(s), onDemand: false);
            await buffered.PrepareTriplesAsync(10);
            var first = await buffered.TakeTriplesAsync(4);
            await buffered.PrepareTriplesAsync(10); // the 6 unused are dropped, counted as gone
            long afterPrepare = buffered.TriplesHandedOut;
            var second = await buffered.TakeTriplesAsync(10);
            Assert.Throws<PreprocessingExhaustedException>(() => { _ = buffered.TakeTriplesAsync(1); });
            return (Takes: new[] { first, second }, afterPrepare, buffered.TriplesProduced);
        });
        Assert.All(results, r => Assert.Equal((10L, 20L), (r.afterPrepare, r.TriplesProduced)));
        var triples = Reconstruct(results.Select(r => r.Takes).ToArray());
        Assert.Equal(14, triples.Select(t => t.A).Distinct().Count());
    }

    [Fact]
    public async Task Buffered_TruncationMasks_HandedOutOnce_ForTheirOwnShift()
    {
        var results = await LocalParties.RunAsync(3, async s =>
        {
            var buffered = new BufferedPreprocessing(new DealerPreprocessing(s), onDemand: false);
            await buffered.PrepareTruncationMasksAsync(10, 16);
            var first = await buffered.TakeTruncationMasksAsync(6, 16);
            var otherShift = Assert.Throws<PreprocessingExhaustedException>(() => { _ = buffered.TakeTruncationMasksAsync(1, 8); });
            var rest = await buffered.TakeTruncationMasksAsync(4, 16);
            var empty = Assert.Throws<PreprocessingExhaustedException>(() => { _ = buffered.TakeTruncationMasksAsync(1, 16); });
            return (Takes: new[] { first, rest }, otherShift, empty);
        });
        Assert.All(results, r => Assert.Contains("truncation masks for 8 bits", r.otherShift.Message));
        Assert.All(results, r => Assert.Equal((1L, 10L, 10L), (r.empty.Needed, r.empty.Produced, r.empty.HandedOut)));
        var masks = new List<ulong>();
        for (int take = 0; take < 2; take++)
        {
            for (int i = 0; i < results[0].Takes[take].Count; i++)
            {
                ulong r = Sum(results.Select(p => p.Takes[take].R[i])).Value;
                Assert.Equal(r >> 63, Sum(results.Select(p => p.Takes[take].TopBit[i])).Value);
                Assert.Equal((r & (ulong.MaxValue >> 1)) >> 16, Sum(results.Select(p => p.Takes[take].LowShifted[i])).Value);
                masks.Add(r);
            }
        }
        Assert.Equal(10, masks.Distinct().Count()); // uniform 64-bit masks: a repeat would be a mask handed out twice
    }

    [Fact]
    public async Task OnDemand_BeyondTheBatch_DrawsFreshCountedTriplesFromSource()
    {
        var results = await LocalParties.RunAsync(2, async s =>
        {
            var dealer = new DealerPreprocessing(s);
            var buffered = new BufferedPreprocessing(dealer);
            await buffered.PrepareTriplesAsync(5);
            var takes = new[] { await buffered.TakeTriplesAsync(5), await buffered.TakeTriplesAsync(7) };
            return (takes, dealer.Usage.Triples);
        });
        Assert.All(results, r => Assert.Equal(12, r.Triples)); // the source counts everything it produced
        var triples = Reconstruct(results.Select(r => r.takes).ToArray());
        Assert.All(triples, t => Assert.Equal(t.A * t.B, t.C));
        Assert.Equal(12, triples.Select(t => t.A).Distinct().Count());
    }

    [Fact]
    public async Task Dealer_SuccessiveTakes_NeverRepeatATriple()
    {
        var results = await LocalParties.RunAsync(3, async s =>
        {
            var dealer = new DealerPreprocessing(s);
            var takes = new BeaverTriples<Z2k>[50];
            for (int i = 0; i < takes.Length; i++) takes[i] = await dealer.TakeTriplesAsync(20);
            return takes;
        });
        var triples = Reconstruct(results);
        Assert.Equal(1000, triples.Select(t => t.A).Distinct().Count());
        Assert.Equal(1000, triples.Select(t => t.C).Distinct().Count());
    }
    [Fact]
    public async Task Restartable_CountsEverySource_KeepsHandingOutFreshTriples()
    {
        var results = await LocalParties.RunAsync(2, async s =>
        {
            using var restartable = new RestartablePreprocessing(() => new DealerPreprocessing(s));
            var first = await restartable.TakeTriplesAsync(5);
            restartable.Restart();
            var second = await restartable.TakeTriplesAsync(7);
            return (Takes: new[] { first, second }, restartable.Usage.Triples, restartable.Restarts);
        });
        Assert.All(results, r => Assert.Equal((12L, 1), (r.Triples, r.Restarts)));
        var triples = Reconstruct(results.Select(r => r.Takes).ToArray());
        Assert.All(triples, t => Assert.Equal(t.A * t.B, t.C));
        Assert.Equal(12, triples.Select(t => t.A).Distinct().Count());
    }
}
