using Mpc.Core.FixedPoint;
using Mpc.Ml.Sigmoid;
using Mpc.Ml.Training;

namespace Mpc.Tests.Ml;

public sealed class RangeAnalysisTests
{
    private static readonly FixedPointFormat Format = new(16);

    private static TrainingRanges Check(LogisticRegressionOptions options, int rows = 455, int columns = 31, int truncationBits = 63) =>
        FixedPointRangeAnalysis.Check(rows, columns, 16, options, Format, truncationBits, truncationErrorBound: 1);

    [Fact]
    public void TheBreastCancerSettings_FitBothSuites()
    {
        var full = Check(new LogisticRegressionOptions { Epochs = 100, LearningRate = 1 });
        Assert.InRange(full.LargestBits, 0, 62);
        var minibatch = Check(new LogisticRegressionOptions { Epochs = 20, LearningRate = 0.01, BatchSize = 2 });
        Assert.InRange(minibatch.LargestBits, 0, 62);
        Assert.InRange(Check(new LogisticRegressionOptions { Epochs = 100, LearningRate = 1 }, truncationBits: 81).StepBits, 1, 30);
    }

    [Fact]
    public void LeastSquares_WeightsBoundedByTheObjectiveWithL2()
    {
        // The features' |w|_2 <= 1 / sqrt(L2) whatever the epochs, plus each step's truncation error; without L2 the
        // bound grows with the steps, eta R each. The bias moves by eta per mini-batch step, not at all with full batches.
        // A residual is at most a score plus the label bound.
        var options = new LogisticRegressionOptions { Epochs = 1000, LearningRate = 0.02, LeastSquares = true };
        double steps = 10.0 * 977, rounding = steps * 2 * Math.ScaleB(1, -13);
        var ridge = FixedPointRangeAnalysis.Check(1_000_000, 51, 16, options with { Epochs = 10, L2 = 0.01, BatchSize = 1024 },
            new(13), 63, 1, labelBound: 8);
        Assert.Equal(steps * 0.02 + rounding, ridge.WeightBound, 6); // the bias's walk
        Assert.Equal((10 + rounding) * 50 * 16 + steps * 0.02 + rounding + 2 * Math.ScaleB(1, -13), ridge.ScoreBound, 3);
        Assert.Equal(ridge.ScoreBound + 8, ridge.ResidualBound, 6);
        var full = FixedPointRangeAnalysis.Check(455, 11, 16, options with { Epochs = 100, LearningRate = 0.1, L2 = 0.01 }, Format, 63, 1);
        Assert.Equal(10 + 100 * 2 * Math.ScaleB(1, -16), full.WeightBound, 6); // 1 / sqrt(L2); the bias stays put
        var plain = FixedPointRangeAnalysis.Check(455, 11, 16, options with { Epochs = 100, LearningRate = 0.1 }, Format, 63, 1);
        Assert.Equal(100 * 0.1 * 1.001 + 100 * 2 * Math.ScaleB(1, -16), plain.WeightBound, 6);
        var e = Assert.Throws<FixedPointRangeException>(() => FixedPointRangeAnalysis.Check(1_000_000, 51, 16,
            options with { Epochs = 100_000, BatchSize = 1024 }, new(13), 63, 1));
        Assert.Equal("learning rate", e.Parameter);
    }

    [Fact]
    public void HugeLearningRate_IsRefused_NamingItAndASafeValue()
    {
        var e = Assert.Throws<FixedPointRangeException>(() => Check(new LogisticRegressionOptions { Epochs = 100, LearningRate = 50_000 }));
        Assert.Equal("learning rate", e.Parameter);
        Assert.Contains("learning rate of at most", e.Message);
        Assert.Contains("truncation range 2^62", e.Message);
    }

    [Fact]
    public void TooManyEpochs_AreRefusedUnlessL2BoundsTheWeights()
    {
        var options = new LogisticRegressionOptions { Epochs = 20_000_000, LearningRate = 1 };
        Assert.Throws<FixedPointRangeException>(() => Check(options));
        Check(options with { L2 = 0.01 }); // weight decay bounds the weights whatever the epochs
    }

    [Fact]
    public void ATinyStepFactor_IsRefused()
    {
        var e = Assert.Throws<FixedPointRangeException>(() => Check(new LogisticRegressionOptions { Epochs = 1, LearningRate = 1e-9 }));
        Assert.Equal("learning rate", e.Parameter);
        Assert.Contains("0.1%", e.Message);
    }

    [Fact]
    public void TheUnclippedPolynomial_IsRefusedForALongRun()
    {
        var e = Assert.Throws<FixedPointRangeException>(
            () => Check(new LogisticRegressionOptions { Epochs = 100, LearningRate = 1, Sigmoid = new PolynomialSigmoid(7) }));
        Assert.Equal("sigmoid", e.Parameter);
    }

    [Fact]
    public void LearningRateTimesL2_MustStayBelowOne()
    {
        var e = Assert.Throws<FixedPointRangeException>(() => Check(new LogisticRegressionOptions { LearningRate = 2, L2 = 0.6 }));
        Assert.Equal("learning rate", e.Parameter);
    }
}
