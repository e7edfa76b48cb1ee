using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols;

/// <summary>
/// <see cref="EpochKeys"/>: a session resumed from saved root keys and tag counters draws, from the saved epoch on,
/// exactly the randomness the original session drew: the ground of bit-identical resumed training.
/// </summary>
public sealed class EpochKeysTests
{
    private sealed record Saved(byte[] Keys, uint[] Counters);

    // The material of "epoch 3": dealer triples, truncation masks and a secret input, every party's shares.
    private static async Task<Z2k[]> EpochMaterialAsync(Session s)
    {
        var dealer = new DealerPreprocessing(s);
        var suite = new AdditiveSuite(s, dealer);
        var triples = await dealer.TakeTriplesAsync(16);
        var masks = await dealer.TakeTruncationMasksAsync(8, 16);
        var input = await suite.InputAsync(1, s.PartyId == 1 ? new Z2k[] { new(42), new(7) } : ReadOnlyMemory<Z2k>.Empty, 2);
        return [.. triples.A, .. triples.B, .. triples.C, .. masks.R, .. masks.LowShifted, .. input.LocalShares];
    }

    [Fact]
    public async Task ResumedSession_SavedKeysAndCounters_DrawTheOriginalShares()
    {
        // The original run: fresh keys, some work, then (at the checkpoint) keys and counters saved, then epoch 3.
        var original = await LocalParties.RunAsync(3, async s =>
        {
            var keys = EpochKeys.Create(s);
            keys.Enter(s, EpochKeys.SetupPhase);
            await new DealerPreprocessing(s).TakeTriplesAsync(5);
            var saved = new Saved(keys.Export(), s.TagCounters());
            keys.Enter(s, 3);
            return (saved, Material: await EpochMaterialAsync(s));
        }, seed: 1);

        // The resumed run: other private seeds and pairwise seeds, other work before; restored at epoch 3.
        var resumed = await LocalParties.RunAsync(3, async s =>
        {
            var keys = EpochKeys.Import(original[s.PartyId].saved.Keys, s.PartyId, s.PartyCount);
            s.AdvanceTagCounters(original[s.PartyId].saved.Counters);
            keys.Enter(s, 3);
            return await EpochMaterialAsync(s);
        }, seed: 2);

        // Control: fresh keys at epoch 3 draw other material, so the equality above is not a coincidence.
        var fresh = await LocalParties.RunAsync(3, async s =>
        {
            var keys = EpochKeys.Create(s);
            s.AdvanceTagCounters(original[s.PartyId].saved.Counters);
            keys.Enter(s, 3);
            return await EpochMaterialAsync(s);
        }, seed: 2);

        for (int p = 0; p < 3; p++)
        {
            Assert.Equal(original[p].Material, resumed[p]);
            Assert.NotEqual(original[p].Material, fresh[p]);
        }
    }

    [Fact]
    public async Task Epochs_DrawDifferentMaterial()
    {
        var results = await LocalParties.RunAsync(2, async s =>
        {
            var keys = EpochKeys.Create(s);
            var counters = s.TagCounters();
            keys.Enter(s, 0);
            var zero = await EpochMaterialAsync(s);
            s.AdvanceTagCounters(counters.Select(c => c + 100).ToArray());
            keys.Enter(s, 1);
            var one = await EpochMaterialAsync(s);
            return (zero, one);
        });
        Assert.All(results, r => Assert.False(r.zero.Intersect(r.one).Any(v => v != default), "two epochs drew a common value"));
    }

    [Fact]
    public async Task PairFingerprint_AgreesAtBothEnds_AndDiffersBetweenRuns()
    {
        var first = await LocalParties.RunAsync(3, s => Task.FromResult(
            Enumerable.Range(0, 3).Select(p => p == s.PartyId ? 0 : EpochKeys.Create(s).PairFingerprint(p)).ToArray()), seed: 1);
        var second = await LocalParties.RunAsync(3, s => Task.FromResult(
            Enumerable.Range(0, 3).Select(p => p == s.PartyId ? 0 : EpochKeys.Create(s).PairFingerprint(p)).ToArray()), seed: 2);
        for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++)
                if (p != q)
                {
                    Assert.Equal(first[p][q], first[q][p]);
                    Assert.NotEqual(first[p][q], second[p][q]);
                }
    }

    [Fact]
    public async Task AdvanceTagCounters_Backwards_IsRefused()
    {
        var errors = await LocalParties.RunAsync(2, s =>
        {
            var counters = s.TagCounters();
            s.NextTag(ProtocolChannel.Preprocessing);
            return Task.FromResult(Assert.Throws<InvalidOperationException>(() => s.AdvanceTagCounters(counters)));
        });
        Assert.All(errors, e => Assert.Contains("tags would be reused", e.Message));
    }

    [Fact]
    public async Task Import_OfKeysForAnotherClusterSize_IsRefused()
    {
        var exported = await LocalParties.RunAsync(2, s => Task.FromResult(EpochKeys.Create(s).Export()));
        Assert.Throws<FormatException>(() => EpochKeys.Import(exported[0], 0, 3));
        var keys = EpochKeys.Import(exported[0], 0, 2);
        var errors = await LocalParties.RunAsync(2,
            s => Task.FromResult(s.PartyId == 1 ? Assert.Throws<ArgumentException>(() => keys.Enter(s, 0)) : null));
        Assert.Contains("belong to party 0", errors[1]!.Message);
    }
}
