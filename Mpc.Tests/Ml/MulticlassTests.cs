using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Tests.Protocols.Harness;
using Xunit.Abstractions;

namespace Mpc.Tests.Ml;

/// <summary>
/// Multiclass logistic regression (one-vs-rest and softmax, K weight columns trained in one run) on the digits over the
/// trust-free suite, against the same algorithm in plaintext: test accuracy within 1 point, and the pooled confusion
/// matrix the label holders count.
/// </summary>
public sealed class MulticlassTests(ITestOutputHelper output)
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    private static PartyTable[] Digits(int parties, Partitioning kind)
    {
        string csv = File.ReadAllText(MlTestData.DataPath("digits.csv"));
        if (kind == Partitioning.Horizontal)
            return [.. CsvPartitioner.Horizontal(csv, parties, 7).Select((text, p) =>
                CsvTableReader.Read(new StringReader(text), $"party-{p}.csv", new CsvColumns("digit", ClassLabel: true)))];
        return [.. CsvPartitioner.Vertical(csv, parties, "digit", 7).Select((text, p) =>
            CsvTableReader.Read(new StringReader(text), $"party-{p}.csv",
                new CsvColumns(p == 0 ? "digit" : null, Id: "id", ClassLabel: true)))];
    }

    private sealed record Run(int[] Classes, double[] Weights, MulticlassMetrics Metrics, TimeSpan Training);

    private sealed class Work(PartyTable mine, DataPartition partition, LogisticRegressionOptions options, double? bound)
        : ISuiteWork<Run>
    {
        public async Task<Run> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            var fx = new FixedPointArithmetic<T>(suite, Format);
            var classes = await ClassDiscovery.DiscoverAsync(suite, mine);
            var load = new DataLoadOptions(FeatureBound: bound) { Classes = classes };
            var data = await new SecureDataLoader<T>(fx).LoadAsync(mine, partition, load);
            var result = await new LogisticRegressionTrainer<T>(fx).TrainAsync(data.Train, data.FeatureBound, options,
                ModelOutput.RevealToAll);
            var metrics = await MulticlassEvaluation.EvaluateAsync(fx, data, result.SharedWeights, options.Multiclass, mine, partition,
                load);
            return new Run(classes, result.Weights!, metrics, result.TrainingTime);
        }
    }

    [Theory]
    [InlineData(MulticlassMode.OneVsRest, 3, Partitioning.Horizontal)]
    [InlineData(MulticlassMode.Softmax, 3, Partitioning.Horizontal)]
    [InlineData(MulticlassMode.Softmax, 3, Partitioning.Vertical)]
    public void Digits_match_plaintext_twin(MulticlassMode mode, int parties, Partitioning kind)
    {
        var tables = Digits(parties, kind);
        var partition = kind == Partitioning.Horizontal ? DataPartition.ByRows : DataPartition.ByColumns(0);
        var options = new LogisticRegressionOptions { Epochs = 100, Multiclass = mode };
        double? bound = null; // the fitted bound: digits need 128
        var runs = LocalParties.Run(parties, s => TrustFreeSuite.RunAsync(s, new Work(tables[s.PartyId], partition, options, bound)));

        var classes = Enumerable.Range(0, 10).ToArray();
        Assert.All(runs, r => Assert.Equal(classes, r.Classes));
        Assert.All(runs, r => Assert.Equal(runs[0].Weights, r.Weights));
        Assert.All(runs, r => Assert.Equal(runs[0].Metrics.Confusion, r.Metrics.Confusion));

        var load = new DataLoadOptions(FeatureBound: bound) { Classes = classes };
        var (train, test) = PooledData.Combine(tables, partition, load);
        var (weights, _) = PlaintextLogisticRegression.Train(train, options);
        var scores = Enumerable.Range(0, test.Rows).SelectMany(i => PlaintextLogisticRegression.Scores(test, i, weights)).ToArray();
        int[] truth = [.. Enumerable.Range(0, test.Rows).Select(i => Array.IndexOf(test.Labels, 1.0, i * 10, 10) - i * 10)];
        var plain = MulticlassMetrics.Of(classes, MulticlassEvaluation.Probabilities(scores, 10, mode), truth);
        var secure = runs[0].Metrics;
        double weightDiff = runs[0].Weights.Zip(weights, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{mode}, {parties} parties, {kind}: training {runs[0].Training.TotalSeconds:F2} s; accuracy secure " +
            $"{secure.Accuracy:F4} plaintext {plain.Accuracy:F4}; log-loss {secure.LogLoss:F4} / {plain.LogLoss:F4}; " +
            $"max weight diff {weightDiff:E2}");

        Assert.Equal(test.Rows, secure.Rows);
        Assert.InRange(secure.Accuracy - plain.Accuracy, -0.01, 0.01);
        Assert.InRange(secure.Accuracy, 0.9, 1.0);
        Assert.All(secure.Recall, r => Assert.InRange(r, 0.7, 1.0));
    }
}
