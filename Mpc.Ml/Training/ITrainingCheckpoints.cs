using Mpc.Core.Arithmetic;

namespace Mpc.Ml.Training;

/// <summary>
/// How a training run is checkpointed and resumed: where it starts, how each epoch's randomness is keyed, and where
/// each finished epoch's state goes. The trainer knows no files; the party process implements this.
/// </summary>
public interface ITrainingCheckpoints<T> where T : unmanaged, IRing<T>
{
    /// <summary>The state to continue from (every party the same epoch), or null to start at epoch 0.</summary>
    TrainingState<T>? ResumeFrom { get; }

    /// <summary>
    /// Called between operations, at every party alike, before epoch <paramref name="epoch"/> (0-based) and once more,
    /// with the epoch count, before the model is revealed: keys the randomness the epoch draws.
    /// </summary>
    void BeginEpoch(int epoch);

    /// <summary>Called after every epoch with the state reached; saves it when a checkpoint is due.</summary>
    ValueTask EpochCompletedAsync(TrainingState<T> state, CancellationToken ct);
}
