using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Metrics;

/// <summary>
/// Test metrics of a K-class model on the pooled, secret test set: each test row's K scores go to the party that holds
/// its label, which counts its rows into a confusion matrix and sums their log-loss; only the sums over all parties are
/// opened. So what is revealed is the pooled confusion matrix and the mean log-loss, as <see cref="PooledEvaluation"/>
/// reveals its pooled histogram.
/// </summary>
/// <remarks>Rounds: the scores' product, one opening to the label holders, the inputs' (Shamir one), one opening.</remarks>
public static class MulticlassEvaluation
{
    /// <summary>
    /// The metrics of <paramref name="weights"/> (columns x K, row-major, biases last) with <paramref name="mode"/>'s
    /// probabilities (exact sigmoids normalised over the classes for one-vs-rest, the exact softmax for multinomial).
    /// </summary>
    public static async ValueTask<MulticlassMetrics> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SecureTrainingData<T> data,
        SharedVector<T> weights, MulticlassMode mode, PartyTable mine, DataPartition partition, DataLoadOptions options,
        CancellationToken ct = default) where T : unmanaged, IRing<T>
    {
        var classes = options.Classes ?? throw new ArgumentException("Multiclass metrics need the classes.", nameof(options));
        int k = classes.Count;
        var test = data.Test;
        var scores = await fixedPoint.MatrixMultiplyAsync(test.Features, weights, test.Rows, test.Columns, k, ct).ConfigureAwait(false);
        var myScores = await PooledEvaluation.ScoresToLabelHoldersAsync(fixedPoint, data, scores, k, partition, ct).ConfigureAwait(false);

        // My sums: the log-loss (fixed point), then the confusion counts.
        var sums = new long[1 + k * k];
        if (myScores is not null)
        {
            var labels = mine.Labels ?? throw new ArgumentException("The label holder's table has no labels.", nameof(mine));
            var rows = AlignedRows.Create(mine, partition, fixedPoint.Suite.Session.PartyId, options.TestFraction, options.SplitSeed);
            int[] truth = [.. rows.Test.Select(r => IndexOf(classes, labels[r]))];
            var metrics = MulticlassMetrics.Of(classes, Probabilities(myScores, k, mode), truth);
            sums[0] = (long)Math.Round(Math.ScaleB(metrics.LogLoss * truth.Length, fixedPoint.Format.FractionalBits));
            metrics.Confusion.CopyTo(sums, 1);
        }
        var totals = await PooledEvaluation.SumOverPartiesAsync(fixedPoint.Suite, sums, ct).ConfigureAwait(false);
        var confusion = totals[1..];
        long n = confusion.Sum();
        return new MulticlassMetrics(classes, confusion, Math.ScaleB(totals[0], -fixedPoint.Format.FractionalBits) / n);
    }

    /// <summary>
    /// Probabilities from scores (n x K): the exact softmax of each row, or for one-vs-rest each class's exact sigmoid
    /// divided by the row's sum of them.
    /// </summary>
    public static double[] Probabilities(ReadOnlySpan<double> scores, int classes, MulticlassMode mode)
    {
        var p = new double[scores.Length];
        for (int row = 0; row < scores.Length / classes; row++)
        {
            var z = scores.Slice(row * classes, classes);
            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in z) max = Math.Max(max, v);
            for (int c = 0; c < classes; c++)
            {
                double v = mode == MulticlassMode.Softmax ? Math.Exp(z[c] - max) : 1 / (1 + Math.Exp(-z[c]));
                p[row * classes + c] = v;
                sum += v;
            }
            for (int c = 0; c < classes; c++) p[row * classes + c] /= sum;
        }
        return p;
    }

    private static int IndexOf(IReadOnlyList<int> classes, double label)
    {
        for (int c = 0; c < classes.Count; c++) if (classes[c] == label) return c;
        throw new ArgumentException($"The label {label} is not one of the classes.", nameof(label));
    }
}
