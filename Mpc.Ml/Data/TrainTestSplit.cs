
namespace Mpc.Ml.Data;

/// <summary>
/// A deterministic split of row positions into training and test rows: a seeded Fisher-Yates shuffle
/// (AES-CTR PRG), so every party that knows the seed and the row count computes the same split.
/// </summary>
/// <param name="Train">Training positions, ascending.</param>
/// <param name="Test">Test positions, ascending.</param>
public sealed record TrainTestSplit(int[] Train, int[] Test)
{
    /// <summary>Splits positions 0..<paramref name="rowCount"/>-1, round(rowCount * testFraction) of them into the test set.</summary>
    public static TrainTestSplit Create(int rowCount, double testFraction, ulong seed)
    {
        if (testFraction is < 0 or >= 1 || double.IsNaN(testFraction))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction lies in [0, 1).");
        int testCount = (int)Math.Round(rowCount * testFraction, MidpointRounding.AwayFromZero);
        var order = SeededPermutation.Create(rowCount, seed);
        var test = order[..testCount];
        var train = order[testCount..];
        Array.Sort(test);
        Array.Sort(train);
        return new TrainTestSplit(train, test);
    }

    /// <summary>The number of test rows a split of <paramref name="rowCount"/> rows has.</summary>
    public static int TestCount(int rowCount, double testFraction) =>
        (int)Math.Round(rowCount * testFraction, MidpointRounding.AwayFromZero);
}
