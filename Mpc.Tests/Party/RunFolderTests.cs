using Mpc.Ml.Data;
using Mpc.Party.Output;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary>No run overwrites another's results: a folder per run with a <c>latest</c> link, or a refusal.</summary>
[Collection(SocketTests.Collection)]
public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mpc-runs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void CreateRun_TwiceInOneSecond_TwoFolders_LatestTheSecond()
    {
        var now = new DateTime(2026, 12, 7, 14, 5, 9);
        string first = RunFolders.CreateRun(_root, "train-lr", now), second = RunFolders.CreateRun(_root, "train-lr", now);
        Assert.Equal("train-lr-20261207-140509", Path.GetFileName(first));
        Assert.Equal("train-lr-20261207-140509-2", Path.GetFileName(second));
        Assert.Equal(second, Path.Combine(_root, new DirectoryInfo(Path.Combine(_root, RunFolders.Latest)).LinkTarget!));
    }

    [Fact]
    public void RefuseEarlierResults_NamesTheFolderAndTheWaysOut()
    {
        File.WriteAllText(Path.Combine(_root, "model.json"), "{}");
        var error = Assert.Throws<RunFolderException>(() => RunFolders.RefuseEarlierResults(_root, replace: false, resume: false));
        Assert.Contains($"--out {_root} holds an earlier run's results (model.json)", error.Message);
        Assert.Contains("--force", error.Message);
        RunFolders.RefuseEarlierResults(_root, replace: true, resume: false);
        RunFolders.RefuseEarlierResults(_root, replace: false, resume: true);
        RunFolders.RefuseEarlierResults(Path.Combine(_root, "empty"), replace: false, resume: false);
    }

    [Fact]
    public async Task Launch_TwiceWithoutOut_EachRunKeepsItsOwnFolder()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles(editParty: (i, file) => file["data"] = new Dictionary<string, object?>
        {
            ["file"] = MlTestData.PartyFile(Partitioning.Horizontal, 3, i), ["partition"] = "horizontal", ["label"] = "malignant",
        });
        string session = Path.Combine(_root, "out", cluster.Cluster.SessionId);
        for (int run = 0; run < 2; run++)
        {
            using var launch = MpcProcess.StartIn(_root, "launch", "--cluster", clusterFile, "train-lr", "--epochs", "2");
            int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
            Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
            Assert.Matches(@"train-lr: results in out/[^ ]+/train-lr-\d{8}-\d{6}(-\d+)?/<party>/", launch.Stdout);
        }
        var runs = Directory.GetDirectories(session, "train-lr-*").Order().ToArray();
        Assert.Equal(2, runs.Length);
        foreach (var run in runs)
            for (int p = 0; p < 3; p++) Assert.True(File.Exists(Path.Combine(run, $"p{p}", "model.json")), $"{run}/p{p}/model.json");
        Assert.Equal(Path.GetFileName(runs[1]), new DirectoryInfo(Path.Combine(session, RunFolders.Latest)).LinkTarget);

        // A folder given by hand: the second run into it is refused before any party starts, unless --force.
        string given = Path.Combine(_root, "mine");
        string[] train = ["launch", "--cluster", clusterFile, "train-lr", "--epochs", "2", "--out", given];
        using (var first = MpcProcess.StartIn(_root, train)) Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        using (var refused = MpcProcess.StartIn(_root, train))
        {
            Assert.Equal(2, await refused.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"--out {Path.Combine(given, "p0")} holds an earlier run's results", refused.Output);
            Assert.DoesNotContain("[p0", refused.Output);
        }
        using var forced = MpcProcess.StartIn(_root, [.. train, "--force"]);
        Assert.Equal(0, await forced.WaitForExitAsync(TimeSpan.FromSeconds(120)));
    }
}
