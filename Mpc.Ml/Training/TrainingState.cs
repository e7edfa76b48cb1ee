using Mpc.Core.Arithmetic;

namespace Mpc.Ml.Training;

/// <summary>
/// Where a party's training stands after <see cref="EpochsCompleted"/> epochs: its shares of the weights (bias last) and
/// the losses reported so far. What a checkpoint saves, and what a resumed run starts from.
/// </summary>
public sealed record TrainingState<T>(int EpochsCompleted, T[] WeightShares, IReadOnlyList<(int Epoch, double Loss)> Losses)
    where T : unmanaged, IRing<T>;
