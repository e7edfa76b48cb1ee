using Mpc.Ml.Data;

namespace Mpc.Tests.Ml;

/// <summary>Paths and tables of the repository's data/ folder, and a synthetic data set.</summary>
public static class MlTestData
{
    public static string Root { get; } = FindRoot();

    public static string DataPath(params string[] parts) => Path.Combine([Root, "data", .. parts]);

    public static string PartyFile(Partitioning kind, int parties, int party) =>
        DataPath("breast-cancer", $"{(kind == Partitioning.Horizontal ? "horizontal" : "vertical")}-{parties}", $"party-{party}.csv");

    /// <summary>Each party's table cut to a random share of its rows (each party its own draw, from the seed).</summary>
    public static PartyTable[] KeepRandomRows(PartyTable[] tables, double share, int seed) =>
        [.. tables.Select((table, p) =>
        {
            var random = new System.Random(seed * 31 + p); // test data only, not a protocol path
            var kept = Enumerable.Range(0, table.RowCount).Where(_ => random.NextDouble() < share).ToArray();
            int d = table.FeatureCount;
            var features = new double[kept.Length * d];
            for (int i = 0; i < kept.Length; i++) Array.Copy(table.Features, kept[i] * d, features, i * d, d);
            return new PartyTable(table.Source, table.FeatureNames, features, table.Labels is { } l ? [.. kept.Select(r => l[r])] : null,
                table.LabelName, table.Ids is { } ids ? [.. kept.Select(r => ids[r])] : null, [.. kept.Select(r => table.LineNumbers[r])]);
        })];

    /// <summary>Each party's breast cancer table for a cluster of <paramref name="parties"/>.</summary>
    public static PartyTable[] BreastCancer(Partitioning kind, int parties) =>
        Enumerable.Range(0, parties).Select(p => CsvTableReader.Read(PartyFile(kind, parties, p),
            kind == Partitioning.Horizontal ? new CsvColumns("malignant") : new CsvColumns(p == 0 ? "malignant" : null, Id: "id")))
            .ToArray();

    /// <summary>
    /// A linearly separable-ish synthetic set split horizontally: rows x features Gaussian features (seeded), label
    /// 1 when a fixed linear score plus noise is positive.
    /// </summary>
    public static PartyTable[] Synthetic(int rows, int features, int parties, int seed)
    {
        var random = new System.Random(seed); // test data only, not a protocol path
        var truth = Enumerable.Range(0, features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var names = Enumerable.Range(0, features).Select(j => $"x{j}").ToArray();
        return Enumerable.Range(0, parties).Select(p =>
        {
            int start = rows * p / parties, end = rows * (p + 1) / parties, count = end - start;
            var x = new double[count * features];
            var y = new double[count];
            for (int i = 0; i < count; i++)
            {
                double score = 0;
                for (int j = 0; j < features; j++)
                {
                    x[i * features + j] = Gaussian() * (1 + j % 3) + j % 5;
                    score += truth[j] * (x[i * features + j] - j % 5) / (1 + j % 3);
                }
                y[i] = score + 0.5 * Gaussian() > 0 ? 1 : 0;
            }
            return new PartyTable($"synthetic-{p}", names, x, y, "label", null, Enumerable.Range(2, count).ToArray());
        }).ToArray();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mpc.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (Mpc.sln) above the test binaries.");
    }
}
