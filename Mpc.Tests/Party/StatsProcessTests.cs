using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary><c>mpc launch ... stats</c>: three processes, the breast cancer rows split among them, against the whole file.</summary>
[Collection(SocketTests.Collection)]
public sealed class StatsProcessTests
{
    private static Dictionary<string, object?> Horizontal(string file) =>
        new() { ["file"] = file, ["partition"] = "horizontal", ["label"] = "malignant" };

    [Fact]
    public async Task Launch_Stats_MatchTheWholeFile()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(60));
        string clusterFile = cluster.WriteFiles(
            editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 3, i)));
        string report = Path.Combine(cluster.Directory, "stats.json");
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "stats", "--bins", "4", "--out", report);
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(180));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        Assert.Contains("stats: 569 rows, 31 columns", launch.Stdout);

        var whole = CsvTableReader.Read(MlTestData.DataPath("breast_cancer.csv"),
            new CsvColumns("malignant", null, null));
        var columns = JsonNode.Parse(File.ReadAllText(report))!["columns"]!.AsArray();
        for (int j = 0; j < whole.FeatureCount; j++)
        {
            var c = columns[j]!;
            double[] v = [.. Enumerable.Range(0, whole.RowCount).Select(r => whole[r, j])];
            double mean = v.Average(), sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
            var sorted = v.Order().ToArray();
            Assert.Equal(whole.FeatureNames[j], c["name"]!.GetValue<string>());
            Assert.Equal(569, c["count"]!.GetValue<long>());
            string name = whole.FeatureNames[j];
            Assert.True(Math.Abs(c["mean"]!.GetValue<double>() - mean) <= 1e-4 * Math.Max(1, Math.Abs(mean)), $"{name} mean");
            Assert.True(Math.Abs(Math.Sqrt(c["variance"]!.GetValue<double>()) - sd) <= 1e-3 * Math.Max(1, sd), $"{name} sd");
            Assert.True(Math.Abs(c["min"]!.GetValue<double>() - sorted[0]) <= 1e-4, $"{whole.FeatureNames[j]} min");
            Assert.True(Math.Abs(c["max"]!.GetValue<double>() - sorted[^1]) <= 1e-4, $"{whole.FeatureNames[j]} max");
            Assert.True(Math.Abs(c["quantiles"]!["0.5"]!.GetValue<double>() - sorted[284]) <= 1e-4, $"{whole.FeatureNames[j]} median");
        }
        var labels = columns[whole.FeatureCount]!;
        Assert.Equal("malignant", labels["name"]!.GetValue<string>());
        Assert.True(Math.Abs(labels["mean"]!.GetValue<double>() - 212.0 / 569) <= 1e-4);
    }

    [Fact]
    public async Task Launch_StatsOverTooFewRows_RefusedNamingTheThreshold()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(60));
        string clusterFile = cluster.WriteFiles(
            editParty: (i, file) => file["data"] = Horizontal(MlTestData.PartyFile(Partitioning.Horizontal, 3, i)));
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "stats", "--min-group", "1000");
        Assert.NotEqual(0, await launch.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("569 rows in all, fewer than --min-group 1000", launch.Output);
        Assert.DoesNotContain("stats: mean", launch.Stdout);
    }

    [Fact]
    public async Task Launch_VerticalStats_MatchTheWholeFile()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(60));
        string clusterFile = cluster.WriteFiles(editParty: (i, file) => file["data"] = new Dictionary<string, object?>
        {
            ["file"] = MlTestData.PartyFile(Partitioning.Vertical, 3, i), ["partition"] = "vertical", ["id"] = "id",
            ["label"] = i == 0 ? "malignant" : null,
        });
        string report = Path.Combine(cluster.Directory, "stats.json");
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "stats", "--bins", "4", "--out", report);
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(180));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        Assert.Contains("stats: 569 rows, 31 columns", launch.Stdout);

        var whole = CsvTableReader.Read(MlTestData.DataPath("breast_cancer.csv"), new CsvColumns("malignant", null, null));
        var json = JsonNode.Parse(File.ReadAllText(report))!;
        var columns = json["columns"]!.AsArray();
        var names = columns.Select(c => c!["name"]!.GetValue<string>()).ToArray();
        double[] Values(string name) => name == "malignant"
            ? whole.Labels!
            : [.. Enumerable.Range(0, whole.RowCount).Select(r => whole[r, Array.IndexOf([.. whole.FeatureNames], name)])];
        foreach (var c in columns)
        {
            var v = Values(c!["name"]!.GetValue<string>());
            double mean = v.Average();
            Assert.True(Math.Abs(c["mean"]!.GetValue<double>() - mean) <= 1e-9 * Math.Max(1, Math.Abs(mean)));
            Assert.Equal(v.Order().ElementAt(284), c["quantiles"]!["0.5"]!.GetValue<double>());
        }
        // A correlation between two parties' columns (party files split the columns), from the opened product.
        var correlation = json["correlation"]!.AsArray();
        int a = Array.IndexOf(names, "mean_radius"), b = Array.IndexOf(names, "malignant");
        var (x, y) = (Values("mean_radius"), Values("malignant"));
        double mx = x.Average(), my = y.Average();
        double r = x.Zip(y, (p, q) => (p - mx) * (q - my)).Sum()
            / Math.Sqrt(x.Sum(p => (p - mx) * (p - mx)) * y.Sum(q => (q - my) * (q - my)));
        Assert.True(Math.Abs(correlation[a * names.Length + b]!.GetValue<double>() - r) <= 2e-3);
    }
}
