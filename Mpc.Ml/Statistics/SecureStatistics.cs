using Mpc.Core;
using Mpc.Core.Arithmetic;
using System.Globalization;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Internal;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Statistics;

/// <summary>What to compute over the pooled rows.</summary>
/// <param name="Quantiles">Probabilities in [0, 1]; each gives the pooled value of rank floor(q (n - 1)) (0-based).</param>
/// <param name="Bins">Histogram bins per column, equal widths over the pooled [min, max]; 0 for none.</param>
/// <param name="MinGroup">No statistic over fewer rows is revealed: below it the run stops; a histogram bin with fewer
/// rows shows only that it has fewer.</param>
public sealed record StatisticsRequest(IReadOnlyList<double> Quantiles, int Bins, int MinGroup);

/// <summary>The pooled statistics of one column: every figure an aggregate over all parties' rows.</summary>
public sealed record ColumnStatistics(string Name, long Count, double Mean, double Variance, double Min, double Max,
    IReadOnlyList<double> Quantiles, IReadOnlyList<long?> Histogram)
{
    /// <summary>The sample standard deviation.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);
}

/// <summary>The statistics of every column, and their correlation matrix (row-major).</summary>
public sealed record StatisticsReport(IReadOnlyList<ColumnStatistics> Columns, double[] Correlation);

