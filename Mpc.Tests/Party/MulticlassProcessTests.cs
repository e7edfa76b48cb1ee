using System.Text.Json.Nodes;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary>
/// <c>mpc init</c> on the digits (10 classes), then <c>train-lr --multiclass</c> as three processes over TLS against the
/// plaintext twin, and <c>mpc predict</c> with the model it writes.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class MulticlassProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mpc-multiclass-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("softmax", "horizontal")]
    [InlineData("ovr", "vertical")]
    public async Task TrainLrMulticlass_OnDigits_MatchesItsPlaintextTwin(string mode, string partition)
    {
        int port = FreePorts.AllocateConsecutive(3);
        using (var init = MpcProcess.StartIn(_root, "init", "--parties", "3", "--data", MlTestData.DataPath("digits.csv"),
            "--label", "digit", "--partition", partition, "--port", $"{port}", "--out", "digits"))
            Assert.Equal(0, await init.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        using var train = MpcProcess.StartIn(_root, "launch", "--cluster", "digits/cluster.json", "train-lr", "--multiclass", mode,
            "--epochs", "30", "--compare-plaintext", "--out", "model");
        int exit = await train.WaitForExitAsync(TimeSpan.FromSeconds(180));
        Assert.True(exit == 0, train.Output);
        Assert.Contains("10 classes (0,1,2,3,4,5,6,7,8,9)", train.Stdout);
        Assert.Contains("confusion matrix (rows: true class, columns: predicted)", train.Stdout);

        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "model", "bob", "metrics.json")))!;
        double secure = metrics["accuracy"]!.GetValue<double>(), plain = metrics["plaintext_accuracy"]!.GetValue<double>();
        Assert.InRange(secure - plain, -0.01, 0.01);
        Assert.InRange(secure, 0.85, 1);
        var confusion = metrics["confusion"]!.AsArray();
        Assert.Equal(10, confusion.Count);
        Assert.Equal(metrics["test_rows"]!.GetValue<int>(), confusion.Sum(row => row!.AsArray().Sum(c => c!.GetValue<long>())));

        // Every party's file (vertical: each knows its own columns' standardisation), merged by predict.
        string[] models = [.. new[] { "alice", "bob", "carol" }.Select(p => $"model/{p}/model.json")];
        using var predict = MpcProcess.StartIn(_root, ["predict", "--model", .. models, "--data", MlTestData.DataPath("digits.csv"),
            "--out", "predictions.csv"]);
        Assert.Equal(0, await predict.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Matches(@"predict: accuracy 0\.9\d{3}, log-loss \d\.\d{4} over 10 classes \(label 'digit'\)", predict.Stdout);
        var predictions = File.ReadAllLines(Path.Combine(_root, "predictions.csv"));
        Assert.Equal(1798, predictions.Length);

        // The same model as ONNX (every party's file merged, as predict merges them), scored by ONNX Runtime.
        using (var export = MpcProcess.StartIn(_root, ["export-onnx", "--model", .. models, "--out", "model.onnx"]))
            Assert.Equal(0, await export.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        if (partition == "horizontal") Assert.True(File.Exists(Path.Combine(_root, "model", "alice", "model.onnx")));
        var digits = File.ReadAllLines(MlTestData.DataPath("digits.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        float[] rows = [.. digits.SelectMany(cells => cells.Take(64).Select(float.Parse))];
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(File.ReadAllBytes(Path.Combine(_root, "model.onnx")));
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("features",
            new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(rows, [digits.Length, 64]))]);
        var labels = results.First(r => r.Name == "label").AsTensor<long>().ToArray();
        int column = Array.IndexOf(predictions[0].Split(','), "prediction");
        int agree = Enumerable.Range(0, digits.Length).Count(i => labels[i].ToString() == predictions[i + 1].Split(',')[column]);
        Assert.True(agree >= digits.Length - 2, $"ONNX Runtime and predict agree on {agree} of {digits.Length} rows");
    }
}
