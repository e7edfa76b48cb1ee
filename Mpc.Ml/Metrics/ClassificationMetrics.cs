namespace Mpc.Ml.Metrics;

/// <summary>Accuracy, log-loss and AUC of predicted probabilities against 0/1 labels, in plaintext.</summary>
/// <param name="Accuracy">The share of rows whose probability is on the label's side of 1/2.</param>
/// <param name="LogLoss">Mean -log p(label), probabilities clamped to [1e-15, 1 - 1e-15].</param>
/// <param name="Auc">The area under the ROC curve (the Mann-Whitney statistic, ties counted half).</param>
public sealed record ClassificationMetrics(double Accuracy, double LogLoss, double Auc)
{
    /// <summary>
    /// The ROC curve as (false positive rate, true positive rate) points from (0, 0) to (1, 1), where the evaluation
    /// gives one (the pooled evaluation, from its score histogram); empty otherwise.
    /// </summary>
    public IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> Roc { get; init; } = [];

    /// <summary>The metrics of <paramref name="probabilities"/> for <paramref name="labels"/>.</summary>
    public static ClassificationMetrics Of(IReadOnlyList<double> probabilities, IReadOnlyList<double> labels)
    {
        int n = labels.Count;
        if (probabilities.Count != n || n == 0)
            throw new ArgumentException("One probability per label, and at least one.", nameof(probabilities));
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double p = Math.Clamp(probabilities[i], 1e-15, 1 - 1e-15);
            if ((p >= 0.5) == (labels[i] >= 0.5)) correct++;
            loss -= labels[i] >= 0.5 ? Math.Log(p) : Math.Log(1 - p);
        }
        return new ClassificationMetrics((double)correct / n, loss / n, AreaUnderRoc(probabilities, labels));
    }

    private static double AreaUnderRoc(IReadOnlyList<double> scores, IReadOnlyList<double> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        int positives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1; // average rank of a tie group
            for (int k = start; k <= end; k++)
                if (labels[order[k]] >= 0.5) { rankSum += rank; positives++; }
            start = end + 1;
        }
        int negatives = order.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
