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
}
