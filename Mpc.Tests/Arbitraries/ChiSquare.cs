namespace Mpc.Tests.Arbitraries;

/// <summary>Pearson's chi-square goodness-of-fit test against the uniform distribution.</summary>
public static class ChiSquare
{
    /// <summary>The statistic for observed counts against equal expected counts.</summary>
    public static double Statistic(long[] counts)
    {
        double total = counts.Sum(), expected = total / counts.Length;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    /// <summary>
    /// The upper critical value for <paramref name="degreesOfFreedom"/> at significance 0.001 (z = 3.0902),
    /// by the Wilson-Hilferty approximation (accurate to well under 1% for df >= 10).
    /// </summary>
    public static double Critical001(int degreesOfFreedom)
    {
        double k = degreesOfFreedom, a = 2.0 / (9.0 * k);
        return k * Math.Pow(1 - a + 3.0902 * Math.Sqrt(a), 3);
    }

    /// <summary>Asserts the counts are consistent with uniformity at significance 0.001.</summary>
    public static void AssertUniform(long[] counts, string what)
    {
        double statistic = Statistic(counts), critical = Critical001(counts.Length - 1);
        Assert.True(statistic < critical, $"{what}: chi-square {statistic:F1} >= critical {critical:F1} (df {counts.Length - 1}).");
    }
}
