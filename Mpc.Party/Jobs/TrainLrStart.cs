using Mpc.Core.Arithmetic;
using Mpc.Ml.Training;
using Mpc.Party.Checkpoints;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;
using Mpc.Protocols.Shamir;

namespace Mpc.Party.Jobs;

/// <summary>
/// How a <c>train-lr</c> run with checkpoints starts: this party's checkpoints are read and checked against the run,
/// the parties agree on where to start, and the run's root keys (fresh, or the agreed checkpoint's) key the set-up phase.
/// </summary>
internal static class TrainLrStart
{
    /// <summary>This party's checkpoints, each checked against this run's identity (a mismatch names what differs).</summary>
    public static List<CheckpointFile<T>> ReadCheckpoints<T>(CheckpointStore store, CheckpointIdentity identity)
        where T : unmanaged, IRing<T>
    {
        var files = new List<CheckpointFile<T>>();
        foreach (int epoch in store.Epochs())
        {
            string path = store.PathOf(epoch);
            var file = CheckpointFile<T>.Read(path);
            if (file.Identity.DifferenceFrom(identity) is { } difference)
                throw new CheckpointException($"Cannot resume from checkpoint {path}: {difference}.");
            if (file.State.EpochsCompleted != epoch)
                throw new CheckpointException(
                    $"Checkpoint {path} holds epoch {file.State.EpochsCompleted}, not the {epoch} its name says.");
            files.Add(file);
        }
        return files;
    }

    /// <summary>
    /// Agrees with the other parties on where to start (fresh, or the latest epoch every party saved), takes the run's
    /// root keys (fresh from the CSPRNG, or the checkpoint's), and keys the set-up phase with them.
    /// </summary>
    public static async Task<TrainLrCheckpoints<T>> StartAsync<T>(IArithmeticSuite<T> suite, IArithmeticSuite<T> baseSuite,
        TrainLrSettings settings, CheckpointStore store, CheckpointIdentity identity, List<CheckpointFile<T>> saved,
        RestartablePreprocessing? restartable, TextWriter output, CancellationToken ct) where T : unmanaged, IRing<T>
    {
        var session = suite.Session;
        int me = session.PartyId, n = session.PartyCount;
        var latestKeys = saved.Count == 0 ? null : EpochKeys.Import(saved[^1].Keys, me, n);
        var fingerprints = Enumerable.Range(0, n).Select(p => p == me || latestKeys is null ? 0L : latestKeys.PairFingerprint(p)).ToArray();
        int? from = await ResumeAgreement.AgreeAsync(suite,
            new ResumeAnnouncement(settings.Resume, saved.Select(f => f.State.EpochsCompleted).ToArray(), fingerprints), ct);

        var file = from is int epoch ? saved.Single(f => f.State.EpochsCompleted == epoch) : null;
        var keys = file is null ? EpochKeys.Create(session) : EpochKeys.Import(file.Keys, me, n);
        if (file is not null && Enumerable.Range(0, n).Any(p => p != me && keys.PairFingerprint(p) != fingerprints[p]))
            throw new CheckpointException($"Checkpoint {store.PathOf(from!.Value)} comes from another run than the latest one in " +
                $"{store.Directory}; keep one run's checkpoints per folder.");
        if (file is not null) output.WriteLine($"train-lr: resuming from epoch {from} ({store.PathOf(from!.Value)})");
        keys.Enter(session, EpochKeys.SetupPhase);
        // What a suite or source keeps from one epoch to the next (the ot source's OT extensions, the replicated suite's
        // truncation masks made ahead, the Shamir suite's masks dealt in batches) starts afresh here and at every epoch a
        // run can resume from.
        Action? restart = (restartable, baseSuite) switch
        {
            ({ } source, _) => source.Restart,
            (null, ReplicatedSuite replicated) => replicated.DiscardTruncationMasks,
            (null, ShamirSuite<Mersenne127> shamirSuite) => shamirSuite.DiscardPreparedMasks,
            _ => null,
        };
        restart?.Invoke();
        // Shamir hands out its pseudo-random sharing keys at the first product; here, in the set-up phase, instead.
        if (baseSuite is ShamirSuite<Mersenne127> shamir) await shamir.EstablishResharingKeysAsync(ct);
        Func<string> usage = () => baseSuite is AdditiveSuite additive ? additive.Preprocessing.Usage.ToString() : "";
        return new TrainLrCheckpoints<T>(session, keys, settings.CheckpointEvery is null ? null : store, settings.CheckpointEvery,
            settings.Epochs, identity, usage, file, output, restart);
    }
}
