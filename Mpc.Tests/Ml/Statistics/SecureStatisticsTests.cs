using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Statistics;
using Mpc.Protocols;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml.Statistics;

/// <summary>Joint statistics against the same statistics of the pooled rows in plaintext, on every default suite.</summary>
public sealed class SecureStatisticsTests
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;
    private const double Unit = 1.0 / 65536;

    private static StatisticsReport[] Run(int n, int seed, double[][] tables, string[] names, StatisticsRequest request) =>
        LocalParties.Run(n, session => TrustFreeSuite.RunAsync(session, new Work(names, tables[session.PartyId], request)), seed);

    private sealed class Work(string[] names, double[] mine, StatisticsRequest request) : ISuiteWork<StatisticsReport>
    {
        public Task<StatisticsReport> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T> =>
            new SecureStatistics<T>(suite, Format).HorizontalAsync(names, mine, request);
    }

    [Property(MaxTest = 6)]
    public Property Statistics_MatchThePooledRowsInPlaintext(int seed, byte nByte)
    {
        int n = 2 + nByte % 6;
        var rng = new System.Random(seed);   // test data only
        string[] names = ["a", "b"];
        // Values on the format's grid, so that every order statistic is exact.
        double[][] tables = [.. Enumerable.Range(0, n).Select(p => Enumerable.Range(0, 2 * (p % 3 + 2))
            .Select(i => Math.Round((rng.NextDouble() * 200 - 50) * (i % 2 == 0 ? 1 : 0.1) * 256) / 256).ToArray())];
        var request = new StatisticsRequest([0, 0.5, 1], Bins: 4, MinGroup: 3);
        var reports = Run(n, seed, tables, names, request);

        var pooled = tables.SelectMany(t => t).ToArray();
        var columns = Enumerable.Range(0, 2).Select(j => pooled.Where((_, i) => i % 2 == j).ToArray()).ToArray();
        bool ok = true;
        var why = new List<string>();
        foreach (var report in reports)
        {
            for (int j = 0; j < 2; j++)
            {
                var c = report.Columns[j];
                var v = columns[j];
                double mean = v.Average(), variance = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
                var sorted = v.Order().ToArray();
                void Check(bool condition, string what) { if (!condition) { ok = false; why.Add($"{names[j]}: {what}"); } }
                Check(c.Count == v.Length, $"count {c.Count} != {v.Length}");
                Check(Math.Abs(c.Mean - mean) <= 1e-3, $"mean {c.Mean} != {mean}");
                Check(Math.Abs(c.Variance - variance) <= 1e-3 * Math.Max(1, variance), $"variance {c.Variance} != {variance}");
                Check(Math.Abs(c.Min - sorted[0]) <= Unit && Math.Abs(c.Max - sorted[^1]) <= Unit, $"min/max {c.Min}/{c.Max}");
                Check(Math.Abs(c.Quantiles[1] - sorted[(v.Length - 1) / 2]) <= Unit, $"median {c.Quantiles[1]}");
                // The same bins as the parties drew, over the opened [min, max]: shown counts exact, hidden ones below 3.
                var expected = new long[4];
                double width = (c.Max - c.Min) / 4;
                foreach (double x in v) expected[width <= 0 ? 0 : Math.Clamp((int)Math.Floor((x - c.Min) / width), 0, 3)]++;
                Check(c.Histogram.Zip(expected).All(p => p.First is null ? p.Second < 3 : p.First == p.Second),
                    $"histogram [{string.Join(",", c.Histogram)}] for [{string.Join(",", expected)}]");
            }
            double r = report.Correlation[1];
            Check2(Math.Abs(r - Correlation(columns[0], columns[1])) <= 1e-3, $"correlation {r}");
        }
        return ok.Label($"N={n}: {string.Join("; ", why)}");

        void Check2(bool condition, string what) { if (!condition) { ok = false; why.Add(what); } }
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return sxy / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }

    [Fact]
    public void FewerRowsThanMinGroup_NothingIsRevealed()
    {
        double[][] tables = [[1.0, 2.0], [3.0], []];
        var error = Assert.ThrowsAny<Exception>(() => Run(3, 1, tables, ["x"], new StatisticsRequest([0.5], 0, MinGroup: 5)));
        var inner = error is AggregateException a ? a.Flatten().InnerExceptions[0] : error;
        Assert.IsType<MpcException>(inner);
        Assert.Contains("3 rows in all, fewer than --min-group 5", inner.Message);
    }

    private sealed class VerticalWork(Mpc.Ml.Data.PartyTable mine, StatisticsRequest request) : ISuiteWork<StatisticsReport>
    {
        public Task<StatisticsReport> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T> =>
            new SecureStatistics<T>(suite, Format).VerticalAsync(mine, Mpc.Ml.Data.DataPartition.ByColumns(0), request);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Vertical_MatchesTheWholeFile_CorrelationsAcrossParties(int parties)
    {
        string csv = File.ReadAllText(Mpc.Tests.Ml.MlTestData.DataPath("breast_cancer.csv"));
        var tables = Mpc.Ml.Data.CsvPartitioner.Vertical(csv, parties, "malignant", 7).Select((text, p) =>
            Mpc.Ml.Data.CsvTableReader.Read(new StringReader(text), $"party-{p}.csv",
                new Mpc.Ml.Data.CsvColumns(p == 0 ? "malignant" : null, Id: "id", ContinuousLabel: true))).ToArray();
        var request = new StatisticsRequest([0.5], Bins: 5, MinGroup: 5);
        var reports = LocalParties.Run(parties, s => TrustFreeSuite.RunAsync(s, new VerticalWork(tables[s.PartyId], request)));

        var whole = Mpc.Ml.Data.CsvTableReader.Read(new StringReader(csv), "whole.csv", new Mpc.Ml.Data.CsvColumns("malignant"));
        double[] Column(string name) => name == "malignant"
            ? whole.Labels!
            : [.. Enumerable.Range(0, whole.RowCount).Select(r => whole[r, Array.IndexOf([.. whole.FeatureNames], name)])];
        foreach (var report in reports)
        {
            Assert.Equal(31, report.Columns.Count);
            var names = report.Columns.Select(c => c.Name).ToArray();
            foreach (var c in report.Columns)
            {
                var v = Column(c.Name);
                double mean = v.Average(), variance = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
                Assert.Equal(569, c.Count);
                Assert.True(Math.Abs(c.Mean - mean) <= 1e-9 * Math.Max(1, Math.Abs(mean)), $"{c.Name} mean");
                Assert.True(Math.Abs(c.Variance - variance) <= 1e-9 * Math.Max(1, variance), $"{c.Name} variance");
                Assert.Equal(v.Min(), c.Min);
                Assert.Equal(v.Order().ElementAt(284), c.Quantiles[0]);
                Assert.Equal(569, c.Histogram.Sum(h => h ?? 0) + Hidden(c, v, request));
            }
            // Correlations across every pair of columns, parties' columns crossed included.
            for (int j = 0; j < names.Length; j++)
                for (int k = 0; k < names.Length; k++)
                {
                    var (a, b) = (Column(names[j]), Column(names[k]));
                    double ma = a.Average(), mb = b.Average();
                    double r = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum()
                        / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
                    Assert.True(Math.Abs(report.Correlation[j * names.Length + k] - r) <= 2e-3, $"corr({names[j]}, {names[k]})");
                }
        }
    }

    // The rows in the bins shown only as "fewer than k".
    private static long Hidden(ColumnStatistics c, double[] v, StatisticsRequest request)
    {
        double width = (c.Max - c.Min) / request.Bins;
        long hidden = 0;
        for (int b = 0; b < request.Bins; b++)
            if (c.Histogram[b] is null)
                hidden += v.Count(x => Math.Clamp(width <= 0 ? 0 : (int)Math.Floor((x - c.Min) / width), 0, request.Bins - 1) == b);
        return hidden;
    }
}
