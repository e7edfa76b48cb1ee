using System.Globalization;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary>
/// Models that stay secret: <c>train-lr --reveal none</c> leaves no party the weights, only its sealed shares, and
/// <c>launch ... predict --model-shares</c> gives the scores to the asking party alone; they match the same training
/// with the model revealed. <c>--reveal PARTY</c> leaves the model with that party only.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class SecretModelProcessTests : IDisposable
{
    private static readonly string[] Names = ["alice", "bob", "carol"];
    private readonly string _root = Directory.CreateTempSubdirectory("mpc-secret-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task InitAsync(string dataset, string label, string partition)
    {
        int port = FreePorts.AllocateConsecutive(3);
        using var init = MpcProcess.StartIn(_root, "init", "--parties", "3", "--data", MlTestData.DataPath(dataset), "--label", label,
            "--partition", partition, "--port", $"{port}", "--out", "cluster");
        Assert.Equal(0, await init.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private async Task<string> LaunchAsync(params string[] args)
    {
        using var run = MpcProcess.StartIn(_root, ["launch", "--cluster", "cluster/cluster.json", .. args]);
        int exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(180));
        Assert.True(exit == 0, run.Output);
        return run.Stdout;
    }

    // row -> (probability of the predicted class's column, prediction) from a predictions CSV.
    private static Dictionary<string, (double[] P, string Prediction)> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int prediction = Array.IndexOf(header, "prediction");
        int[] probabilities = [.. Enumerable.Range(0, header.Length).Where(i => header[i].StartsWith('p') && i != prediction)];
        return lines.Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0],
            c => (probabilities.Select(i => double.Parse(c[i], CultureInfo.InvariantCulture)).ToArray(), c[prediction]));
    }

    [Fact]
    public async Task RevealNone_KeepsSharesOnly_PredictGoesToTheAsker()
    {
        await InitAsync("breast_cancer.csv", "malignant", "horizontal");
        await LaunchAsync("train-lr", "--epochs", "20", "--reveal", "none", "--out", "secret");
        foreach (var name in Names)
        {
            Assert.False(File.Exists(Path.Combine(_root, "secret", name, "model.json")));
            string shares = Path.Combine(_root, "secret", name, "model-shares.mpcshares");
            Assert.True(File.Exists(shares));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(shares));
        }
        string stdout = await LaunchAsync("predict", "--model-shares", "secret", "--data", MlTestData.DataPath("breast_cancer.csv"),
            "--for", "carol", "--out", "scored");
        Assert.Contains("scores went to party 2 only", stdout);
        Assert.False(Directory.Exists(Path.Combine(_root, "scored", "alice")) &&
            File.Exists(Path.Combine(_root, "scored", "alice", "predictions.csv")));

        // The same training, revealed, applied in plaintext to the same rows.
        await LaunchAsync("train-lr", "--epochs", "20", "--out", "open");
        using (var predict = MpcProcess.StartIn(_root, "predict", "--model", "open/alice/model.json", "--data",
            MlTestData.DataPath("breast_cancer.csv"), "--out", "open.csv"))
            Assert.Equal(0, await predict.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var secret = Read(Path.Combine(_root, "scored", "carol", "predictions.csv"));
        var open = Read(Path.Combine(_root, "open.csv"));
        Assert.Equal(569, secret.Count);
        Assert.All(secret, row => Assert.InRange(row.Value.P[0] - open[row.Key].P[0], -0.01, 0.01));
        Assert.True(secret.Count(row => row.Value.Prediction == open[row.Key].Prediction) >= 566);
    }

    [Fact]
    public async Task VerticalSecretSoftmax_EveryPartyInputsItsColumns()
    {
        await InitAsync("digits.csv", "digit", "vertical");
        await LaunchAsync("train-lr", "--multiclass", "softmax", "--epochs", "20", "--reveal", "none", "--out", "secret");
        await LaunchAsync("predict", "--model-shares", "secret", "--data", "cluster/data/party-{index}.csv", "--out", "scored");
        var rows = Read(Path.Combine(_root, "scored", "alice", "predictions.csv"));
        Assert.Equal(1797, rows.Count);
        Assert.All(rows.Values, r => Assert.InRange(r.P.Sum(), 0.999, 1.001));
        // Party 0 holds the labels: most predictions are right.
        var labels = File.ReadAllLines(Path.Combine(_root, "cluster", "data", "party-0.csv"));
        int digit = Array.IndexOf(labels[0].Split(','), "digit");
        var truth = labels.Skip(1).Select((l, i) => (Row: (i + 2).ToString(CultureInfo.InvariantCulture), Label: l.Split(',')[digit]))
            .ToDictionary(t => t.Row, t => t.Label);
        Assert.InRange(rows.Count(r => r.Value.Prediction == truth[r.Key]) / 1797.0, 0.9, 1);

        // New rows that bob holds only some of: the parties score the ids all hold, aligned by private set intersection.
        Directory.CreateDirectory(Path.Combine(_root, "fewer"));
        for (int p = 0; p < 3; p++)
        {
            var lines = File.ReadAllLines(Path.Combine(_root, "cluster", "data", $"party-{p}.csv"));
            File.WriteAllLines(Path.Combine(_root, "fewer", $"party-{p}.csv"), p == 1 ? lines.Where((_, i) => i % 9 != 5) : lines);
        }
        await LaunchAsync("predict", "--model-shares", "secret", "--data", "fewer/party-{index}.csv", "--out", "fewer-scored");
        Assert.Equal(1797 - 200, Read(Path.Combine(_root, "fewer-scored", "alice", "predictions.csv")).Count);
    }

    [Fact]
    public async Task RevealToOneParty_OnlyItWritesTheModel()
    {
        await InitAsync("breast_cancer.csv", "malignant", "horizontal");
        await LaunchAsync("train-lr", "--epochs", "5", "--reveal", "bob", "--out", "model");
        Assert.True(File.Exists(Path.Combine(_root, "model", "bob", "model.json")));
        Assert.False(File.Exists(Path.Combine(_root, "model", "alice", "model.json")));
        Assert.False(File.Exists(Path.Combine(_root, "model", "carol", "model.json")));
        Assert.True(File.Exists(Path.Combine(_root, "model", "carol", "metrics.json")));
    }
}
