using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Malicious;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>
/// Training under active security: a party that computes wrong products in one epoch in the middle of a run stops the
/// run before any weight is released; the same lie in the semi-honest Shamir suite changes the trained weights unseen.
/// </summary>
public sealed class MaliciousTrainingTests
{
    private const int Cheater = 1, CheatingEpoch = 2;
    private static readonly FixedPointFormat Format = new(16);
    private static readonly LogisticRegressionOptions Options = new() { Epochs = 4, LearningRate = 1.0 };

    private static readonly PartyTable[] Tables = MlTestData.Synthetic(60, 3, 3, seed: 5);

    /// <summary>Trains at every party; the cheater adds <paramref name="error"/> to its product shares during one epoch.</summary>
    private static async Task<(double[]? Weights, Exception? Error)[]> TrainAsync(bool malicious, ulong error)
    {
        var outcomes = new (double[]?, Exception?)[3];
        await LocalParties.RunAsync(InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(20)), async s =>
        {
            try
            {
                outcomes[s.PartyId] = (malicious ? await PartyAsync(s, error) : await SemiHonestPartyAsync(s, error), null);
            }
            catch (Exception ex)
            {
                outcomes[s.PartyId] = (null, ex);
                if (ex is not PeerException) await s.Network.AbortAsync(ex.Message);
            }
            return 0;
        });
        return outcomes;
    }

    private static async Task<double[]> PartyAsync(Session s, ulong error)
    {
        var suite = await MaliciousShamirSuite<Mersenne127>.CreateAsync(s);
        bool cheating = false;
        if (s.PartyId == Cheater)
            suite.ProductTamper = (values, _) => { if (cheating && values.Length > 0) values[0] += Mersenne127.FromUInt64(error); };
        return await TrainAsync(suite, s, epoch => cheating = epoch == CheatingEpoch - 1);
    }

    private static async Task<double[]> SemiHonestPartyAsync(Session s, ulong error)
    {
        var suite = new ShamirSuite<Mersenne127>(s);
        bool cheating = false;
        if (s.PartyId == Cheater)
            suite.ProductTamper = values => { if (cheating && values.Length > 0) values[0] += Mersenne127.FromUInt64(error); };
        return await TrainAsync(suite, s, epoch => cheating = epoch == CheatingEpoch - 1);
    }

    // The cheater's flag is set after each epoch: on during the epoch after `epochDone` says so.
    private static async Task<double[]> TrainAsync(IArithmeticSuite<Mersenne127> suite, Session s, Action<int> epochDone)
    {
        var fx = new FixedPointArithmetic<Mersenne127>(suite, Format);
        var data = await new SecureDataLoader<Mersenne127>(fx).LoadAsync(Tables[s.PartyId], DataPartition.ByRows, new DataLoadOptions());
        var result = await new LogisticRegressionTrainer<Mersenne127>(fx).TrainAsync(data.Train, data.FeatureBound, Options,
            ModelOutput.RevealToAll, progress: p => epochDone(p.Epoch));
        return result.Weights!;
    }

    [Fact]
    public async Task CheatingInOneMiddleEpoch_StopsTheRun_NoWeightsReleased()
    {
        var honest = await TrainAsync(malicious: true, error: 0);
        Assert.All(honest, o => Assert.NotNull(o.Weights));
        var cheated = await TrainAsync(malicious: true, error: 1);
        foreach (int p in new[] { 0, 2 })
        {
            Assert.Null(cheated[p].Weights);
            Assert.True(cheated[p].Error is CheatingDetectedException or PeerAbortedException, $"{cheated[p].Error}");
        }
        Assert.Contains(new[] { 0, 2 }, p => cheated[p].Error is CheatingDetectedException { Check: IntegrityCheck.MacCheck });
    }

    [Fact]
    public async Task SemiHonest_SameCheatInOneEpoch_ChangesTheWeightsUnseen()
    {
        var honest = await TrainAsync(malicious: false, error: 0);
        var cheated = await TrainAsync(malicious: false, error: 1UL << 40);
        for (int p = 0; p < 3; p++)
        {
            Assert.NotNull(cheated[p].Weights);
            Assert.NotEqual(honest[p].Weights!, cheated[p].Weights!);
        }
    }
}
