namespace Mpc.Ml.Metrics;

/// <summary>
/// Test metrics of a K-class model: accuracy, mean log-loss, and the confusion matrix of counts (row: true class,
/// column: predicted class), with the per-class precision and recall that follow from it.
/// </summary>
/// <param name="Classes">The class labels, in output order.</param>
/// <param name="Confusion">K x K counts, row-major: Confusion[t * K + p] rows of class t predicted as p.</param>
/// <param name="LogLoss">Mean -log p(true class).</param>
public sealed record MulticlassMetrics(IReadOnlyList<int> Classes, long[] Confusion, double LogLoss)
{
    private int K => Classes.Count;

    /// <summary>The rows counted.</summary>
    public long Rows => Confusion.Sum();

    /// <summary>The share of rows whose highest score is their class.</summary>
    public double Accuracy => Rows == 0 ? double.NaN : (double)Enumerable.Range(0, K).Sum(c => Confusion[c * K + c]) / Rows;

    /// <summary>Of the rows predicted as each class, the share that are (NaN where none was predicted).</summary>
    public double[] Precision => [.. Enumerable.Range(0, K).Select(c => Share(Confusion[c * K + c], Column(c)))];

    /// <summary>Of the rows of each class, the share predicted as it (NaN where the class has no row).</summary>
    public double[] Recall => [.. Enumerable.Range(0, K).Select(c => Share(Confusion[c * K + c], Row(c)))];

    /// <summary>The metrics of plaintext <paramref name="probabilities"/> (n x K) for class indices <paramref name="truth"/>.</summary>
    public static MulticlassMetrics Of(IReadOnlyList<int> classes, ReadOnlySpan<double> probabilities, ReadOnlySpan<int> truth)
    {
        int k = classes.Count;
        var confusion = new long[k * k];
        double loss = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            var row = probabilities.Slice(i * k, k);
            confusion[truth[i] * k + ArgMax(row)]++;
            loss -= Math.Log(Math.Clamp(row[truth[i]], 1e-15, 1));
        }
        return new MulticlassMetrics(classes, confusion, truth.Length == 0 ? double.NaN : loss / truth.Length);
    }

    /// <summary>The index of the largest value (the first of equals).</summary>
    public static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int c = 1; c < values.Length; c++) if (values[c] > values[best]) best = c;
        return best;
    }

    private long Row(int c) => Enumerable.Range(0, K).Sum(p => Confusion[c * K + p]);

    private long Column(int c) => Enumerable.Range(0, K).Sum(t => Confusion[t * K + c]);

    private static double Share(long part, long whole) => whole == 0 ? double.NaN : (double)part / whole;
}
