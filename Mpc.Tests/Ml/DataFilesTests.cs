using Mpc.Ml.Data;

namespace Mpc.Tests.Ml;

public sealed class DataFilesTests
{
    private const ulong Seed = 7;

    /// <summary>Set MPC_WRITE_DATA=1 to (re)write the committed splits instead of checking them.</summary>
    [Fact]
    public void CommittedBreastCancerSplits_AreWhatThePartitionerProduces()
    {
        var source = File.ReadAllText(MlTestData.DataPath("breast_cancer.csv"));
        bool write = Environment.GetEnvironmentVariable("MPC_WRITE_DATA") == "1";
        foreach (int parties in new[] { 2, 3, 5 })
        {
            var horizontal = CsvPartitioner.Horizontal(source, parties, Seed);
            var vertical = CsvPartitioner.Vertical(source, parties, "malignant", Seed);
            for (int p = 0; p < parties; p++)
                foreach (var (kind, content) in new[] { (Partitioning.Horizontal, horizontal[p]), (Partitioning.Vertical, vertical[p]) })
                {
                    var path = MlTestData.PartyFile(kind, parties, p);
                    if (write)
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        File.WriteAllText(path, content);
                    }
                    Assert.True(File.Exists(path), $"{path} is missing");
                    Assert.Equal(content, File.ReadAllText(path));
                }
        }
    }

    [Fact]
    public void Splits_KeepEveryRowOnce()
    {
        var whole = CsvTableReader.Read(MlTestData.DataPath("breast_cancer.csv"), new CsvColumns("malignant"));
        var parts = MlTestData.BreastCancer(Partitioning.Horizontal, 3);
        Assert.Equal(whole.RowCount, parts.Sum(t => t.RowCount));
        Assert.Equal(whole.Labels!.Sum(), parts.Sum(t => t.Labels!.Sum()));
        var columns = MlTestData.BreastCancer(Partitioning.Vertical, 5);
        Assert.All(columns, t => Assert.Equal(whole.RowCount, t.RowCount));
        Assert.Equal(30, columns.Sum(t => t.FeatureCount));
        Assert.NotNull(columns[0].Labels);
        Assert.All(columns.Skip(1), t => Assert.Null(t.Labels));
    }
}
