using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>Ridge regression in closed form over every party's rows against the same fit of the pooled rows in plaintext.</summary>
public sealed class RidgeRegressionTests
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;
    private const double TestFraction = 0.2;
    private const ulong Seed = 1;

    private static PartyTable[] Diabetes(int parties) =>
        [.. CsvPartitioner.Horizontal(File.ReadAllText(MlTestData.DataPath("diabetes.csv")), parties, 7).Select((csv, p) =>
            CsvTableReader.Read(new StringReader(csv), $"party-{p}.csv", new CsvColumns("progression", ContinuousLabel: true)))];

    private static LinearModelResult[] Fit(PartyTable[] tables, double lambda, int iterations = 24, Descent? descent = null) =>
        LocalParties.Run(tables.Length, s => TrustFreeSuite.RunAsync(s, new Work(tables[s.PartyId], lambda, iterations, descent)));

    /// <summary>Gradient descent instead of the closed form: epochs, rate (null: the default 1 / (d (1 + lambda))), batch.</summary>
    private sealed record Descent(int Epochs, double? Rate = null, int? Batch = null);

    private static RidgeRegression<T> Ridge<T>(IArithmeticSuite<T> suite, int iterations, Descent? descent,
        bool privateIntersection = false)
        where T : unmanaged, IRing<T> =>
        new(new FixedPointArithmetic<T>(suite, Format))
        {
            Iterations = iterations,
            GradientEpochs = descent?.Epochs,
            LearningRate = descent?.Rate,
            BatchSize = descent?.Batch,
            PrivateIntersection = privateIntersection,
        };

    private sealed class Work(PartyTable mine, double lambda, int iterations, Descent? descent) : ISuiteWork<LinearModelResult>
    {
        public Task<LinearModelResult> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T> =>
            Ridge(suite, iterations, descent).FitAsync(mine, lambda, TestFraction, Seed);
    }

    /// <summary>
    /// The same model fitted in double precision on the pooled training rows (in closed form, or by the same gradient
    /// descent), and its test R^2.
    /// </summary>
    private static (double[] Weights, double Intercept, double R2) Plaintext(PartyTable[] tables, double lambda, Descent? descent = null)
    {
        var train = new List<(double[] X, double Y)>();
        var test = new List<(double[] X, double Y)>();
        for (int p = 0; p < tables.Length; p++)
        {
            var t = tables[p];
            var rows = AlignedRows.Create(t, DataPartition.ByRows, p, TestFraction, Seed);
            foreach (int r in rows.Train) train.Add(([.. Enumerable.Range(0, t.FeatureCount).Select(j => t[r, j])], t.Labels![r]));
            foreach (int r in rows.Test) test.Add(([.. Enumerable.Range(0, t.FeatureCount).Select(j => t[r, j])], t.Labels![r]));
        }
        return Plaintext(train, test, lambda, descent);
    }

    /// <summary>The same fit on vertical tables: rows joined by id, split as the parties split the sorted ids.</summary>
    private static (double[] Weights, double Intercept, double R2) PlaintextVertical(PartyTable[] tables, double lambda,
        Descent? descent = null)
    {
        var rows = AlignedRows.Create(tables[0], DataPartition.ByColumns(0), 0, TestFraction, Seed);
        var index = tables.Select(t => Enumerable.Range(0, t.RowCount).ToDictionary(i => t.Ids![i])).ToArray();
        (double[] X, double Y) Row(int r) => ([.. tables.SelectMany((t, p) =>
            Enumerable.Range(0, t.FeatureCount).Select(j => t[index[p][tables[0].Ids![r]], j]))], tables[0].Labels![r]);
        return Plaintext([.. rows.Train.Select(Row)], [.. rows.Test.Select(Row)], lambda, descent);
    }

    private static (double[] Weights, double Intercept, double R2) Plaintext(List<(double[] X, double Y)> train,
        List<(double[] X, double Y)> test, double lambda, Descent? descent)
    {
        int d = train[0].X.Length, n = train.Count;
        double[] mean = [.. Enumerable.Range(0, d).Select(j => train.Average(r => r.X[j]))];
        double[] sd = [.. Enumerable.Range(0, d).Select(j => Math.Sqrt(train.Sum(r => Math.Pow(r.X[j] - mean[j], 2)) / n))];
        double my = train.Average(r => r.Y), sy = Math.Sqrt(train.Sum(r => Math.Pow(r.Y - my, 2)) / n);
        double[] w;
        double intercept;
        if (descent is not null)
        {
            var standard = GradientDescent([.. train.Select(r => r.X.Select((x, j) => (x - mean[j]) / sd[j]).Append(1.0).ToArray())],
                [.. train.Select(r => (r.Y - my) / sy)], lambda, descent);
            w = [.. Enumerable.Range(0, d).Select(j => sy * standard[j] / sd[j])];
            intercept = my + sy * standard[d] - Enumerable.Range(0, d).Sum(j => w[j] * mean[j]);
        }
        else
        {
            var a = new double[d, d + 1];
            foreach (var (x, y) in train)
                for (int j = 0; j < d; j++)
                {
                    for (int k = 0; k < d; k++) a[j, k] += (x[j] - mean[j]) / sd[j] * (x[k] - mean[k]) / sd[k] / n;
                    a[j, d] += (x[j] - mean[j]) / sd[j] * (y - my) / sy / n;
                }
            for (int j = 0; j < d; j++) a[j, j] += lambda;
            for (int c = 0; c < d; c++)
                for (int r = 0; r < d; r++)
                {
                    if (r == c) continue;
                    double factor = a[r, c] / a[c, c];
                    for (int k = c; k <= d; k++) a[r, k] -= factor * a[c, k];
                }
            w = [.. Enumerable.Range(0, d).Select(j => sy * a[j, d] / a[j, j] / sd[j])];
            intercept = my - Enumerable.Range(0, d).Sum(j => w[j] * mean[j]);
        }
        double testMean = test.Average(r => r.Y);
        double residual = test.Sum(r => Math.Pow(r.Y - intercept - r.X.Zip(w, (x, wj) => x * wj).Sum(), 2));
        return (w, intercept, 1 - residual / test.Sum(r => Math.Pow(r.Y - testMean, 2)));
    }

    /// <summary>
    /// The trainer's steps in double precision on standardised rows [x 1] and target, in its batch order:
    /// w -= rate (X_B^T (X_B w - y_B) / |B| + lambda w), the bias not decayed.
    /// </summary>
    private static double[] GradientDescent(double[][] x, double[] y, double lambda, Descent descent)
    {
        int columns = x[0].Length;
        double rate = descent.Rate ?? 1.0 / (columns * (1 + lambda));
        var schedule = new BatchSchedule(x.Length, descent.Batch, Seed);
        var w = new double[columns];
        for (int epoch = 0; epoch < descent.Epochs; epoch++)
            foreach (var (first, count) in schedule.Batches(epoch))
            {
                var gradient = new double[columns];
                for (int i = first; i < first + count; i++)
                {
                    var row = x[schedule.RowOrder[i]];
                    double r = row.Zip(w, (a, b) => a * b).Sum() - y[schedule.RowOrder[i]];
                    for (int j = 0; j < columns; j++) gradient[j] += row[j] * r / count;
                }
                for (int j = 0; j < columns; j++) w[j] -= rate * (gradient[j] + (j < columns - 1 ? lambda * w[j] : 0));
            }
        return w;
    }

    [Theory]
    [InlineData(2, 0.0)]
    [InlineData(3, 0.0)]
    [InlineData(3, 0.1)]
    [InlineData(5, 0.01)]
    public void Diabetes_ClosedForm_WithinOnePercentOfPlaintextR2(int parties, double lambda)
    {
        var tables = Diabetes(parties);
        var results = Fit(tables, lambda);
        var (weights, intercept, r2) = Plaintext(tables, lambda);
        foreach (var result in results)
        {
            Assert.Equal(442, result.TrainRows + result.TestRows);
            Assert.True(Math.Abs(result.TestR2 - r2) <= 0.01 * Math.Abs(r2), $"R^2 {result.TestR2} against {r2}");
            Assert.True(Math.Abs(result.Intercept - intercept) <= 0.01 * Math.Abs(intercept) + 1, $"intercept {result.Intercept}");
            for (int j = 0; j < weights.Length; j++)
                Assert.True(Math.Abs(result.Weights[j] - weights[j]) <= 0.02 * Math.Abs(weights[j]) + 0.05 * weights.Max(Math.Abs),
                    $"{result.FeatureNames[j]}: {result.Weights[j]} against {weights[j]}");
        }
        Assert.True(r2 > 0.3, $"plaintext R^2 {r2}");
    }

    [Theory]
    [InlineData(2, 0.001)]
    [InlineData(3, 0.0)]
    [InlineData(4, 0.01)]
    public void Diabetes_Vertical_WithinOnePercentOfPlaintextR2(int parties, double lambda)
    {
        string csv = File.ReadAllText(MlTestData.DataPath("diabetes.csv"));
        PartyTable[] tables = [.. CsvPartitioner.Vertical(csv, parties, "progression", 7).Select((text, p) =>
            CsvTableReader.Read(new StringReader(text), $"party-{p}.csv",
                new CsvColumns(p == 0 ? "progression" : null, Id: "id", ContinuousLabel: true)))];
        var results = LocalParties.Run(parties, s => TrustFreeSuite.RunAsync(s, new VerticalWork(tables[s.PartyId], lambda)));
        var (weights, intercept, r2) = PlaintextVertical(tables, lambda);
        Assert.True(r2 > 0.3, $"plaintext R^2 {r2}");
        foreach (var result in results)
        {
            Assert.Equal(442, result.TrainRows + result.TestRows);
            Assert.True(Math.Abs(result.TestR2 - r2) <= 0.01 * Math.Abs(r2), $"R^2 {result.TestR2} against {r2}");
        }
        // Every party's own columns, in the data's units, against the plaintext fit.
        int offset = 0;
        for (int p = 0; p < parties; p++)
        {
            var result = results[p];
            for (int j = offset; j < offset + tables[p].FeatureCount; j++)
            {
                double w = result.Weights[j] / result.StandardDeviations![j]!.Value;
                Assert.True(Math.Abs(w - weights[j]) <= 0.02 * Math.Abs(weights[j]) + 0.05 * weights.Max(Math.Abs),
                    $"{result.FeatureNames[j]}: {w} against {weights[j]}");
                Assert.Null(results[(p + 1) % parties].Means![j]); // another party's column: its scaling stays private
            }
            offset += tables[p].FeatureCount;
        }
        double secureIntercept = results[0].Intercept - Enumerable.Range(0, weights.Length).Sum(j =>
            results[0].Weights[j] * results.First(r => r.Means![j] is not null).Means![j]!.Value /
            results.First(r => r.Means![j] is not null).StandardDeviations![j]!.Value);
        Assert.True(Math.Abs(secureIntercept - intercept) <= 0.01 * Math.Abs(intercept) + 1, $"intercept {secureIntercept}");
    }

    private sealed class VerticalWork(PartyTable mine, double lambda, Descent? descent = null, bool privateIntersection = false,
        double testFraction = TestFraction) : ISuiteWork<LinearModelResult>
    {
        public Task<LinearModelResult> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T> =>
            Ridge(suite, 24, descent, privateIntersection).FitVerticalAsync(mine, DataPartition.ByColumns(0), lambda, testFraction, Seed);
    }

    [Fact]
    public void TooFewNewtonSteps_MissThePlaintextFit()
    {
        // The check above can fail: two Newton-Schulz steps leave the inverse far from converged.
        var tables = Diabetes(3);
        var (_, _, r2) = Plaintext(tables, 0);
        Assert.All(Fit(tables, 0, iterations: 2), result => Assert.True(Math.Abs(result.TestR2 - r2) > 0.01 * Math.Abs(r2),
            $"R^2 {result.TestR2} after 2 steps, plaintext {r2}"));
    }

    [Theory]
    [InlineData(3, 100, null, null)]
    [InlineData(5, 100, null, null)]
    [InlineData(2, 3, 0.05, 32)]
    [InlineData(4, 2, 0.02, 16)]
    public void Diabetes_GradientDescent_MatchesItsPlaintextTwin(int parties, int epochs, double? rate, int? batch)
    {
        var tables = Diabetes(parties);
        var descent = new Descent(epochs, rate, batch);
        var (weights, intercept, r2) = Plaintext(tables, 0.001, descent);
        Assert.True(r2 > 0.3, $"plaintext R^2 {r2}");
        foreach (var result in Fit(tables, 0.001, descent: descent))
        {
            Assert.True(Math.Abs(result.TestR2 - r2) <= 0.01 * Math.Abs(r2), $"R^2 {result.TestR2} against {r2}");
            Assert.True(Math.Abs(result.Intercept - intercept) <= 0.01 * Math.Abs(intercept) + 1, $"intercept {result.Intercept}");
            for (int j = 0; j < weights.Length; j++)
                Assert.True(Math.Abs(result.Weights[j] - weights[j]) <= 0.02 * Math.Abs(weights[j]) + 0.02 * weights.Max(Math.Abs),
                    $"{result.FeatureNames[j]}: {result.Weights[j]} against {weights[j]}");
        }
    }

    [Fact]
    public void Diabetes_VerticalGradientDescent_MatchesItsTwin()
    {
        const int parties = 3;
        string csv = File.ReadAllText(MlTestData.DataPath("diabetes.csv"));
        PartyTable[] tables = [.. CsvPartitioner.Vertical(csv, parties, "progression", 7).Select((text, p) =>
            CsvTableReader.Read(new StringReader(text), $"party-{p}.csv",
                new CsvColumns(p == 0 ? "progression" : null, Id: "id", ContinuousLabel: true)))];
        var descent = new Descent(4, 0.05, 64);
        var results = LocalParties.Run(parties, s => TrustFreeSuite.RunAsync(s, new VerticalWork(tables[s.PartyId], 0.01, descent)));
        var (_, _, r2) = PlaintextVertical(tables, 0.01, descent);
        Assert.True(r2 > 0.3, $"plaintext R^2 {r2}");
        Assert.All(results, result => Assert.True(Math.Abs(result.TestR2 - r2) <= 0.01 * Math.Abs(r2),
            $"R^2 {result.TestR2} against {r2}"));
    }

    /// <summary>
    /// A fifth of each party's rows removed at random, the common rows kept secret: least squares over all of them (no
    /// test part) is the plaintext fit of exactly those rows, in the data's units (ordinary least squares does not depend
    /// on how each party standardised); with a test part, R^2 comes from shares.
    /// </summary>
    [Fact]
    public void Diabetes_PrivateIntersection_FitsTheCommonRows()
    {
        const int parties = 3;
        string csv = File.ReadAllText(MlTestData.DataPath("diabetes.csv"));
        PartyTable[] tables = MlTestData.KeepRandomRows([.. CsvPartitioner.Vertical(csv, parties, "progression", 7).Select((text, p) =>
            CsvTableReader.Read(new StringReader(text), $"party-{p}.csv",
                new CsvColumns(p == 0 ? "progression" : null, Id: "id", ContinuousLabel: true)))], 0.8, seed: 3);
        var common = tables.Skip(1).Aggregate(tables[0].Ids!.ToHashSet(StringComparer.Ordinal), (set, t) =>
        {
            set.IntersectWith(t.Ids!);
            return set;
        });
        var index = tables.Select(t => Enumerable.Range(0, t.RowCount).ToDictionary(i => t.Ids![i])).ToArray();
        var rows = common.Select(id => ((double[])[.. tables.SelectMany((t, p) =>
            Enumerable.Range(0, t.FeatureCount).Select(j => t[index[p][id], j]))], tables[0].Labels![index[0][id]])).ToList();
        var (weights, intercept, _) = Plaintext(rows, rows, 0, null);

        var all = LocalParties.Run(parties, s => TrustFreeSuite.RunAsync(s,
            new VerticalWork(tables[s.PartyId], 0, privateIntersection: true, testFraction: 0)));
        Assert.All(all, result => Assert.Equal(common.Count, result.TrainRows));
        int offset = 0;
        for (int p = 0; p < parties; p++)
        {
            for (int j = offset; j < offset + tables[p].FeatureCount; j++)
            {
                double w = all[p].Weights[j] / all[p].StandardDeviations![j]!.Value;
                Assert.True(Math.Abs(w - weights[j]) <= 0.02 * Math.Abs(weights[j]) + 0.02 * weights.Max(Math.Abs),
                    $"{all[p].FeatureNames[j]}: {w} against {weights[j]}");
            }
            offset += tables[p].FeatureCount;
        }
        double secureIntercept = all[0].Intercept - Enumerable.Range(0, weights.Length).Sum(j =>
            all[0].Weights[j] * all.First(r => r.Means![j] is not null).Means![j]!.Value /
            all.First(r => r.Means![j] is not null).StandardDeviations![j]!.Value);
        Assert.True(Math.Abs(secureIntercept - intercept) <= 0.01 * Math.Abs(intercept) + 1,
            $"intercept {secureIntercept} against {intercept}");

        var split = LocalParties.Run(parties, s => TrustFreeSuite.RunAsync(s,
            new VerticalWork(tables[s.PartyId], 0, privateIntersection: true)));
        Assert.All(split, result =>
        {
            Assert.Equal(common.Count, result.TrainRows + result.TestRows);
            Assert.InRange(result.TestR2, 0.2, 0.8);
            Assert.InRange(result.TestRmse, 40, 80);
        });
    }

    [Fact]
    public void LinearDescentThatDiverges_IsRefusedNotReturned()
    {
        // A step far beyond 2 / (largest eigenvalue) makes the loss grow: the trainer's check refuses the model.
        var tables = Diabetes(3);
        var error = Assert.ThrowsAny<Exception>(() => Fit(tables, 0, descent: new Descent(3, 1.5, 8)));
        Assert.Contains("diverged", Flatten(error));
    }

    private static string Flatten(Exception error) =>
        error is AggregateException many ? string.Join(" | ", many.Flatten().InnerExceptions.Select(e => e.Message)) : error.Message;
}
