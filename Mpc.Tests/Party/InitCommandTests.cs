using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Net.Configuration;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary><c>mpc init</c>: one command writes a cluster that <c>mpc launch</c> runs as it is.</summary>
[Collection(SocketTests.Collection)]
public sealed class InitCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mpc-init-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<MpcProcess> RunAsync(params string[] args)
    {
        var process = MpcProcess.StartIn(_root, args);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return process;
    }

    [Fact]
    public async Task Init_Horizontal_ThenLaunch_TrainsOnTheSplit()
    {
        string data = MlTestData.DataPath("breast_cancer.csv");
        int port = FreePorts.AllocateConsecutive(3);
        using var init = await RunAsync("init", "--parties", "3", "--data", data, "--label", "malignant", "--port", $"{port}",
            "--out", "hospitals");
        Assert.True(init.ExitCode == 0, init.Output);
        string folder = Path.Combine(_root, "hospitals");
        var cluster = ClusterConfig.Load(Path.Combine(folder, "cluster.json"));
        Assert.Equal(["alice", "bob", "carol"], cluster.Parties.Select(p => p.Name));
        Assert.Equal("hospitals", cluster.SessionId);
        string[] expected = CsvPartitioner.Horizontal(File.ReadAllText(data), 3, 7);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], File.ReadAllText(Path.Combine(folder, "data", $"party-{i}.csv")));
            string key = Path.Combine(folder, "certs", $"{cluster.Parties[i].Name}.key.pem");
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
        Assert.Contains("mpc launch --cluster hospitals/cluster.json train-lr", init.Stdout);

        using var launch = await RunAsync("launch", "--cluster", "hospitals/cluster.json", "train-lr", "--epochs", "20", "--out", "run");
        Assert.True(launch.ExitCode == 0, launch.Output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "run", "alice", "metrics.json")))!.AsObject();
        Assert.True(metrics["accuracy"]!.GetValue<double>() >= 0.9, metrics.ToJsonString());
    }

    [Fact]
    public async Task Init_VerticalWithTheTablesOwnId_ThenLaunch_Trains()
    {
        // A table with its own identifier column, not first: the split keeps it as every party's id, never as a feature.
        var lines = File.ReadAllLines(MlTestData.DataPath("breast_cancer.csv"));
        string table = Path.Combine(_root, "patients.csv");
        File.WriteAllLines(table, lines.Select((line, i) => i == 0 ? $"{line},patient" : $"{line},P{1000 + i}"));
        int port = FreePorts.AllocateConsecutive(2);
        using var init = await RunAsync("init", "--parties", "2", "--names", "clinic,lab", "--data", table, "--label", "malignant",
            "--partition", "vertical", "--id", "patient", "--port", $"{port}", "--out", "vertical");
        Assert.True(init.ExitCode == 0, init.Output);
        for (int i = 0; i < 2; i++)
        {
            var file = File.ReadAllLines(Path.Combine(_root, "vertical", "data", $"party-{i}.csv"));
            Assert.StartsWith("patient,", file[0]);
            Assert.Equal(1, file[0].Split(',').Count(c => c == "patient"));
            Assert.All(file.Skip(1), row => Assert.StartsWith("P1", row));
        }
        var clinic = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "vertical", "clinic.json")))!["data"]!;
        Assert.Equal("malignant", clinic["label"]!.GetValue<string>());
        Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "vertical", "lab.json")))!["data"]!["label"]);

        using var launch = await RunAsync("launch", "--cluster", "vertical/cluster.json", "train-lr", "--epochs", "20");
        Assert.True(launch.ExitCode == 0, launch.Output);
        Assert.Contains("train-lr: results in out/vertical/train-lr-", launch.Stdout);
    }

    [Theory]
    [InlineData(new[] { "--parties", "3", "--names", "a,b" }, "--names gives 2 names for 3 parties")]
    [InlineData(new[] { "--parties", "2", "--hosts", "h1,h2,h3" }, "--hosts gives 3 hosts for 2 parties")]
    [InlineData(new[] { "--parties", "2", "--names", "a,a" }, "--names: names repeat")]
    [InlineData(new[] { "--parties", "2", "--data", "missing.csv", "--label", "y" }, "missing.csv")]
    [InlineData(new[] { "--parties", "2", "--data", "FILE", "--label", "nope" }, "the label column 'nope' is missing")]
    [InlineData(new[] { "--parties", "2", "--data", "FILE" }, "--label is required with --data")]
    public async Task Init_BadOptions_RefusedSayingWhich(string[] options, string message)
    {
        string data = MlTestData.DataPath("breast_cancer.csv");
        using var init = await RunAsync(["init", .. options.Select(o => o == "FILE" ? data : o), "--out", "c"]);
        Assert.Equal(2, init.ExitCode);
        Assert.Contains(message, init.Output);
        Assert.False(Directory.Exists(Path.Combine(_root, "c", "certs")), "nothing is written when an option is wrong");
    }

    [Fact]
    public async Task Init_IntoAFolderThatIsNotEmpty_RefusedUnlessForce()
    {
        Directory.CreateDirectory(Path.Combine(_root, "c"));
        File.WriteAllText(Path.Combine(_root, "c", "notes.txt"), "mine");
        using var refused = await RunAsync("init", "--parties", "2", "--out", "c");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--out c is not empty", refused.Output);
        using var forced = await RunAsync("init", "--parties", "2", "--out", "c", "--force");
        Assert.True(forced.ExitCode == 0, forced.Output);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(_root, "c", "notes.txt")));
        Assert.True(File.Exists(Path.Combine(_root, "c", "cluster.json")));
    }
}
