using Mpc.Ml.Data;

namespace Mpc.Ml.Training;

/// <summary>
/// The same algorithm as <see cref="LogisticRegressionTrainer{T}"/> in double precision: the same sigmoid
/// approximation (its plaintext form), the same batches in the same order, the same update and loss. The reference
/// the secure model is compared with.
/// </summary>
public static class PlaintextLogisticRegression
{
    /// <summary>The weights (bias last) and (epoch, loss) pairs as the secure trainer would report them.</summary>
    public static (double[] Weights, IReadOnlyList<(int Epoch, double Loss)> Losses) Train(PlainDataset data,
        LogisticRegressionOptions options)
    {
        int d = data.Columns;
        var schedule = new BatchSchedule(data.Rows, options.BatchSize, options.ShuffleSeed);
        var w = new double[d];
        var losses = new List<(int, double)>();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            bool reportLoss = options.LossEvery > 0 && ((epoch + 1) % options.LossEvery == 0 || epoch + 1 == options.Epochs);
            double? loss = null;
            foreach (var (first, count) in schedule.Batches(epoch))
            {
                var gradient = new double[d];
                double squares = 0;
                for (int i = first; i < first + count; i++)
                {
                    var row = data.Row(schedule.RowOrder[i]);
                    double residual = options.Sigmoid.Evaluate(Dot(row, w)) - data.Labels[schedule.RowOrder[i]];
                    squares += residual * residual;
                    for (int j = 0; j < d; j++) gradient[j] += row[j] * residual;
                }
                if (reportLoss && schedule.IsFullBatch) loss = squares / count;
                double factor = options.LearningRate / count, keep = 1 - options.LearningRate * options.L2;
                for (int j = 0; j < d; j++) w[j] = (j < d - 1 ? keep : 1) * w[j] - factor * gradient[j];
            }
            if (reportLoss && !schedule.IsFullBatch) loss = MeanSquaredResidual(data, w, options);
            if (loss is double l) losses.Add((epoch + 1, l));
        }
        return (w, losses);
    }

    private static double MeanSquaredResidual(PlainDataset data, double[] w, LogisticRegressionOptions options)
    {
        double sum = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            double r = options.Sigmoid.Evaluate(Dot(data.Row(i), w)) - data.Labels[i];
            sum += r * r;
        }
        return sum / data.Rows;
    }

    /// <summary>x·w.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
    {
        double s = 0;
        for (int j = 0; j < x.Length; j++) s += x[j] * w[j];
        return s;
    }
}
