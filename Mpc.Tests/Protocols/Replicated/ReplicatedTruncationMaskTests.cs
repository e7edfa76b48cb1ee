using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Protocols;
using Mpc.Protocols.Replicated;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Replicated;

/// <summary>
/// The replicated suite's one-round truncation and its masks, made ahead in batches: opened, they are what the online round assumes
/// (r uniform, r'' &gt;&gt; m and msb(r) of that r), across batch boundaries and for every shift; a truncation whose
/// masks are made costs one round; discarding them makes the next truncation start a new batch.
/// </summary>
public sealed class ReplicatedTruncationMaskTests
{
    private const ulong Low63 = (1UL << 63) - 1;

    private sealed record Opened(ulong[] Mask, ulong[] ShiftedLow, ulong[] TopBit, long[] Results, long[] Inputs);

    /// <summary>Truncates vectors of the given lengths one after the other and opens each truncation's masks and result.</summary>
    private static Opened[] TruncateAndOpen(int seed, int bits, int[] lengths) => LocalParties.Run(3, async s =>
    {
        var suite = new ReplicatedSuite(s, ReplicatedTruncation.OneRound) { UsedMasks = [], FirstMaskBatch = 4096 };
        var prg = new AesCtrPrg(LocalParties.PrivateSeed(seed, 99));
        var opened = new List<Opened>();
        foreach (int length in lengths)
        {
            // Inputs over the whole range, [-2^62, 2^62).
            var inputs = Enumerable.Range(0, length).Select(_ => (long)prg.NextUniform<Z2k>().Value >> 1).ToArray();
            var x = await suite.InputAsync(0, s.PartyId == 0 ? inputs.Select(Z2kPair.FromInt64).ToArray() : ReadOnlyMemory<Z2kPair>.Empty,
                length);
            suite.UsedMasks.Clear();
            var y = await suite.TruncateAsync(x, bits);
            var masks = Assert.Single(suite.UsedMasks);
            async Task<ulong[]> Open(Z2kPair[] shares) =>
                (await suite.OpenAsync(SharedVector<Z2kPair>.FromShares(shares))).Select(v => v.First).ToArray();
            opened.Add(new Opened(await Open(masks.Mask), await Open(masks.ShiftedLow), await Open(masks.TopBit),
                (await suite.OpenAsync(y)).Select(v => (long)v.First).ToArray(), inputs));
        }
        return opened.ToArray();
    }, seed)[0];

    [Property(MaxTest = 8)]
    public void Masks_AreWhatTheOnlineRoundAssumes_AcrossBatches(int seed, byte bitsByte)
    {
        int bits = bitsByte % 63;
        // The second 3000 cross from the first batch (4096) into the second (8192), 9000 from the second into a third.
        foreach (var truncation in TruncateAndOpen(seed, bits, [3000, 3000, 9000]))
        {
            for (int i = 0; i < truncation.Mask.Length; i++)
            {
                ulong r = truncation.Mask[i];
                Assert.Equal((r & Low63) >> bits, truncation.ShiftedLow[i]);
                Assert.Equal(r >> 63, truncation.TopBit[i]);
                long exact = truncation.Inputs[i] >> bits; // floor
                long got = truncation.Results[i];
                Assert.True(got == exact || got == exact + 1, $"floor({truncation.Inputs[i]} / 2^{bits}) = {exact}, got {got}");
            }
        }
    }

    [Fact]
    public void Masks_AreUniform_AndNeverRepeat()
    {
        var masks = TruncateAndOpen(7, 16, [4096, 4096]).SelectMany(t => t.Mask).ToArray();
        var counts = new long[64];
        foreach (var r in masks) counts[(int)((r & 7) | ((r >> 61) << 3))]++;
        ChiSquare.AssertUniform(counts, "opened truncation masks");
        Assert.Equal(masks.Length, masks.Distinct().Count());
    }

    [Fact]
    public async Task Truncation_WithMasksMade_IsOneRound_DiscardStartsNewBatch()
    {
        var rounds = await LocalParties.RunAsync(3, async s =>
        {
            var suite = new ReplicatedSuite(s, ReplicatedTruncation.OneRound);
            var x = await suite.InputAsync(0,
                s.PartyId == 0 ? Enumerable.Repeat(Z2kPair.FromInt64(1 << 20), 100).ToArray() : ReadOnlyMemory<Z2kPair>.Empty, 100);
            async Task<long> Rounds(Func<Task> operation)
            {
                long before = s.Network.Stats.Rounds;
                await operation();
                return s.Network.Stats.Rounds - before;
            }
            return new[]
            {
                await Rounds(() => suite.TruncateAsync(x, 16).AsTask()),                          // makes a batch: 9 + 1
                await Rounds(() => suite.TruncateAsync(x, 16).AsTask()),                          // 1
                await Rounds(() => suite.MultiplyAndTruncateAsync(x, x, 16).AsTask()),            // 1
                await Rounds(() => suite.TruncateAsync(x, 20).AsTask()),                          // another shift: a batch of its own
                await Rounds(() => { suite.DiscardTruncationMasks(); return suite.TruncateAsync(x, 16).AsTask(); }),
            };
        });
        foreach (var party in rounds) Assert.Equal([10L, 1, 1, 10, 10], party);
    }
}
