using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Metrics;

/// <summary>
/// Test accuracy over a private intersection's test rows without opening any score: each row's correctness
/// [z &gt;= 0] = y is computed on shares, weighed by the shared membership indicator, and only the sum is opened.
/// </summary>
/// <remarks>
/// Rounds: the scores' product, one comparison, two products, one opening. Opening scores to the label owner, as
/// <see cref="PooledEvaluation"/> does, would show it which rows lie outside the intersection (their score is zero), so
/// here the AUC and log-loss, which need the scores themselves, are not computed.
/// </remarks>
public static class PrivateEvaluation
{
    /// <summary>The fraction of common test rows the model classifies right (NaN without any).</summary>
    public static async ValueTask<double> AccuracyAsync<T>(FixedPointArithmetic<T> fixedPoint, SecureTrainingData<T> data,
        SharedVector<T> weights, CancellationToken ct = default) where T : unmanaged, IRing<T>
    {
        var rows = data.Private ?? throw new ArgumentException("The data was not loaded through a private intersection.", nameof(data));
        var suite = fixedPoint.Suite;
        var test = data.Test;
        if (test.Rows == 0 || test.Members is not > 0) return double.NaN;
        var scores = await fixedPoint.MatrixMultiplyAsync(test.Features, weights, test.Rows, test.Columns, 1, ct).ConfigureAwait(false);
        var negative = await suite.LessThanZeroAsync(scores, ct: ct).ConfigureAwait(false);
        var both = await suite.MultiplyAsync(negative, rows.TestLabelBits, ct).ConfigureAwait(false);
        // [predicted = y] = [1 - n = y] = n + y - 2 n y for the bits n = [z < 0] and y.
        var agree = suite.Subtract(suite.Add(negative, rows.TestLabelBits), suite.Scale(both, T.FromInt64(2)));
        var correct = await suite.MultiplyAsync(rows.TestIndicator, agree, ct).ConfigureAwait(false);
        var total = await suite.OpenAsync(correct.Sum(), ct).ConfigureAwait(false);
        return (double)T.ToSignedInt128(total[0]) / test.Members.Value;
    }
}
