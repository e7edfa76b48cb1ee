using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Metrics;

/// <summary>
/// Test metrics of a trained model on the pooled, secret test set, opening only what the metrics need: each test
/// score goes to the party that holds that row's label, and only sums over all parties are opened to everyone.
/// </summary>
/// <remarks>
/// <para>Steps: the scores X_test w (one fixed-point matrix product); each row's score opened to its label holder
/// (horizontal: the party that contributed the row, which knows the model and the row anyway; vertical: the label
/// owner); each party sums, over its rows, the correct predictions, the log-loss with the exact sigmoid, and a
/// histogram of scores by label; the sums over all parties are opened. Rounds: the product's, one opening to the
/// owners, the inputs' (Shamir one), one opening.</para>
/// <para>The pooled histogram (<see cref="Bins"/> bins of width 1/64 over scores in [-32, 32], clamped) gives the AUC
/// exactly up to ties inside a bin, and is all that is revealed about the test scores beyond the metrics.</para>
/// </remarks>
public static class PooledEvaluation
{
    /// <summary>Histogram bins per label.</summary>
    public const int Bins = 4096;

    private const double Range = 32;

    /// <summary>Accuracy, log-loss and AUC of <paramref name="weights"/> on the test set of <paramref name="data"/>.</summary>
    /// <param name="fixedPoint">The arithmetic the data is shared in.</param>
    /// <param name="data">The loaded training and test sets.</param>
    /// <param name="weights">The model, bias last (shared).</param>
    /// <param name="mine">This party's table, as loaded.</param>
    /// <param name="partition">The partitioning the data was loaded with.</param>
    /// <param name="options">The options the data was loaded with (test split).</param>
    /// <param name="ct">Cancels the protocol.</param>
    public static async ValueTask<ClassificationMetrics> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SecureTrainingData<T> data,
        SharedVector<T> weights, PartyTable mine, DataPartition partition, DataLoadOptions options, CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        var test = data.Test;
        var scores = await fixedPoint.MatrixMultiplyAsync(test.Features, weights, test.Rows, test.Columns, 1, ct).ConfigureAwait(false);
        var rows = AlignedRows.Create(mine, partition, suite.Session.PartyId, options.TestFraction, options.SplitSeed);
        var myScores = await ScoresToLabelHoldersAsync(fixedPoint, data, scores, 1, partition, ct).ConfigureAwait(false);

        // My sums: rows, correct predictions, log-loss (fixed point), then the histograms of positives and negatives.
        var sums = new long[3 + 2 * Bins];
        if (myScores is not null)
        {
            var labels = mine.Labels ?? throw new ArgumentException("The label holder's table has no labels.", nameof(mine));
            double logLoss = 0;
            for (int i = 0; i < myScores.Length; i++)
            {
                double z = myScores[i], y = labels[rows.Test[i]];
                bool positive = y >= 0.5;
                if ((z >= 0) == positive) sums[1]++;
                logLoss += positive ? Softplus(-z) : Softplus(z);
                sums[3 + (positive ? 0 : Bins) + Bin(z)]++;
            }
            sums[0] = myScores.Length;
            sums[2] = (long)Math.Round(Math.ScaleB(logLoss, fixedPoint.Format.FractionalBits));
        }
        var totals = await SumOverPartiesAsync(suite, sums, ct).ConfigureAwait(false);
        double n = totals[0];
        ReadOnlySpan<long> positives = totals.AsSpan(3, Bins), negatives = totals.AsSpan(3 + Bins, Bins);
        return new ClassificationMetrics(totals[1] / n, Math.ScaleB(totals[2], -fixedPoint.Format.FractionalBits) / n,
            AreaUnderRoc(positives, negatives))
        {
            Roc = RocCurve(positives, negatives),
        };
    }

    /// <summary>
    /// The ROC curve of the pooled histogram: lowering the threshold bin by bin from the top, the share of positives
    /// and of negatives at or above it. Only the histogram is used, which everyone has already.
    /// </summary>
    internal static (double, double)[] RocCurve(ReadOnlySpan<long> positives, ReadOnlySpan<long> negatives)
    {
        double p = 0, q = 0;
        for (int b = 0; b < positives.Length; b++) (p, q) = (p + positives[b], q + negatives[b]);
        if (p == 0 || q == 0) return [];
        var points = new List<(double, double)> { (0, 0) };
        double truePositives = 0, falsePositives = 0;
        for (int b = positives.Length - 1; b >= 0; b--)
        {
            if (positives[b] == 0 && negatives[b] == 0) continue;
            truePositives += positives[b];
            falsePositives += negatives[b];
            points.Add((falsePositives / q, truePositives / p));
        }
        return points.ToArray();
    }

    // -log(sigmoid(-z)) = log(1 + e^z), computed without overflow.
    private static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));

    private static int Bin(double z) => (int)Math.Clamp(Math.Floor((z + Range) * (Bins / (2 * Range))), 0, Bins - 1);

    // Mann-Whitney over the bins: a positive beats every negative in a lower bin and half of those in its own.
    private static double AreaUnderRoc(ReadOnlySpan<long> positives, ReadOnlySpan<long> negatives)
    {
        double wins = 0, below = 0, p = 0, q = 0;
        for (int b = 0; b < positives.Length; b++)
        {
            wins += positives[b] * (below + 0.5 * negatives[b]);
            below += negatives[b];
            p += positives[b];
            q += negatives[b];
        }
        return p == 0 || q == 0 ? double.NaN : wins / (p * q);
    }

    /// <summary>
    /// Each test row's <paramref name="outputs"/> scores opened to the party that holds its label: horizontal, the party
    /// that contributed the row; vertical, the label owner. This party's rows' scores, or null when it holds none.
    /// </summary>
    internal static async ValueTask<double[]?> ScoresToLabelHoldersAsync<T>(FixedPointArithmetic<T> fixedPoint,
        SecureTrainingData<T> data, SharedVector<T> scores, int outputs, DataPartition partition, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int me = suite.Session.PartyId, parties = suite.Session.PartyCount;
        if (partition.Kind != Partitioning.Horizontal)
            return await fixedPoint.OpenToAsync(partition.LabelOwner, scores, ct).ConfigureAwait(false);
        var counts = data.TestRowsByParty
            ?? throw new ArgumentException("Horizontal test data must say which rows each party holds.", nameof(data));
        // All openings started together.
        var openings = new ValueTask<double[]?>[parties];
        int offset = 0;
        for (int p = 0; p < parties; p++)
        {
            openings[p] = fixedPoint.OpenToAsync(p, scores.Slice(offset * outputs, counts[p] * outputs), ct);
            offset += counts[p];
        }
        double[]? myScores = null;
        for (int p = 0; p < parties; p++)
        {
            var opened = await openings[p].ConfigureAwait(false);
            if (p == me) myScores = opened;
        }
        return myScores;
    }

    // Every party inputs its vector; only the sum is opened.
    internal static async ValueTask<long[]> SumOverPartiesAsync<T>(IArithmeticSuite<T> suite, long[] mine, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var total = await Internal.PartySums.InputAndAddAsync(suite, [.. mine.Select(T.FromInt64)], ct).ConfigureAwait(false);
        var opened = await suite.OpenAsync(total, ct).ConfigureAwait(false);
        return opened.Select(v => (long)T.ToSignedInt128(v)).ToArray();
    }
}
