using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>
/// The test metrics the parties compute from sums alone equal the plaintext metrics of the same model on the pooled
/// test set.
/// </summary>
public sealed class PooledEvaluationTests
{
    [Theory]
    [InlineData(Partitioning.Horizontal)]
    [InlineData(Partitioning.Vertical)]
    public void Metrics_FromOpenedSums_EqualThePlaintextMetricsOfTheModel(Partitioning kind)
    {
        var tables = MlTestData.BreastCancer(kind, 3);
        var partition = kind == Partitioning.Horizontal ? DataPartition.ByRows : DataPartition.ByColumns(0);
        var load = new DataLoadOptions();
        var results = LocalParties.Run(3, async s =>
        {
            var fx = new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), new FixedPointFormat(16));
            var data = await new SecureDataLoader<Z2k>(fx).LoadAsync(tables[s.PartyId], partition, load);
            var trained = await new LogisticRegressionTrainer<Z2k>(fx).TrainAsync(data.Train, data.FeatureBound,
                new LogisticRegressionOptions { Epochs = 10 }, ModelOutput.RevealToAll);
            var metrics = await PooledEvaluation.EvaluateAsync(fx, data, trained.SharedWeights, tables[s.PartyId], partition, load);
            return (trained.Weights!, metrics);
        });
        var (_, test) = PooledData.Combine(tables, partition, load);
        var weights = results[0].Item1;
        var expected = ClassificationMetrics.Of(Enumerable.Range(0, test.Rows)
            .Select(i => 1 / (1 + Math.Exp(-PlaintextLogisticRegression.Dot(test.Row(i), weights)))).ToArray(), test.Labels);
        foreach (var (_, metrics) in results)
        {
            Assert.Equal(expected.Accuracy, metrics.Accuracy, 1e-12);
            Assert.Equal(expected.LogLoss, metrics.LogLoss, 1e-3); // scores in fixed point
            Assert.Equal(expected.Auc, metrics.Auc, 2e-3);         // ties within a histogram bin count half
        }
    }
}
