namespace Mpc.Ml.Data;

/// <summary>Standardisation x' = (x - mean) / standard deviation per feature; a constant feature keeps deviation 1.</summary>
/// <param name="Means">Per-feature means over the training rows.</param>
/// <param name="StandardDeviations">Per-feature population standard deviations over the training rows (1 where they are 0).</param>
public sealed record FeatureScaling(double[] Means, double[] StandardDeviations)
{
    /// <summary>From per-feature sums of x and of (x - mean)^2 over <paramref name="count"/> rows.</summary>
    public static FeatureScaling FromMoments(double[] means, double[] squaredDeviationSums, int count) =>
        new(means, squaredDeviationSums.Select(s => Math.Sqrt(Math.Max(s, 0) / count) is var d && d > 1e-12 ? d : 1.0).ToArray());

    /// <summary>Means and deviations of the given rows of <paramref name="table"/>, computed in plaintext.</summary>
    public static FeatureScaling Of(PartyTable table, IReadOnlyList<int> rows)
    {
        int d = table.FeatureCount;
        var means = new double[d];
        foreach (int r in rows)
            for (int j = 0; j < d; j++) means[j] += table[r, j];
        for (int j = 0; j < d; j++) means[j] /= rows.Count;
        return FromMoments(means, SquaredDeviations(table, rows, means), rows.Count);
    }

    /// <summary>Per-feature sums of (x - mean)^2 over the given rows.</summary>
    public static double[] SquaredDeviations(PartyTable table, IReadOnlyList<int> rows, double[] means)
    {
        var sums = new double[table.FeatureCount];
        foreach (int r in rows)
            for (int j = 0; j < sums.Length; j++)
            {
                double v = table[r, j] - means[j];
                sums[j] += v * v;
            }
        return sums;
    }

    /// <summary>The standardised rows, row-major.</summary>
    public double[] Apply(PartyTable table, IReadOnlyList<int> rows)
    {
        int d = table.FeatureCount;
        var result = new double[rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < d; j++)
                result[i * d + j] = (table[rows[i], j] - Means[j]) / StandardDeviations[j];
        return result;
    }
}
