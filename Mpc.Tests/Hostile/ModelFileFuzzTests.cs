using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Mpc.Party.Output;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// The model loader of <c>mpc predict</c> (<see cref="ModelFile"/>) on hostile text: model files as train-lr writes them
/// (horizontal, and vertical with unknown standardisation), mutated. The only failure allowed is an
/// <see cref="InvalidDataException"/> naming the file (and the field); a model that loads can score a row.
/// </summary>
public sealed class ModelFileFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] BreastCancerFeatures =
    [
        "mean_radius", "mean_texture", "mean_perimeter", "mean_area", "mean_smoothness", "mean_compactness", "mean_concavity",
        "mean_concave_points", "mean_symmetry", "mean_fractal_dimension",
    ];

    private static ModelFile Model(string[] features, double[] weights, double bias, double?[] means, double?[] deviations,
        string? label) => new()
    {
        Label = label,
        Features = features,
        Weights = weights,
        Bias = bias,
        Standardisation = new ModelFile.StandardisationSection(means, deviations),
        Sigmoid = "clipped-polynomial-3",
        Settings = new Dictionary<string, string> { ["epochs"] = "100", ["learning_rate"] = "0.5", ["suite"] = "additive" },
        Cluster = "local-3",
        Party = 0,
    };

    private static byte[] Json(ModelFile model) => Encoding.UTF8.GetBytes(model.ToJson());

    /// <summary>A horizontal model of the breast cancer features, and a vertical party's, which knows half the standardisation.</summary>
    private static byte[][] Seeds()
    {
        int d = BreastCancerFeatures.Length;
        double[] weights = Enumerable.Range(0, d).Select(j => 0.37 * (j - 4.5)).ToArray();
        double?[] means = Enumerable.Range(0, d).Select(j => (double?)(10 + j * 3.25)).ToArray();
        double?[] deviations = Enumerable.Range(0, d).Select(j => (double?)(0.5 + j)).ToArray();
        return
        [
            Json(Model(BreastCancerFeatures, weights, -0.42, means, deviations, "malignant")),
            Json(Model(BreastCancerFeatures, weights, 1.5e-3, means.Select((m, j) => j < 5 ? m : null).ToArray(),
                deviations.Select((s, j) => j < 5 ? s : null).ToArray(), null)),
        ];
    }

    private static readonly Gen<byte[]> ModelGen =
        from d in Gen.Choose(0, 8)
        from weights in Gen.Choose(-1000, 1000).Select(w => w / 100.0).ArrayOf(d)
        from bias in Gen.Choose(-500, 500).Select(b => b / 100.0)
        from known in Gen.Elements(true, false).ArrayOf(d)
        from label in Gen.Elements<string?>("malignant", null, "y")
        select Json(Model(Enumerable.Range(0, d).Select(j => $"x{j}").ToArray(), weights, bias,
            known.Select((k, j) => k ? (double?)j : null).ToArray(), known.Select((k, j) => k ? (double?)(1 + j) : null).ToArray(), label));

    /// <summary>What predict does: load, and score a row when the standardisation is complete.</summary>
    private static void LoadAndScore(byte[] bytes)
    {
        var model = ModelFile.Parse(Encoding.UTF8.GetString(bytes), "model.json");
        if (!model.MissingStandardisation().Any())
        {
            double p = ModelFile.Logistic(model.Score(new double[model.Features.Count]));
            Assert.InRange(p, 0, 1);
        }
    }

    [Fact]
    public void ModelFile_AnyText_LoadsOrFailsWithInvalidData()
    {
        FuzzRun.Run(output, "model file", FuzzRun.CountFor(FuzzRun.FullCount), Seeds(), ModelGen, LoadAndScore,
            typeof(InvalidDataException));
    }

    private const string Good = """
        { "format": "mpc-logistic-regression/1", "features": ["a"], "weights": [1], "bias": 0,
          "standardisation": { "means": [0], "standard_deviations": [1] }, "sigmoid": "s", "settings": {} }
        """;

    [Theory]
    [InlineData("\"features\": [\"a\"]", "\"features\": null", "features: is missing")]
    [InlineData("\"standardisation\": { \"means\": [0], \"standard_deviations\": [1] }", "\"standardisation\": null",
        "standardisation: is missing")]
    [InlineData("\"means\": [0]", "\"means\": null", "standardisation.means: is missing")]
    [InlineData("\"weights\": [1]", "\"weights\": [\"NaN\"]", "weights[0]: must be a finite number")]
    [InlineData("\"standard_deviations\": [1]", "\"standard_deviations\": [0]", "standard_deviations[0]: must be a positive finite number")]
    [InlineData("\"features\": [\"a\"]", "\"features\": [null]", "features[0]: must be a non-empty name")]
    public void ModelFile_NullOrNonFiniteField_IsRefusedNamingIt(string good, string bad, string expected)
    {
        Assert.Contains(good, Good);
        ModelFile.Parse(Good, "model.json");
        var ex = Assert.Throws<InvalidDataException>(() => ModelFile.Parse(Good.Replace(good, bad), "model.json"));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("model.json: ", ex.Message);
    }
}
