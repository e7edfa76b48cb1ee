using Mpc.Ml.Training;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>
/// <see cref="ResumeAgreement"/>: the parties resume from the latest epoch every one of them saved, or all fail with the
/// same message saying why not.
/// </summary>
public sealed class ResumeAgreementTests
{
    // Fingerprints that agree pairwise: the fingerprint of pair {p, q} is 100 p + q (p < q).
    private static long[] Fingerprints(int me, int n) =>
        Enumerable.Range(0, n).Select(p => p == me ? 0L : 100L * Math.Min(p, me) + Math.Max(p, me)).ToArray();

    private static Task<Exception?[]> Outcomes(int n, Func<int, ResumeAnnouncement> announce) =>
        LocalParties.RunAsync(n, async s =>
        {
            try
            {
                await ResumeAgreement.AgreeAsync(new AdditiveSuite(s, new DealerPreprocessing(s)), announce(s.PartyId));
                return null;
            }
            catch (ResumeException ex)
            {
                return (Exception?)ex;
            }
        });

    [Fact]
    public async Task FreshStart_AgreesOnNoEpoch()
    {
        var epochs = await LocalParties.RunAsync(3, async s =>
            await ResumeAgreement.AgreeAsync(new AdditiveSuite(s, new DealerPreprocessing(s)),
                new ResumeAnnouncement(false, [], new long[3])));
        Assert.All(epochs, e => Assert.Null(e));
    }

    [Fact]
    public async Task Resume_TakesTheLatestEpochEveryPartySaved()
    {
        // Party 2 was killed before saving epoch 6; party 0 still holds older ones.
        int[][] saved = [[2, 4, 6], [4, 6], [4]];
        var epochs = await LocalParties.RunAsync(3, async s =>
            await ResumeAgreement.AgreeAsync(new AdditiveSuite(s, new DealerPreprocessing(s)),
                new ResumeAnnouncement(true, saved[s.PartyId], Fingerprints(s.PartyId, 3))));
        Assert.All(epochs, e => Assert.Equal(4, e));
    }

    [Fact]
    public async Task OnlySomeResume_EveryPartyFails_NamingBoth()
    {
        var errors = await Outcomes(3, p => new ResumeAnnouncement(p != 1, [2], Fingerprints(p, 3)));
        Assert.All(errors,
            e => Assert.Equal("party 0 was started with --resume and party 1 without; start every party alike.", e!.Message));
    }

    [Fact]
    public async Task APartyWithoutCheckpoints_EveryPartyFails_NamingIt()
    {
        var errors = await Outcomes(3, p => new ResumeAnnouncement(true, p == 2 ? [] : [2], Fingerprints(p, 3)));
        Assert.All(errors, e => Assert.Contains("party 2 has no checkpoint", e!.Message));
    }

    [Fact]
    public async Task CheckpointsOfAnotherRun_EveryPartyFails_NamingThePair()
    {
        var errors = await Outcomes(3, p =>
        {
            var fingerprints = Fingerprints(p, 3);
            if (p == 2) fingerprints[1] = 999; // party 2's checkpoint shares another key with party 1
            return new ResumeAnnouncement(true, [2], fingerprints);
        });
        Assert.All(errors, e => Assert.Contains("the checkpoints of party 1 and party 2 come from different runs", e!.Message));
    }

    [Fact]
    public async Task NoCommonEpoch_EveryPartyFails_ListingWhatEachHas()
    {
        int[][] saved = [[2], [4, 6], [2, 4]];
        var errors = await Outcomes(3, p => new ResumeAnnouncement(true, saved[p], Fingerprints(p, 3)));
        Assert.All(errors, e => Assert.Contains("party 0 has 2; party 1 has 4, 6; party 2 has 2, 4", e!.Message));
    }
}
