using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Sigmoid;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Training;

/// <summary>Prediction on shared inputs with shared (or public) weights: nothing is opened unless the caller opens it.</summary>
public sealed class SecurePredictor<T>(FixedPointArithmetic<T> fixedPoint) where T : unmanaged, IRing<T>
{
    /// <summary>The scores x·w of every row: one fixed-point matrix product.</summary>
    public ValueTask<SharedVector<T>> ScoresAsync(SharedDataset<T> data, SharedVector<T> weights, CancellationToken ct = default) =>
        fixedPoint.MatrixMultiplyAsync(data.Features, weights, data.Rows, data.Columns, 1, ct);

    /// <summary>
    /// The approximated probabilities sigmoid(x·w); <paramref name="scoreBound"/> bounds |x·w| (see
    /// <see cref="TrainingRanges.ScoreBound"/>).
    /// </summary>
    public async ValueTask<SharedVector<T>> ProbabilitiesAsync(SharedDataset<T> data, SharedVector<T> weights, ISigmoid sigmoid,
        double scoreBound, CancellationToken ct = default) =>
        await sigmoid.EvaluateAsync(fixedPoint, await ScoresAsync(data, weights, ct).ConfigureAwait(false), scoreBound, ct)
            .ConfigureAwait(false);
}
