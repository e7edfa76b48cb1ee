using System.Text.Json.Nodes;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary><c>mpc init</c> on the diabetes data, then <c>train-linear</c> and <c>stats</c> as three processes.</summary>
[Collection(SocketTests.Collection)]
public sealed class TrainLinearProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mpc-linear-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task InitThenTrainLinear_OnDiabetes_RevealsTheModelAndItsR2()
    {
        int port = FreePorts.AllocateConsecutive(3);
        using (var init = MpcProcess.StartIn(_root, "init", "--parties", "3", "--data", MlTestData.DataPath("diabetes.csv"),
            "--label", "progression", "--port", $"{port}", "--out", "diabetes"))
            Assert.Equal(0, await init.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        using var train = MpcProcess.StartIn(_root, "launch", "--cluster", "diabetes/cluster.json", "train-linear", "--out", "model");
        int exit = await train.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, train.Output);
        Assert.Matches(@"train-linear: 354 training rows, 88 test rows; test R\^2 0\.\d{4}, RMSE", train.Stdout);
        var model = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "model", "alice", "linear-model.json")))!;
        Assert.Equal("progression", model["target"]!.GetValue<string>());
        Assert.Equal(10, model["weights"]!.AsArray().Count);
        Assert.InRange(model["test_r2"]!.GetValue<double>(), 0.3, 1);

        // The revealed model applied in plaintext: one prediction per row, and R^2 over the whole file.
        using (var predict = MpcProcess.StartIn(_root, "predict", "--model", "model/alice/linear-model.json", "--data",
            MlTestData.DataPath("diabetes.csv"), "--out", "predictions.csv"))
        {
            Assert.Equal(0, await predict.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Matches(@"predict: R\^2 0\.\d{4}, RMSE \d+\.\d+ \(target 'progression'\)", predict.Stdout);
            Assert.Equal(443, File.ReadAllLines(Path.Combine(_root, "predictions.csv")).Length);
        }

        using var stats = MpcProcess.StartIn(_root, "launch", "--cluster", "diabetes/cluster.json", "stats", "--bins", "0");
        Assert.Equal(0, await stats.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("stats: 442 rows, 11 columns", stats.Stdout);

        // Mini-batch gradient descent instead of the closed form: progress per epoch, the same kind of model.
        using var descent = MpcProcess.StartIn(_root, "launch", "--cluster", "diabetes/cluster.json", "train-linear", "--epochs", "3",
            "--batch-size", "64", "--learning-rate", "0.05", "--out", "descent");
        Assert.True(await descent.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, descent.Output);
        Assert.Matches(@"train-linear: epoch 3, mean squared residual 0\.\d{4} \(standardised\)", descent.Stdout);
        var fitted = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "descent", "bob", "linear-model.json")))!;
        Assert.InRange(fitted["test_r2"]!.GetValue<double>(), 0.4, 1);
    }

    [Fact]
    public async Task VerticalTrainLinear_PredictMergesEveryPartysFile()
    {
        int port = FreePorts.AllocateConsecutive(3);
        using (var init = MpcProcess.StartIn(_root, "init", "--parties", "3", "--data", MlTestData.DataPath("diabetes.csv"),
            "--label", "progression", "--partition", "vertical", "--port", $"{port}", "--out", "vertical"))
            Assert.Equal(0, await init.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        using var train = MpcProcess.StartIn(_root, "launch", "--cluster", "vertical/cluster.json", "train-linear", "--out", "model");
        int exit = await train.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, train.Output);
        Assert.Matches(@"train-linear: 354 training rows, 88 test rows; test R\^2 0\.\d{4}", train.Stdout);
        Assert.False(File.Exists(Path.Combine(_root, "model", "alice", "model.onnx")));

        string[] models = [.. new[] { "alice", "bob", "carol" }.Select(p => $"model/{p}/linear-model.json")];
        using (var alone = MpcProcess.StartIn(_root, "predict", "--model", models[0], "--data", MlTestData.DataPath("diabetes.csv")))
        {
            Assert.NotEqual(0, await alone.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("pass every party's linear-model.json", alone.Output);
        }
        using (var predict = MpcProcess.StartIn(_root, ["predict", "--model", .. models, "--data", MlTestData.DataPath("diabetes.csv"),
            "--out", "predictions.csv"]))
        {
            Assert.Equal(0, await predict.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var r2 = double.Parse(System.Text.RegularExpressions.Regex.Match(predict.Stdout, @"R\^2 (0\.\d{4})").Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(r2, 0.45, 0.6);
        }
        using (var export = MpcProcess.StartIn(_root, ["export-onnx", "--model", .. models, "--out", "linear.onnx"]))
            Assert.Equal(0, await export.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
