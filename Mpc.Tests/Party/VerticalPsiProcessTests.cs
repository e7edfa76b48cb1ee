using System.Globalization;
using System.Text.RegularExpressions;
using Mpc.Ml.Data;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary>
/// Vertical data whose parties hold different patients (<c>mpc init --overlap 0.8</c>: each keeps its own random 80% of
/// the breast cancer rows), aligned by private set intersection: three processes over TLS.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class VerticalPsiProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mpc-psi-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // mpc init of the breast cancer data split vertically with each party keeping its own share of the rows; each
    // party's ids, read back from its file.
    private async Task<string[][]> InitAsync(int parties, string overlap, string folder)
    {
        int port = FreePorts.AllocateConsecutive(parties);
        using (var init = MpcProcess.StartIn(_root, "init", "--parties", $"{parties}", "--data", MlTestData.DataPath("breast_cancer.csv"),
            "--label", "malignant", "--partition", "vertical", "--overlap", overlap, "--port", $"{port}", "--out", folder))
            Assert.Equal(0, await init.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        return [.. Enumerable.Range(0, parties).Select(p => CsvTableReader.Read(Path.Combine(_root, folder, "data", $"party-{p}.csv"),
            new CsvColumns(null, "id", Features: [])).Ids!)];
    }

    [Fact]
    public async Task DifferentPatients_TrainOnTheTrueIntersection()
    {
        var ids = await InitAsync(3, "0.8", "bc");
        Assert.All(ids, set => Assert.Equal(455, set.Length)); // 80% of 569 rows each
        var common = ids.Skip(1).Aggregate(new HashSet<string>(ids[0]), (set, next) => { set.IntersectWith(next); return set; });
        Assert.InRange(common.Count, 250, 340);

        // The intersection job: every party writes the same common ids, and only them.
        using (var psi = MpcProcess.StartIn(_root, "launch", "--cluster", "bc/cluster.json", "psi", "--out", "psi"))
        {
            Assert.True(await psi.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, psi.Output);
            foreach (var party in new[] { "alice", "bob", "carol" })
            {
                var written = File.ReadAllLines(Path.Combine(_root, "psi", party, "intersection.csv")).Skip(1)
                    .Select(line => line.Split(',')[0]).ToArray();
                Assert.Equal(common.Order(StringComparer.Ordinal), written);
            }
        }

        // Training on the common rows gives the plaintext model of exactly those rows.
        using var train = MpcProcess.StartIn(_root, "launch", "--cluster", "bc/cluster.json", "train-lr", "--compare-plaintext",
            "--out", "model");
        Assert.True(await train.WaitForExitAsync(TimeSpan.FromSeconds(180)) == 0, train.Output);
        Assert.Contains($"rows aligned by private set intersection: {common.Count} ids held by every party (the parties' counts: " +
            "455, 455, 455)", train.Stdout);
        Assert.Contains("the leader, party 0, also learned which parties hold each of its own ids", train.Stdout);
        double gap = double.Parse(Regex.Match(train.Stdout, @"max \|secure - plaintext weight\| ([0-9.e+-]+)").Groups[1].Value,
            CultureInfo.InvariantCulture);
        Assert.InRange(gap, 0, 0.01);
    }

    [Fact]
    public async Task PrivateIntersection_TrainsWithoutRevealingTheRows()
    {
        var ids = await InitAsync(3, "0.8", "private");
        var common = ids.Skip(1).Aggregate(new HashSet<string>(ids[0]), (set, next) => { set.IntersectWith(next); return set; });
        using var train = MpcProcess.StartIn(_root, "launch", "--cluster", "private/cluster.json", "train-lr", "--intersection", "private",
            "--epochs", "30", "--out", "model");
        Assert.True(await train.WaitForExitAsync(TimeSpan.FromSeconds(180)) == 0, train.Output);
        var counts = Regex.Match(train.Stdout, @"only how many: (\d+) training and (\d+) test rows");
        Assert.True(counts.Success, train.Stdout);
        Assert.Equal(common.Count, int.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture)
            + int.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Contains("(the parties' counts: 455, 455, 455); which rows are common stays secret", train.Stdout);
        Assert.DoesNotContain("rows aligned by private set intersection", train.Stdout);
        double accuracy = double.Parse(Regex.Match(train.Stdout, @"test accuracy ([0-9.]+) over the common test rows").Groups[1].Value,
            CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 0.9, 1);
        foreach (var party in new[] { "alice", "bob", "carol" })
        {
            var metrics = File.ReadAllText(Path.Combine(_root, "model", party, "metrics.json"));
            Assert.Contains("\"intersection\": \"private\"", metrics);
            Assert.True(File.Exists(Path.Combine(_root, "model", party, "model.json")));
        }

        // The intersection's size alone: the same count, and no party writes any id.
        using (var size = MpcProcess.StartIn(_root, "launch", "--cluster", "private/cluster.json", "psi", "--intersection", "private",
            "--out", "size"))
        {
            Assert.True(await size.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, size.Output);
            Assert.Contains($"psi: {common.Count} ids held by every party (the parties' counts: 455, 455, 455; party 0's ids in " +
                "768 bins); which ones stays secret", size.Stdout);
            foreach (var party in new[] { "alice", "bob", "carol" })
            {
                Assert.Contains($"\"size\": {common.Count}",
                    File.ReadAllText(Path.Combine(_root, "size", party, "intersection-size.json")));
                Assert.False(File.Exists(Path.Combine(_root, "size", party, "intersection.csv")));
            }
        }

        // Mini-batches would need the common rows of each batch: refused by name.
        using var batches = MpcProcess.StartIn(_root, "launch", "--cluster", "private/cluster.json", "train-lr", "--intersection",
            "private", "--batch-size", "8");
        Assert.NotEqual(0, await batches.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--intersection private does not work with --batch-size", batches.Output);
    }

    [Fact]
    public async Task TwoParties_OtAndEcdhFindTheSameIds()
    {
        var ids = await InitAsync(2, "0.7", "two");
        var common = ids[0].Intersect(ids[1]).Order(StringComparer.Ordinal).ToArray();
        foreach (var protocol in new[] { "ot", "ecdh" })
        {
            using var psi = MpcProcess.StartIn(_root, "launch", "--cluster", "two/cluster.json", "psi", "--protocol", protocol,
                "--out", protocol);
            Assert.True(await psi.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, psi.Output);
            foreach (var party in new[] { "alice", "bob" })
                Assert.Equal(common, File.ReadAllLines(Path.Combine(_root, protocol, party, "intersection.csv")).Skip(1)
                    .Select(line => line.Split(',')[0]));
        }
    }
}
