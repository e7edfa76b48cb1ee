using System.Text.Json;
using Mpc.Ml.Data;
using Mpc.Net.Configuration;
using Mpc.Party.Commands;
using Mpc.Party.Jobs;
using Mpc.Party.Output;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Party;

/// <summary><c>mpc datagen</c>, <c>mpc split</c> and <c>mpc predict</c>, run in process, and the data section of party files.</summary>
public sealed class DataCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mpc-data-" + Guid.NewGuid().ToString("N")[..8]);

    public DataCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int Code, string Out, string Error)> Mpc(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await MpcCommandLine.Build(JobRegistry.CreateDefault(), stdout, stderr).Parse(args).InvokeAsync();
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Datagen_WritesRowsAndTrueModel_WhichPredictsTheLabelsWell()
    {
        string file = Path.Combine(_directory, "synthetic.csv");
        var (code, _, error) = await Mpc("datagen", "--rows", "3000", "--features", "8", "--seed", "5", "--out", file);
        Assert.True(code == 0, error);
        var table = CsvTableReader.Read(file, new CsvColumns("label"));
        Assert.Equal(3000, table.RowCount);
        Assert.Equal(8, table.FeatureCount);
        Assert.InRange(table.Labels!.Average(), 0.2, 0.8);

        string truth = Path.Combine(_directory, "synthetic.truth.json");
        string predictions = Path.Combine(_directory, "predictions.csv");
        (code, var output, error) = await Mpc("predict", "--model", truth, "--data", file, "--out", predictions);
        Assert.True(code == 0, error);
        Assert.Equal(3001, File.ReadAllLines(predictions).Length);
        double accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(output, @"accuracy (\d\.\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 0.8, 1.0); // labels are logistic draws from the true model: it is right most of the time, not always

        // The same seed gives the same data.
        string again = Path.Combine(_directory, "again.csv");
        await Mpc("datagen", "--rows", "3000", "--features", "8", "--seed", "5", "--out", again);
        Assert.Equal(File.ReadAllText(file), File.ReadAllText(again));
    }

    [Fact]
    public async Task DatagenLinear_TrueModelLeavesOnlyTheUnitNoise()
    {
        string file = Path.Combine(_directory, "linear.csv");
        var (code, _, error) = await Mpc("datagen", "--rows", "4000", "--features", "6", "--target", "linear", "--out", file);
        Assert.True(code == 0, error);
        var table = CsvTableReader.Read(file, new CsvColumns("label", ContinuousLabel: true));
        Assert.Contains(table.Labels!, y => y != Math.Round(y)); // a continuous target, not 0/1

        // The truth is a linear-model.json in the data's units: its residuals are the standard Gaussian noise.
        (code, var output, error) = await Mpc("predict", "--model", Path.Combine(_directory, "linear.truth.json"), "--data", file,
            "--out", Path.Combine(_directory, "p.csv"));
        Assert.True(code == 0, error);
        double rmse = double.Parse(System.Text.RegularExpressions.Regex.Match(output, @"RMSE (\d+\.\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(rmse, 0.95, 1.05);
    }

    [Theory]
    [InlineData("horizontal")]
    [InlineData("vertical")]
    public async Task Split_ProducesTheSameFilesAsTheCommittedSplits(string kind)
    {
        var (code, _, error) = await Mpc("split", "--input", MlTestData.DataPath("breast_cancer.csv"), "--parties", "3",
            "--partition", kind, "--label", "malignant", "--out", _directory);
        Assert.True(code == 0, error);
        var partitioning = kind == "horizontal" ? Partitioning.Horizontal : Partitioning.Vertical;
        for (int p = 0; p < 3; p++)
            Assert.Equal(File.ReadAllText(MlTestData.PartyFile(partitioning, 3, p)),
                File.ReadAllText(Path.Combine(_directory, $"party-{p}.csv")));
    }

    [Fact]
    public async Task Predict_OneVerticalModel_NeedsEveryPartysStandardisation()
    {
        string model = Path.Combine(_directory, "model.json");
        AtomicFile.WriteAllText(model, new ModelFile
        {
            Label = "malignant",
            Features = ["mean_radius", "mean_texture"],
            Weights = [1.0, -0.5],
            Bias = 0.1,
            Standardisation = new ModelFile.StandardisationSection([14.0, null], [3.5, null]),
            Sigmoid = "test",
            Settings = new Dictionary<string, string>(),
        }.ToJson());
        var (code, _, error) = await Mpc("predict", "--model", model, "--data", MlTestData.DataPath("breast_cancer.csv"));
        Assert.Equal(2, code);
        Assert.Contains("mean_texture", error);
        Assert.Contains("every party's model.json", error);
    }

    [Fact]
    public async Task Predict_OnAFileWithoutTheModelsColumns_NamesTheColumn()
    {
        string model = Path.Combine(_directory, "model.json");
        AtomicFile.WriteAllText(model, new ModelFile
        {
            Label = "label",
            Features = ["x0", "missing_feature"],
            Weights = [1.0, 2.0],
            Bias = 0,
            Standardisation = new ModelFile.StandardisationSection([0.0, 0.0], [1.0, 1.0]),
            Sigmoid = "test",
            Settings = new Dictionary<string, string>(),
        }.ToJson());
        string data = Path.Combine(_directory, "data.csv");
        File.WriteAllText(data, "x0,label\n1,0\n");
        var (code, _, error) = await Mpc("predict", "--model", model, "--data", data);
        Assert.Equal(2, code);
        Assert.Contains("column 'missing_feature'", error);
    }

    public static TheoryData<string, string> BadDataSections => new()
    {
        { """{ "file": "a.csv" }""", "data.label" },
        { """{ "file": "a.csv", "label": "y", "colour": "red" }""", "data.colour" },
        { """{ "label": "y" }""", "data.file" },
        { """{ "file": "a.csv", "partition": "diagonal", "label": "y" }""", "data.partition" },
        { """{ "file": "a.csv", "partition": "vertical", "label": "y" }""", "data.id" },
        { """{ "file": "a.csv", "partition": "vertical", "id": "id", "labelOwner": 5, "label": "y" }""", "data.labelOwner" },
        { """{ "file": "a.csv", "partition": "vertical", "id": "id", "labelOwner": 1, "label": "y" }""", "data.label" },
        { """{ "file": "a.csv", "label": "y", "id": "id" }""", "data.id" },
        { """{ "file": "a.csv", "label": "y", "columns": ["y", "x"] }""", "data.columns" },
    };

    [Theory]
    [MemberData(nameof(BadDataSections))]
    public void DataSection_Errors_NameTheFileAndTheField(string section, string field)
    {
        string cluster = Path.Combine(_directory, "cluster.json");
        File.WriteAllText(cluster, """{ "sessionId": "t", "insecure": true, "parties": [ """ +
            """{ "id": 0, "name": "a", "host": "127.0.0.1", "port": 1 }, { "id": 1, "name": "b", "host": "127.0.0.1", "port": 2 } ] }""");
        string party = Path.Combine(_directory, "party.json");
        File.WriteAllText(party, $$"""{ "cluster": "cluster.json", "partyId": 0, "data": {{section}} }""");
        var error = Assert.Throws<ConfigException>(() => TrainingDataConfig.From(PartyConfig.Load(party)));
        Assert.Equal(party, error.File);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void ShippedPartyFiles_HaveValidDataSections_InEveryCluster()
    {
        // Every party file a shipped cluster file names.
        var clusters = Directory.GetFiles(Path.Combine(MlTestData.Root, "party-configs"), "*.json", SearchOption.AllDirectories)
            .Where(f => System.Text.Json.JsonDocument
                .Parse(File.ReadAllText(f), new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })
                .RootElement.TryGetProperty("parties", out _))
            .Select(f => ClusterConfig.Load(f, requireCertificates: false)).ToList();
        Assert.Contains(clusters, c => c.Dealer is not null);
        foreach (var file in clusters.SelectMany(c => c.Parties).Select(p => p.ConfigPath!))
        {
            var party = PartyConfig.Load(file, requireCertificates: false);
            if (party.Me.IsDealer)
            {
                Assert.Null(party.Data); // the dealer holds no data
                continue;
            }
            var data = TrainingDataConfig.From(party);
            Assert.True(File.Exists(data.File), $"{file}: {data.File}");
            Assert.Equal(file.Contains("vertical", StringComparison.Ordinal) ? Partitioning.Vertical : Partitioning.Horizontal,
                data.Partition.Kind);
        }
    }
}
