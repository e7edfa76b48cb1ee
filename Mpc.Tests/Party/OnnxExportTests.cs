using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Mpc.Party.Output;

namespace Mpc.Tests.Party;

/// <summary>
/// model.onnx scored by ONNX Runtime against the model's own plaintext scoring (what <c>mpc predict</c> applies): the
/// same probabilities to float precision and the same predicted class, for binary, one-vs-rest and softmax logistic
/// regression and for linear regression, over random models and rows.
/// </summary>
public sealed class OnnxExportTests
{
    private const int Features = 7, Rows = 50;

    private static (double[] Means, double[] Deviations, float[] Rows) Data(Random random)
    {
        double[] means = [.. Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 100 - 50)];
        double[] deviations = [.. Enumerable.Range(0, Features).Select(_ => 0.1 + random.NextDouble() * 20)];
        float[] rows = [.. Enumerable.Range(0, Rows * Features).Select(i => (float)(means[i % Features] + deviations[i % Features]
            * (random.NextDouble() * 4 - 2)))];
        return (means, deviations, rows);
    }

    private static Dictionary<string, float[]> Score(byte[] onnx, float[] rows, out long[]? labels)
    {
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(rows, [Rows, Features]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("features", input)]);
        labels = results.FirstOrDefault(r => r.Name == "label")?.AsTensor<long>().ToArray();
        return results.Where(r => r.Name != "label").ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }

    private static string[] Names => [.. Enumerable.Range(0, Features).Select(j => $"x{j}")];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BinaryModel_ScoresAsPredictDoes(int seed)
    {
        var random = new Random(seed); // test data only
        var (means, deviations, rows) = Data(random);
        var model = new ModelFile
        {
            Features = Names,
            Weights = [.. Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1)],
            Bias = 0.3,
            Standardisation = new ModelFile.StandardisationSection([.. means.Cast<double?>()], [.. deviations.Cast<double?>()]),
            Sigmoid = "test",
            Settings = new Dictionary<string, string>(),
        };
        var scored = Score(model.ToOnnx()!, rows, out var labels);
        var p = scored["probabilities"];
        for (int i = 0; i < Rows; i++)
        {
            double expected = ModelFile.Logistic(model.Score([.. rows.AsSpan(i * Features, Features).ToArray().Select(v => (double)v)]));
            Assert.InRange(p[2 * i + 1] - expected, -1e-4, 1e-4);
            Assert.InRange(p[2 * i] - (1 - expected), -1e-4, 1e-4);
            if (Math.Abs(expected - 0.5) > 1e-3) Assert.Equal(expected >= 0.5 ? 1 : 0, labels![i]);
        }
    }

    [Theory]
    [InlineData("softmax", 3)]
    [InlineData("ovr", 4)]
    public void MulticlassModel_ScoresAsPredictDoes(string mode, int seed)
    {
        var random = new Random(seed); // test data only
        var (means, deviations, rows) = Data(random);
        int[] classes = [3, 5, 7, 9];
        var model = new MulticlassModelFile
        {
            Multiclass = mode,
            Classes = classes,
            Features = Names,
            Weights = [.. classes.Select(_ =>
                (IReadOnlyList<double>)[.. Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 2 - 1)])],
            Biases = [.. classes.Select(_ => random.NextDouble() - 0.5)],
            Standardisation = new ModelFile.StandardisationSection([.. means.Cast<double?>()], [.. deviations.Cast<double?>()]),
            Settings = new Dictionary<string, string>(),
        };
        var scored = Score(model.ToOnnx()!, rows, out var labels);
        var p = scored["probabilities"];
        for (int i = 0; i < Rows; i++)
        {
            var expected = model.Probabilities([.. rows.AsSpan(i * Features, Features).ToArray().Select(v => (double)v)]);
            // One-vs-rest: ONNX gives each class's sigmoid; predict divides them by their sum. Softmax: the same numbers.
            var row = p.AsSpan(i * classes.Length, classes.Length).ToArray().Select(v => (double)v).ToArray();
            double sum = mode == "ovr" ? row.Sum() : 1;
            for (int c = 0; c < classes.Length; c++) Assert.InRange(row[c] / sum - expected[c], -1e-4, 1e-4);
            var sorted = expected.OrderDescending().ToArray();
            if (sorted[0] - sorted[1] > 1e-3) Assert.Equal(classes[Array.IndexOf(expected, sorted[0])], labels![i]);
        }
    }

    [Fact]
    public void LinearModel_PredictsAsPredictDoes()
    {
        var random = new Random(5); // test data only
        var (_, _, rows) = Data(random);
        var model = new LinearModelFile("y", Names, [.. Enumerable.Range(0, Features).Select(_ => random.NextDouble() * 4 - 2)], 12.5);
        var scored = Score(OnnxExport.Regressor(model.Features, model.Weights, model.Intercept), rows, out _);
        var y = scored["prediction"];
        for (int i = 0; i < Rows; i++)
        {
            double expected = model.Predict([.. rows.AsSpan(i * Features, Features).ToArray().Select(v => (double)v)]);
            Assert.InRange(y[i] - expected, -1e-3 * Math.Max(1, Math.Abs(expected)), 1e-3 * Math.Max(1, Math.Abs(expected)));
        }
    }
}
