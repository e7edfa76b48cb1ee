using Mpc.Core.Arithmetic;
using Mpc.Ml.Training;
using Mpc.Party.Checkpoints;
using Mpc.Protocols;

namespace Mpc.Party.Jobs;

/// <summary>
/// Checkpoints of one <c>train-lr</c> party: keys every epoch's randomness from the run's <see cref="EpochKeys"/>,
/// saves the state every <c>--checkpoint-every</c> epochs (and after the last), and on resume restores the saved tag
/// counters before the first resumed epoch, so the rest of the run draws exactly what the original run drew. State kept
/// across epochs (the ot source's OT extensions, the replicated suite's truncation masks) is restarted at every epoch a
/// run can resume from.
/// </summary>
internal sealed class TrainLrCheckpoints<T>(Session session, EpochKeys keys, CheckpointStore? store, int? every, int epochs,
    CheckpointIdentity identity, Func<string> preprocessingUsage, CheckpointFile<T>? resumeFrom, TextWriter output,
    Action? restartPreprocessing = null)
    : ITrainingCheckpoints<T> where T : unmanaged, IRing<T>
{
    private uint[]? _pendingCounters = resumeFrom?.TagCounters;

    /// <inheritdoc />
    public TrainingState<T>? ResumeFrom => resumeFrom?.State;

    /// <inheritdoc />
    public void BeginEpoch(int epoch)
    {
        if (_pendingCounters is { } counters)
        {
            session.AdvanceTagCounters(counters);
            _pendingCounters = null;
        }
        keys.Enter(session, epoch);
        // At every epoch a run can resume from (each checkpoint's, and the end), state kept across epochs starts afresh:
        // the OT extensions' base OTs, or the masks made ahead, then depend on that epoch's keys alone. Not every epoch:
        // base OTs are costly, and a batch of masks serves several epochs.
        if (restartPreprocessing is not null && ((every is int k && epoch % k == 0) || epoch == epochs)) restartPreprocessing();
    }

    /// <inheritdoc />
    public ValueTask EpochCompletedAsync(TrainingState<T> state, CancellationToken ct)
    {
        if (store is null || every is not int k) return ValueTask.CompletedTask;
        if (state.EpochsCompleted % k != 0 && state.EpochsCompleted != epochs) return ValueTask.CompletedTask;
        // Saved before the next epoch sends anything: no party can complete epoch e + 1 before every party has saved epoch e,
        // so the parties' latest checkpoints are at most one apart.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var file = new CheckpointFile<T>(identity, state, keys.Export(), session.TagCounters(), preprocessingUsage());
        string path = store.PathOf(state.EpochsCompleted);
        store.Save(state.EpochsCompleted, file.Write);
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"train-lr: checkpoint of epoch {state.EpochsCompleted} in {path} " +
            $"({new FileInfo(path).Length / 1024.0:0.0} KiB, {clock.Elapsed.TotalMilliseconds:0.0} ms)"));
        return ValueTask.CompletedTask;
    }
}
