using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;
using Xunit.Abstractions;

namespace Mpc.Tests.Ml;

/// <summary>
/// The training acceptance: secure training over the in-memory network against the plaintext trainer of the same
/// algorithm (same sigmoid approximation, same batches): test accuracy within 1 point and weights within 1e-2.
/// </summary>
public sealed class LogisticRegressionAcceptanceTests(ITestOutputHelper output)
{
    private static readonly FixedPointFormat Format = new(16);
    private static readonly DataLoadOptions Load = new();

    private sealed record SecureRun(double[] Weights, double[] TestProbabilities, double[] TestLabels, TimeSpan TrainingTime,
        string Sigmoid, long MatrixMasks);

    private static SecureRun[] Train(string suiteName, PartyTable[] tables, DataPartition partition, LogisticRegressionOptions options) =>
        suiteName == "shamir"
            ? LocalParties.Run(tables.Length,
                s => Party<Mersenne127>(new ShamirSuite<Mersenne127>(s), null, tables[s.PartyId], partition, options))
            : LocalParties.Run(tables.Length, s =>
            {
                var dealer = new DealerPreprocessing(s);
                return Party<Z2k>(new AdditiveSuite(s, dealer), dealer, tables[s.PartyId], partition, options);
            });

    private static async Task<SecureRun> Party<T>(IArithmeticSuite<T> suite, DealerPreprocessing? dealer, PartyTable mine,
        DataPartition partition, LogisticRegressionOptions options)
        where T : unmanaged, IRing<T>
    {
        var fx = new FixedPointArithmetic<T>(suite, Format);
        var data = await new SecureDataLoader<T>(fx).LoadAsync(mine, partition, Load);
        var result = await new LogisticRegressionTrainer<T>(fx).TrainAsync(data.Train, data.FeatureBound, options, ModelOutput.RevealToAll);
        var probabilities = await new SecurePredictor<T>(fx)
            .ProbabilitiesAsync(data.Test, result.SharedWeights, options.Sigmoid, result.Ranges.ScoreBound);
        return new SecureRun(result.Weights!, await fx.OpenAsync(probabilities), await fx.OpenAsync(data.Test.Labels), result.TrainingTime,
            result.SigmoidName, dealer?.Usage.MatrixMasks ?? 0);
    }

    private (double Secure, double Plain, double WeightDiff) Compare(string suite, PartyTable[] tables, DataPartition partition,
        LogisticRegressionOptions options, string what)
    {
        var runs = Train(suite, tables, partition, options);
        var (train, test) = PooledData.Combine(tables, partition, Load);
        var (plainWeights, _) = PlaintextLogisticRegression.Train(train, options);
        var plainProbabilities = Enumerable.Range(0, test.Rows)
            .Select(i => options.Sigmoid.Evaluate(PlaintextLogisticRegression.Dot(test.Row(i), plainWeights)))
            .ToArray();
        var converged = NewtonLogisticRegression.Train(train, options.L2);
        var convergedProbabilities = Enumerable.Range(0, test.Rows)
            .Select(i => 1 / (1 + Math.Exp(-PlaintextLogisticRegression.Dot(test.Row(i), converged))))
            .ToArray();

        var run = runs[0];
        Assert.All(runs, r => Assert.Equal(run.Weights, r.Weights)); // every party learns the same model
        Assert.Equal(test.Labels, run.TestLabels); // the secure test set is the pooled one, row for row
        var secure = ClassificationMetrics.Of(run.TestProbabilities, run.TestLabels);
        var plain = ClassificationMetrics.Of(plainProbabilities, test.Labels);
        var best = ClassificationMetrics.Of(convergedProbabilities, test.Labels);
        double weightDiff = run.Weights.Zip(plainWeights, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{what}, {suite}, {tables.Length} parties, {run.Sigmoid}: training {run.TrainingTime.TotalSeconds:F3} s; " +
            $"accuracy secure {secure.Accuracy:F4} plaintext {plain.Accuracy:F4} converged {best.Accuracy:F4}; " +
            $"AUC {secure.Auc:F4}, log-loss {secure.LogLoss:F4}; max weight diff {weightDiff:E2}");
        Assert.InRange(secure.Accuracy - plain.Accuracy, -0.01, 0.01);
        Assert.True(weightDiff <= 1e-2, $"max weight difference {weightDiff}");
        if (suite == "additive") Assert.All(runs, r => Assert.Equal(1, r.MatrixMasks)); // X masked once for every epoch
        return (secure.Accuracy, plain.Accuracy, weightDiff);
    }

    public static TheoryData<string, Partitioning> SuitesAndPartitions => new()
    {
        { "additive", Partitioning.Horizontal }, { "additive", Partitioning.Vertical },
        { "shamir", Partitioning.Horizontal }, { "shamir", Partitioning.Vertical },
    };