/// <summary>
/// Joint statistics over the rows every party holds (horizontal data), revealing aggregates only: count, mean, sample
/// variance, min and max, quantiles, histograms and the correlation matrix. Sums are of each party's local aggregates
/// (inputs, then one opening: what each party adds is hidden in the total); min and max are a secure tournament of the
/// parties' own; quantiles sort the pooled values with a sorting network and open only the ranks asked for; histogram
/// counts below <see cref="StatisticsRequest.MinGroup"/> are compared securely and never opened.
/// </summary>
/// <remarks>
/// Means are opened first and the deviations summed around them, so variances and covariances do not lose precision to
/// cancellation. A quantile is a value some party holds: it reveals that value (as any order statistic does), so ask only
/// for those you would publish. Rounds: the sums (2 openings), the tournament ((C + 1) ceil(log2 N)), the sort
/// ((C + 1) k (k + 1) / 2 for n up to 2^k) and the histogram's check and opening (C + 2).
/// </remarks>
public sealed class SecureStatistics<T>(IArithmeticSuite<T> suite, FixedPointFormat format) where T : unmanaged, IRing<T>
{
    /// <summary>
    /// The statistics of every column over all parties' rows: <paramref name="values"/> are this party's rows, row-major,
    /// with the columns <paramref name="names"/> (the same at every party).
    /// </summary>
    public async Task<StatisticsReport> HorizontalAsync(IReadOnlyList<string> names, double[] values, StatisticsRequest request,
        CancellationToken ct = default)
    {
        int d = names.Count, rows = values.Length / Math.Max(1, d);
        var counts = (await ExchangeCountsAsync(rows, ct).ConfigureAwait(false));
        long n = counts.Sum();
        if (n < Math.Max(2, request.MinGroup))
            throw new MpcException($"stats: the parties hold {n} rows in all, fewer than --min-group {request.MinGroup} (and 2): " +
                "no statistic is revealed over so few");
        if (request.Quantiles.FirstOrDefault(q => q is < 0 or > 1 || double.IsNaN(q), -1) is var bad and not -1)
            throw new ArgumentException($"--quantiles: {bad} is not a probability in [0, 1].");

        double Column(int r, int j) => values[r * d + j];
        // Means, then deviations around them: the variances and the covariance matrix from one sum.
        var localSums = new double[d];
        for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) localSums[j] += Column(r, j);
        double[] means = [.. (await SumAsync(localSums, ct).ConfigureAwait(false)).Select(s => s / n)];
        var localProducts = new double[d * d];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++)
                for (int k = j; k < d; k++) localProducts[j * d + k] += (Column(r, j) - means[j]) * (Column(r, k) - means[k]);
        var products = await SumAsync(localProducts, ct).ConfigureAwait(false);
        var covariance = new double[d * d];
        for (int j = 0; j < d; j++)
            for (int k = j; k < d; k++) covariance[j * d + k] = covariance[k * d + j] = products[j * d + k] / (n - 1);

        // Min and max: each party's own (a party with no rows offers the mean), in one tournament of 2d values.
        var extremes = new double[2 * d];
        for (int j = 0; j < d; j++)
        {
            extremes[j] = rows == 0 ? means[j] : Enumerable.Range(0, rows).Max(r => Column(r, j));
            extremes[d + j] = -(rows == 0 ? means[j] : Enumerable.Range(0, rows).Min(r => Column(r, j)));
        }
        var offered = await InputEachAsync(extremes, ct).ConfigureAwait(false);
        var largest = format.Decode(await suite.OpenAsync(await suite.ElementwiseMaxAsync(offered, ct).ConfigureAwait(false), ct)
            .ConfigureAwait(false));

        var quantiles = await QuantilesAsync(values, counts, d, request.Quantiles, ct).ConfigureAwait(false);
        var histograms = await HistogramsAsync(values, rows, d, largest, request, ct).ConfigureAwait(false);

        var columns = Enumerable.Range(0, d).Select(j => new ColumnStatistics(names[j], n, means[j], covariance[j * d + j],
            -largest[d + j], largest[j], [.. quantiles.Select(q => q[j])], histograms[j])).ToArray();
        var correlation = new double[d * d];
        for (int j = 0; j < d; j++)
            for (int k = 0; k < d; k++)
                correlation[j * d + k] = covariance[j * d + k] / Math.Sqrt(covariance[j * d + j] * covariance[k * d + k]);
        return new StatisticsReport(columns, correlation);
    }

    /// <summary>
    /// The statistics of every column of the rows the parties hold column by column (vertical data, aligned by id, the
    /// label at its owner counted as a column): each column lives at one party, which computes its count, mean,
    /// variance, min, max, quantiles and histogram itself and announces them (aggregates of its own column, bins under
    /// <see cref="StatisticsRequest.MinGroup"/> shown only as such); the correlations across parties' columns come from
    /// one secure matrix product of the standardised columns, Z^T Z / (n - 1), of which only the D x D result is opened.
    /// </summary>
    /// <remarks>Rounds: the consistency exchange, the names' and figures' exchanges, the inputs, one product, one opening.</remarks>
    public async Task<StatisticsReport> VerticalAsync(PartyTable mine, DataPartition partition, StatisticsRequest request,
        CancellationToken ct = default)
    {
        if (request.Quantiles.FirstOrDefault(q => q is < 0 or > 1 || double.IsNaN(q), -1) is var bad and not -1)
            throw new ArgumentException($"--quantiles: {bad} is not a probability in [0, 1].");
        int me = suite.Session.PartyId, parties = suite.Session.PartyCount;
        var counts = await DataConsistency.VerifyAsync(suite, mine, partition, ct).ConfigureAwait(false);
        int n = counts[0];
        if (n < Math.Max(2, request.MinGroup))
            throw new MpcException($"stats: the parties hold {n} rows, fewer than --min-group {request.MinGroup} (and 2): " +
                "no statistic is revealed over so few");
        // My columns (the label last, at its owner), rows in the order of the sorted ids, as every party orders them.
        var order = AlignedRows.Create(mine, partition, me, 0, 1).Train;
        string[] myNames = [.. mine.FeatureNames, .. mine.LabelName is { } label ? [label] : Array.Empty<string>()];
        int width = myNames.Length;
        var columns = Enumerable.Range(0, width).Select(j => order.Select(r => j < mine.FeatureCount ? mine[r, j] : mine.Labels![r])
            .ToArray()).ToArray();

        // My columns' figures, announced; every party's, in party order.
        var figures = new List<string>();
        var standardised = new double[n * width];
        for (int j = 0; j < width; j++)
        {
            var v = columns[j];
            double mean = v.Average(), variance = v.Sum(x => (x - mean) * (x - mean)) / (n - 1), sd = Math.Sqrt(variance);
            var sorted = v.Order().ToArray();
            var histogram = new long[Math.Max(0, request.Bins)];
            double low = sorted[0], binWidth = request.Bins > 0 ? (sorted[^1] - low) / request.Bins : 0;
            foreach (double x in v)
                if (request.Bins > 0)
                    histogram[binWidth <= 0 ? 0 : Math.Clamp((int)Math.Floor((x - low) / binWidth), 0, request.Bins - 1)]++;
            figures.AddRange([.. new[] { mean, variance, sorted[0], sorted[^1] }.Select(Text),
                .. request.Quantiles.Select(q => Text(sorted[(int)Math.Floor(q * (n - 1))])),
                .. histogram.Select(h => h < request.MinGroup ? "" : h.ToString(CultureInfo.InvariantCulture))]);
            for (int i = 0; i < n; i++) standardised[i * width + j] = sd > 1e-12 ? (v[i] - mean) / sd : 0;
        }
        var names = await PublicValues.ExchangeLinesAsync(suite, myNames, ct).ConfigureAwait(false);
        var announced = await PublicValues.ExchangeLinesAsync(suite, figures, ct).ConfigureAwait(false);
        var widths = names.Select(x => x.Length).ToArray();
        int total = widths.Sum(), perColumn = 4 + request.Quantiles.Count + Math.Max(0, request.Bins);

        var report = new List<ColumnStatistics>();
        for (int p = 0; p < parties; p++)
        {
            if (announced[p].Length != widths[p] * perColumn && widths[p] > 0)
                throw new MpcException($"stats: party {p} announced {announced[p].Length} figures for {widths[p]} columns.");
            for (int j = 0; j < widths[p]; j++)
            {
                var f = announced[p].AsSpan(j * perColumn, perColumn).ToArray();
                double Parse(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                    ? x
                    : throw new MpcException($"stats: party {p} announced a figure that is not a number.");
                report.Add(new ColumnStatistics(names[p][j], n, Parse(f[0]), Parse(f[1]), Parse(f[2]), Parse(f[3]),
                    [.. f.Skip(4).Take(request.Quantiles.Count).Select(Parse)],
                    [.. f.Skip(4 + request.Quantiles.Count).Select(h => h.Length == 0 ? (long?)null : (long)Parse(h))]));
            }
        }

        // Correlations: the standardised columns shared, Z^T Z / (n - 1) opened.
        var inputs = new ValueTask<SharedVector<T>>[parties];
        for (int p = 0; p < parties; p++)
            inputs[p] = suite.InputAsync(p, p == me ? format.Encode<T>(standardised) : ReadOnlyMemory<T>.Empty, n * widths[p], ct);
        var blocks = new SharedVector<T>[parties];
        for (int p = 0; p < parties; p++) blocks[p] = await inputs[p].ConfigureAwait(false);
        var z = ColumnBlocks.SideBySide(blocks, widths, n);
        var fixedPoint = new FixedPointArithmetic<T>(suite, format);
        var prepared = await suite.PrepareMatrixAsync(z, n, total, ct).ConfigureAwait(false);
        var product = await fixedPoint.TransposedMatrixMultiplyAsync(prepared, z, total, ct).ConfigureAwait(false);
        var gram = await fixedPoint.OpenAsync(product, ct).ConfigureAwait(false);
        var correlation = new double[total * total];
        for (int j = 0; j < total; j++)
            for (int k = 0; k < total; k++)
                correlation[j * total + k] = j == k && gram[j * total + j] > 0
                    ? 1
                    : gram[j * total + k] / Math.Sqrt(gram[j * total + j] * gram[k * total + k]);
        return new StatisticsReport(report, correlation);
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The pooled values of rank floor(q (n - 1)) of every column: one pass of the sorting network for all columns.</summary>
    private async Task<double[][]> QuantilesAsync(double[] values, long[] counts, int d, IReadOnlyList<double> probabilities,
        CancellationToken ct)
    {
        if (probabilities.Count == 0) return [];
        int n = (int)counts.Sum(), rows = values.Length / d;
        // Column-major per party, so that the parties' parts of one column can be laid side by side.
        var mine = new double[values.Length];
        for (int j = 0; j < d; j++) for (int r = 0; r < rows; r++) mine[j * rows + r] = values[r * d + j];
        var parts = new SharedVector<T>[counts.Length];
        for (int p = 0; p < counts.Length; p++)
        {
            int length = (int)counts[p] * d;
            parts[p] = await suite.InputAsync(p, p == suite.Session.PartyId ? format.Encode<T>(mine) : [], length, ct)
                .ConfigureAwait(false);
        }
        var byColumn = new List<SharedVector<T>>();
        for (int j = 0; j < d; j++)
            for (int p = 0; p < counts.Length; p++) byColumn.Add(parts[p].Slice(j * (int)counts[p], (int)counts[p]));
        var sorted = await suite.SortEachAsync(SharedVector<T>.Concat([.. byColumn]), n, ct).ConfigureAwait(false);
        int[] ranks = [.. probabilities.Select(q => (int)Math.Floor(q * (n - 1)))];
        var picked = sorted.Select([.. Enumerable.Range(0, d).SelectMany(j => ranks.Select(rank => j * n + rank))]);
        var opened = format.Decode(await suite.OpenAsync(picked, ct).ConfigureAwait(false));
        return [.. Enumerable.Range(0, ranks.Length)
            .Select(q => Enumerable.Range(0, d).Select(j => opened[j * ranks.Length + q]).ToArray())];
    }

    /// <summary>
    /// Counts in equal bins over the pooled [min, max]: local counts summed, then [count &lt; k] opened for every bin and
    /// only the counts of bins with at least k rows.
    /// </summary>
    private async Task<long?[][]> HistogramsAsync(double[] values, int rows, int d, double[] largest, StatisticsRequest request,
        CancellationToken ct)
    {
        if (request.Bins <= 0) return [.. Enumerable.Range(0, d).Select(_ => Array.Empty<long?>())];
        int bins = request.Bins;
        var local = new long[d * bins];
        for (int j = 0; j < d; j++)
        {
            double low = -largest[d + j], width = (largest[j] - low) / bins;
            for (int r = 0; r < rows; r++)
            {
                int bin = width <= 0 ? 0 : Math.Clamp((int)Math.Floor((values[r * d + j] - low) / width), 0, bins - 1);
                local[j * bins + bin]++;
            }
        }
        var sum = await Internal.PartySums.InputAndAddAsync(suite, [.. local.Select(T.FromInt64)], ct).ConfigureAwait(false);
        var small = await suite.LessThanZeroAsync(suite.AddPublic(sum, Enumerable.Repeat(T.FromInt64(-request.MinGroup), sum.Length)
            .ToArray()), ct: ct).ConfigureAwait(false);
        var isSmall = await suite.OpenAsync(small, ct).ConfigureAwait(false);
        int[] shown = [.. Enumerable.Range(0, sum.Length).Where(i => isSmall[i] == T.Zero)];
        var counts = shown.Length == 0 ? [] : await suite.OpenAsync(sum.Select(shown), ct).ConfigureAwait(false);
        var result = new long?[d * bins];
        for (int i = 0; i < shown.Length; i++) result[shown[i]] = (long)T.ToSignedInt128(counts[i]);
        return [.. Enumerable.Range(0, d).Select(j => result[(j * bins)..((j + 1) * bins)])];
    }

    private async Task<long[]> ExchangeCountsAsync(int rows, CancellationToken ct)
    {
        var all = await Internal.PublicValues.ExchangeAsync(suite, [rows], ct).ConfigureAwait(false);
        return [.. all.Select(v => v[0])];
    }

    /// <summary>The totals over all parties of <paramref name="local"/>, exact even where a total exceeds the format.</summary>
    private async Task<double[]> SumAsync(double[] local, CancellationToken ct) =>
        await Internal.PooledTotals.OpenAsync(new FixedPointArithmetic<T>(suite, format), local,
            (j, limit) => new MpcException($"stats: a local sum ({local[j]}) is beyond {Internal.PooledTotals.Describe(limit)}, " +
                "the largest one party's total may be; scale the column down"), ct).ConfigureAwait(false);

    private Task<SharedVector<T>[]> InputEachAsync(double[] local, CancellationToken ct) =>
        InputEachAsync(format.Encode<T>(local), local.Length, ct);

    private Task<SharedVector<T>[]> InputEachAsync(T[] mine, int length, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, suite.Session.PartyCount)
            .Select(p => suite.InputAsync(p, p == suite.Session.PartyId ? mine : [], length, ct).AsTask()));
}
