using System.CommandLine;
using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Statistics;
using Mpc.Party.Output;
using Mpc.Protocols;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>stats</c>: joint statistics over the rows every party holds (horizontal data) or over the columns each holds of
/// the same rows (vertical data), aggregates only, on the suite that trusts no one for N parties
/// (<see cref="SecureStatistics{T}"/>).
/// </summary>
public sealed class StatsJob : IJob
{
    /// <inheritdoc />
    public string Name => "stats";

    /// <inheritdoc />
    public string Description => "Joint statistics over every party's rows: count, mean, deviation, min, max, quantiles, " +
        "histograms, correlations (aggregates only).";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<double[]>("--quantiles")
        {
            Description = "Probabilities whose pooled values to reveal (each is some party's value).",
            DefaultValueFactory = _ => [0.25, 0.5, 0.75],
            AllowMultipleArgumentsPerToken = true,
        },
        new Option<int>("--bins")
        {
            Description = "Histogram bins per column over the pooled [min, max]; 0 for none.", DefaultValueFactory = _ => 10,
        },
        new Option<int>("--min-group")
        {
            Description = "No statistic over fewer rows is revealed (histogram bins with fewer show '<k').", DefaultValueFactory = _ => 5,
        },
        new Option<string?>("--out") { Description = "Also write the report as JSON to this file." },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        var data = TrainingDataConfig.From(context.Party);
        var table = CsvTableReader.Read(data.File, data.Columns with { ContinuousLabel = true }); // any label is a column here
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        table = await data.AlignAsync(session, table, context.Out, Name, ct);
        string[] names = [.. table.FeatureNames, .. table.LabelName is { } label ? [label] : Array.Empty<string>()];
        var values = new double[table.RowCount * names.Length];
        for (int r = 0; r < table.RowCount; r++)
        {
            for (int j = 0; j < table.FeatureCount; j++) values[r * names.Length + j] = table[r, j];
            if (table.Labels is { } labels) values[r * names.Length + names.Length - 1] = labels[r];
        }
        var request = new StatisticsRequest(context.GetOption<double[]>("--quantiles") ?? [], context.GetOption<int>("--bins"),
            context.GetOption<int>("--min-group"));
        var report = await TrustFreeSuite.RunAsync(session, new Statistics(names, values, table, data.Partition, request, ct));
        Print(context.Out, report, request);
        if (context.GetOption<string?>("--out") is { } file) Output.AtomicFile.WriteAllText(file, Json(report, request));
        return 0;
    }

    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    private sealed class Statistics(string[] names, double[] values, PartyTable table, DataPartition partition,
        StatisticsRequest request, CancellationToken ct) : ISuiteWork<StatisticsReport>
    {
        public Task<StatisticsReport> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T> =>
            partition.Kind == Partitioning.Vertical
                ? new SecureStatistics<T>(suite, Format).VerticalAsync(table, partition, request, ct)
                : new SecureStatistics<T>(suite, Format).HorizontalAsync(names, values, request, ct);
    }

    private static void Print(TextWriter output, StatisticsReport report, StatisticsRequest request)
    {
        string Q(double q) => FormattableString.Invariant($"q{q:0.##}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stats: {report.Columns[0].Count} rows, {report.Columns.Count} columns; " +
            $"{"column",-28} {"mean",12} {"sd",12} {"min",12} {string.Join(" ", request.Quantiles.Select(q => $"{Q(q),12}"))} {"max",12}"));
        foreach (var c in report.Columns)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stats: {c.Name,-28} {c.Mean,12:G6} {c.StandardDeviation,12:G6} {c.Min,12:G6} " +
                $"{string.Join(" ", c.Quantiles.Select(q => $"{q,12:G6}"))} {c.Max,12:G6}"));
            if (c.Histogram.Count == 0) continue;
            var bins = c.Histogram.Select(h => h?.ToString(CultureInfo.InvariantCulture) ?? $"<{request.MinGroup}");
            output.WriteLine($"stats:   histogram {string.Join(" ", bins)}");
        }
    }

    private static string Json(StatisticsReport report, StatisticsRequest request) => JsonText.Write(json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("columns");
        foreach (var c in report.Columns)
        {
            json.WriteStartObject();
            json.WriteString("name", c.Name);
            json.WriteNumber("count", c.Count);
            json.WriteNumberOrNull("mean", c.Mean);
            json.WriteNumberOrNull("variance", c.Variance);
            json.WriteNumberOrNull("min", c.Min);
            json.WriteNumberOrNull("max", c.Max);
            json.WriteStartObject("quantiles");
            for (int i = 0; i < request.Quantiles.Count; i++)
                json.WriteNumberOrNull(request.Quantiles[i].ToString("R", CultureInfo.InvariantCulture), c.Quantiles[i]);
            json.WriteEndObject();
            json.WriteStartArray("histogram");
            foreach (var h in c.Histogram)
            {
                if (h is { } count) json.WriteNumberValue(count);
                else json.WriteNullValue();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("correlation");
        foreach (var r in report.Correlation) json.WriteNumberOrNullValue(r);
        json.WriteEndArray();
        json.WriteNumber("min_group", request.MinGroup);
        json.WriteEndObject();
    });
}
