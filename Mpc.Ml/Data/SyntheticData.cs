using System.Globalization;
using Mpc.Core.Random;

namespace Mpc.Ml.Data;

/// <summary>
/// A synthetic labelled data set with a known true model, for scaling runs and demos: feature j is Gaussian with mean
/// <see cref="Means"/>[j] and deviation <see cref="Scales"/>[j], and the label is 1 with probability
/// sigmoid(<see cref="Bias"/> + sum_j <see cref="Weights"/>[j] (x_j - mean_j) / scale_j), drawn as [score + logistic
/// noise > 0]; with a linear target, the label is that score plus standard Gaussian noise. Everything follows from the
/// seed (AES-CTR), so runs are reproducible on every platform.
/// </summary>
public sealed class SyntheticData
{
    private readonly ulong _seed;

    /// <summary>
    /// Draws the true model for <paramref name="features"/> features from <paramref name="seed"/>: logistic labels, or
    /// with <paramref name="linear"/> a continuous target.
    /// </summary>
    public SyntheticData(int features, ulong seed, bool linear = false)
    {
        Linear = linear;
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        _seed = seed;
        using var prg = Prg(seed, 0);
        Means = Enumerable.Range(0, features).Select(j => (double)(j % 5 - 2)).ToArray();
        Scales = Enumerable.Range(0, features).Select(j => 1.0 + j % 3).ToArray();
        // Scores with a standard deviation near 3: separable enough to learn, noisy enough not to be trivial.
        Weights = Enumerable.Range(0, features).Select(_ => Math.Round(Gaussian(prg) * 3 / Math.Sqrt(features), 4)).ToArray();
        Bias = Math.Round(0.5 * Gaussian(prg), 4);
    }

    /// <summary>The label is the score plus Gaussian noise (a regression target), not a 0/1 class.</summary>
    public bool Linear { get; }

    /// <summary>Feature means.</summary>
    public double[] Means { get; }

    /// <summary>Feature standard deviations.</summary>
    public double[] Scales { get; }

    /// <summary>True weights on standardised features.</summary>
    public double[] Weights { get; }

    /// <summary>True intercept.</summary>
    public double Bias { get; }

    /// <summary>Column names: x0, x1, ...</summary>
    public IReadOnlyList<string> FeatureNames => Enumerable.Range(0, Weights.Length).Select(j => $"x{j}").ToArray();

    /// <summary>The label column's name.</summary>
    public const string LabelName = "label";

    /// <summary>
    /// Writes a CSV table (header, then <paramref name="rows"/> rows) of block <paramref name="block"/>: blocks are
    /// independent samples, so a party can write its own block of a horizontally partitioned set.
    /// </summary>
    public void WriteCsv(TextWriter output, int rows, int block = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        output.Write(string.Join(',', FeatureNames));
        output.Write(',');
        output.Write(LabelName);
        output.Write('\n');
        using var prg = Prg(_seed, (ulong)block + 1);
        int d = Weights.Length;
        Span<char> cell = stackalloc char[32];
        for (int i = 0; i < rows; i++)
        {
            double score = Bias;
            for (int j = 0; j < d; j++)
            {
                double standard = Gaussian(prg);
                double x = Means[j] + Scales[j] * standard;
                score += Weights[j] * standard;
                x.TryFormat(cell, out int written, "0.#####", CultureInfo.InvariantCulture);
                output.Write(cell[..written]);
                output.Write(',');
            }
            if (Linear)
            {
                (score + Gaussian(prg)).TryFormat(cell, out int written, "0.#####", CultureInfo.InvariantCulture);
                output.Write(cell[..written]);
                output.Write('\n');
                continue;
            }
            double u = Uniform(prg);
            output.Write(score + Math.Log(u / (1 - u)) > 0 ? "1\n" : "0\n");
        }
    }

    private static AesCtrPrg Prg(ulong seed, ulong stream)
    {
        var key = new byte[AesCtrPrg.SeedSize];
        BitConverter.TryWriteBytes(key, seed);
        BitConverter.TryWriteBytes(key.AsSpan(8), stream ^ 0x5359_4E54_4845_5449UL); // "SYNTHETI"
        return new AesCtrPrg(key);
    }

    // Uniform in (0, 1): 53 random bits, never 0.
    private static double Uniform(AesCtrPrg prg) => ((prg.NextUInt64() >> 11) + 0.5) * Math.ScaleB(1, -53);

    // Box-Muller, one value per call.
    private static double Gaussian(AesCtrPrg prg) => Math.Sqrt(-2 * Math.Log(Uniform(prg))) * Math.Cos(2 * Math.PI * Uniform(prg));
}