    [Theory]
    [MemberData(nameof(SuitesAndPartitions))]
    public void BreastCancer_ThreeParties_100FullBatchEpochs_MatchPlaintext(string suite, Partitioning kind)
    {
        var partition = kind == Partitioning.Horizontal ? DataPartition.ByRows : DataPartition.ByColumns(0);
        var (secure, _, _) = Compare(suite, MlTestData.BreastCancer(kind, 3), partition,
            new LogisticRegressionOptions { Epochs = 100, LearningRate = 1 }, $"breast cancer {kind}, 100 full-batch epochs");
        // The vertical split holds out other rows, on which plaintext and converged models reach 0.956-0.965 too.
        Assert.True(secure >= (kind == Partitioning.Horizontal ? 0.97 : 0.95), $"test accuracy {secure}");
    }

    [Fact]
    public void BreastCancer_ThreeParties_MiniBatchesOfTwo_MatchPlaintext()
    {
        var (secure, _, _) = Compare("additive", MlTestData.BreastCancer(Partitioning.Horizontal, 3), DataPartition.ByRows,
            new LogisticRegressionOptions { Epochs = 20, LearningRate = 0.01, BatchSize = 2 },
            "breast cancer horizontal, 20 epochs of mini-batches of 2");
        Assert.True(secure >= 0.97, $"test accuracy {secure}");
    }

    [Fact]
    public void BreastCancer_WithL2_MatchesPlaintext_InBothSuites()
    {
        var options = new LogisticRegressionOptions { Epochs = 30, LearningRate = 1, L2 = 0.01 };
        Compare("additive", MlTestData.BreastCancer(Partitioning.Horizontal, 3), DataPartition.ByRows, options, "breast cancer with L2");
        Compare("shamir", MlTestData.BreastCancer(Partitioning.Vertical, 3), DataPartition.ByColumns(0), options, "breast cancer with L2");
    }

    [Theory]
    [InlineData("additive", 2)]
    [InlineData("additive", 5)]
    [InlineData("shamir", 5)]
    public void Synthetic10000x20_MatchesPlaintext(string suite, int parties) =>
        Compare(suite, MlTestData.Synthetic(10_000, 20, parties, seed: 11), DataPartition.ByRows,
            new LogisticRegressionOptions { Epochs = 3, LearningRate = 1 }, "synthetic 10000 x 20, 3 epochs");

    [Fact]
    public void FeatureBoundTooSmall_ErrorNamesTheBoundThatFits()
    {
        var tables = MlTestData.BreastCancer(Partitioning.Horizontal, 3);
        var errors = LocalParties.Run(3, async s =>
        {
            var fx = new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), Format);
            try
            {
                await new SecureDataLoader<Z2k>(fx).LoadAsync(tables[s.PartyId], DataPartition.ByRows, Load with { FeatureBound = 2 });
                return "";
            }
            catch (DataException ex)
            {
                return ex.Message;
            }
        });
        var match = System.Text.RegularExpressions.Regex.Match(errors[0], @"pass --feature-bound (\d+) ");
        Assert.True(match.Success, errors[0]);
        Assert.All(errors, e => Assert.Contains(match.Value, e));
        double suggested = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(suggested > 2);
        var loaded = LocalParties.Run(3, async s =>
        {
            var fx = new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), Format);
            var data = await new SecureDataLoader<Z2k>(fx).LoadAsync(tables[s.PartyId], DataPartition.ByRows,
                Load with { FeatureBound = suggested });
            return data.FeatureBound;
        });
        Assert.All(loaded, b => Assert.Equal(suggested, b));
    }

    [Fact]
    public void OutputToOneParty_OrShared_RevealsNothingToOthers()
    {
        var tables = MlTestData.BreastCancer(Partitioning.Horizontal, 3);
        var results = LocalParties.Run(3, async s =>
        {
            var fx = new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), Format);
            var data = await new SecureDataLoader<Z2k>(fx).LoadAsync(tables[s.PartyId], DataPartition.ByRows, Load);
            var trainer = new LogisticRegressionTrainer<Z2k>(fx);
            var options = new LogisticRegressionOptions { Epochs = 2, LossEvery = 1 };
            var toOne = await trainer.TrainAsync(data.Train, data.FeatureBound, options, ModelOutput.RevealTo(1));
            var shared = await trainer.TrainAsync(data.Train, data.FeatureBound, options, ModelOutput.KeepShared);
            return (toOne.Weights, shared.Weights, toOne.Losses);
        });
        Assert.Null(results[0].Item1);
        Assert.NotNull(results[1].Item1);
        Assert.Null(results[2].Item1);
        Assert.All(results, r => Assert.Null(r.Item2));
        Assert.Equal(2, results[0].Losses.Count); // the loss, one opened number per epoch
        Assert.True(results[0].Losses[1].Loss < results[0].Losses[0].Loss);
    }
}
