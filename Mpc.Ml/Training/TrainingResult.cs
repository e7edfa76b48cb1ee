using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Ml.Training;

/// <summary>What secure training produced at this party.</summary>
/// <param name="Weights">The weights (the bias last), if they were opened to this party; else null.</param>
/// <param name="SharedWeights">This party's shares of the weights, always (for secure prediction).</param>
/// <param name="SigmoidName">The sigmoid approximation used.</param>
/// <param name="Losses">(epoch, loss) for the epochs whose loss was computed.</param>
/// <param name="TrainingTime">Wall time of the training loop, from masking the matrix to the last update (not the output).</param>
/// <param name="Ranges">The range analysis the run was checked against.</param>
public sealed record TrainingResult<T>(double[]? Weights, SharedVector<T> SharedWeights, string SigmoidName,
    IReadOnlyList<(int Epoch, double Loss)> Losses, TimeSpan TrainingTime, TrainingRanges Ranges) where T : unmanaged, IRing<T>;
