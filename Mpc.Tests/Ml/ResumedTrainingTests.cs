using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>
/// Training resumed from a saved state (shares, root keys, tag counters) over every suite and source, in one process:
/// the same model and the same shares of it as the run that was never interrupted, from sessions with other seeds.
/// </summary>
public sealed class ResumedTrainingTests
{
    private const int Epochs = 4, Every = 2;
    private static readonly FixedPointFormat Format = new(16);
    private static readonly LogisticRegressionOptions Options = new() { Epochs = Epochs, LearningRate = 1, BatchSize = 30, LossEvery = 1 };
    private static readonly PartyTable[] Tables = MlTestData.Synthetic(90, 3, 3, seed: 5); // small: the ot source's comparisons are slow

    private sealed record Saved(byte[] Keys, uint[] Counters, object State);

    private sealed record Outcome(double[] Weights, object FinalShares, Saved? AtEpoch2);

    /// <summary>What the party process does (TrainLrCheckpoints), in memory: keys per epoch, restart, save at epoch 2.</summary>
    private sealed class Checkpoints<T>(Session session, EpochKeys keys, Saved? resume, RestartablePreprocessing? restartable) : ITrainingCheckpoints<T>
        where T : unmanaged, IRing<T>
    {
        private uint[]? _pending = resume?.Counters;

        public Saved? AtEpoch2 { get; private set; }

        public TrainingState<T>? ResumeFrom => (TrainingState<T>?)resume?.State;

        public void BeginEpoch(int epoch)
        {
            if (_pending is not null) session.AdvanceTagCounters(_pending);
            _pending = null;
            keys.Enter(session, epoch);
            if (epoch % Every == 0 || epoch == Epochs) restartable?.Restart();
        }

        public ValueTask EpochCompletedAsync(TrainingState<T> state, CancellationToken ct)
        {
            if (state.EpochsCompleted == 2) AtEpoch2 = new Saved(keys.Export(), session.TagCounters(), state);
            return ValueTask.CompletedTask;
        }
    }

    private static Outcome[] Train(string configuration, Saved[]? resume, int seed) => configuration switch
    {
        "shamir" => LocalParties.Run(3, s => PartyAsync<Mersenne127>(s, new ShamirSuite<Mersenne127>(s), null, resume?[s.PartyId]), seed),
        "additive-ot" => LocalParties.Run(3, s =>
        {
            var restartable = new RestartablePreprocessing(() => new OtPreprocessing(s));
            return PartyAsync<Z2k>(s, new AdditiveSuite(s, restartable), restartable, resume?[s.PartyId]);
        }, seed),
        _ => LocalParties.Run(3, s => PartyAsync<Z2k>(s, new AdditiveSuite(s, new DealerPreprocessing(s)), null, resume?[s.PartyId]), seed),
    };

    private static async Task<Outcome> PartyAsync<T>(Session s, IArithmeticSuite<T> suite, RestartablePreprocessing? restartable, Saved? resume)
        where T : unmanaged, IRing<T>
    {
        var keys = resume is null ? EpochKeys.Create(s) : EpochKeys.Import(resume.Keys, s.PartyId, s.PartyCount);
        keys.Enter(s, EpochKeys.SetupPhase);
        restartable?.Restart();
        if (suite is ShamirSuite<Mersenne127> shamir) await shamir.EstablishPseudoRandomSharingAsync();
        var fx = new FixedPointArithmetic<T>(suite, Format);
        var data = await new SecureDataLoader<T>(fx).LoadAsync(Tables[s.PartyId], DataPartition.ByRows, new DataLoadOptions());
        var checkpoints = new Checkpoints<T>(s, keys, resume, restartable);
        var result = await new LogisticRegressionTrainer<T>(fx).TrainAsync(data.Train, data.FeatureBound, Options, ModelOutput.RevealToAll, checkpoints: checkpoints);
        restartable?.Dispose();
        return new Outcome(result.Weights!, result.SharedWeights.LocalShares.ToArray(), checkpoints.AtEpoch2);
    }

    [Theory]
    [InlineData("additive-dealer")]
    [InlineData("additive-ot")]
    [InlineData("shamir")]
    public void ResumedAtEpoch2_FromOtherSessions_SameModelAndSharesAsTheUninterruptedRun(string configuration)
    {
        var uninterrupted = Train(configuration, resume: null, seed: 1);
        var saved = uninterrupted.Select(o => o.AtEpoch2!).ToArray();
        var resumed = Train(configuration, saved, seed: 2);
        for (int p = 0; p < 3; p++)
        {
            Assert.Equal(uninterrupted[p].Weights, resumed[p].Weights);
            Assert.Equal((System.Collections.IEnumerable)uninterrupted[p].FinalShares, (System.Collections.IEnumerable)resumed[p].FinalShares);
        }
        // Control (where it is cheap): another run's randomness rounds differently somewhere, so the equality above is not a given.
        if (configuration != "additive-ot") Assert.NotEqual(uninterrupted[0].Weights, Train(configuration, resume: null, seed: 3)[0].Weights);
    }
}
