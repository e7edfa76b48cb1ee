using Mpc.Ml.Data;

namespace Mpc.Ml.Training;

/// <summary>
/// The same algorithm as <see cref="LogisticRegressionTrainer{T}"/> in double precision: the same sigmoid
/// approximation (its plaintext form), the same batches in the same order, the same update and loss. The reference
/// the secure model is compared with.
/// </summary>
public static class PlaintextLogisticRegression
{
    /// <summary>
    /// The weights (bias last; with K outputs a columns x K matrix, row-major) and (epoch, loss) pairs as the secure
    /// trainer would report them.
    /// </summary>
    public static (double[] Weights, IReadOnlyList<(int Epoch, double Loss)> Losses) Train(PlainDataset data,
        LogisticRegressionOptions options)
    {
        int d = data.Columns, k = data.Outputs;
        var schedule = new BatchSchedule(data.Rows, options.BatchSize, options.ShuffleSeed);
        var w = new double[d * k];
        var losses = new List<(int, double)>();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            bool reportLoss = options.LossEvery > 0 && ((epoch + 1) % options.LossEvery == 0 || epoch + 1 == options.Epochs);
            double? loss = null;
            foreach (var (first, count) in schedule.Batches(epoch))
            {
                var gradient = new double[d * k];
                double squares = 0;
                for (int i = first; i < first + count; i++)
                {
                    int r = schedule.RowOrder[i];
                    var row = data.Row(r);
                    var residual = Residual(data, r, w, options);
                    for (int c = 0; c < k; c++)
                    {
                        squares += residual[c] * residual[c];
                        for (int j = 0; j < d; j++) gradient[j * k + c] += row[j] * residual[c];
                    }
                }
                if (reportLoss && schedule.IsFullBatch) loss = squares / (count * k);
                double factor = options.LearningRate / count, keep = 1 - options.LearningRate * options.L2;
                for (int j = 0; j < d; j++)
                    for (int c = 0; c < k; c++) w[j * k + c] = (j < d - 1 ? keep : 1) * w[j * k + c] - factor * gradient[j * k + c];
            }
            if (reportLoss && !schedule.IsFullBatch) loss = MeanSquaredResidual(data, w, options);
            if (loss is double l) losses.Add((epoch + 1, l));
        }
        return (w, losses);
    }

    /// <summary>
    /// The scores of row <paramref name="row"/> of <paramref name="data"/> for the model <paramref name="w"/>
    /// (columns x K): one per output.
    /// </summary>
    public static double[] Scores(PlainDataset data, int row, double[] w)
    {
        int d = data.Columns, k = w.Length / d;
        var x = data.Row(row);
        var scores = new double[k];
        for (int j = 0; j < d; j++)
            for (int c = 0; c < k; c++) scores[c] += x[j] * w[j * k + c];
        return scores;
    }

    // The approximate predictions minus the labels: the sigmoid of each score, or the row's softmax.
    private static double[] Residual(PlainDataset data, int row, double[] w, LogisticRegressionOptions options)
    {
        var scores = Scores(data, row, w);
        int k = scores.Length;
        var predictions = k > 1 && options.Multiclass == MulticlassMode.Softmax
            ? Sigmoid.SecureSoftmax.Evaluate(scores, k)
            : [.. scores.Select(options.Sigmoid.Evaluate)];
        for (int c = 0; c < k; c++) predictions[c] -= data.Labels[row * k + c];
        return predictions;
    }

    private static double MeanSquaredResidual(PlainDataset data, double[] w, LogisticRegressionOptions options)
    {
        double sum = 0;
        for (int i = 0; i < data.Rows; i++)
            foreach (double r in Residual(data, i, w, options)) sum += r * r;
        return sum / (data.Rows * data.Outputs);
    }

    /// <summary>x·w.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
    {
        double s = 0;
        for (int j = 0; j < x.Length; j++) s += x[j] * w[j];
        return s;
    }
}
