namespace Mpc.Ml.Data;

/// <summary>How parties turn their tables into training and test matrices.</summary>
/// <param name="TestFraction">The share of rows held out for testing.</param>
/// <param name="SplitSeed">The public seed of the train/test split (every party uses the same).</param>
/// <param name="FeatureBound">
/// The largest magnitude a standardised feature may have (in standard deviations). The fixed-point range analysis
/// relies on it; a value beyond it stops every party with an error naming the party holding it. Null: the smallest
/// power of two that holds every party's values, found securely (only that power of two is revealed).
/// </param>
public sealed record DataLoadOptions(double TestFraction = 0.2, ulong SplitSeed = 1, double? FeatureBound = 16)
{
    /// <summary>
    /// Multiclass: the class labels, in output order; each label becomes a one-hot row of this many 0/1 columns before
    /// input. Null: one 0/1 label column.
    /// </summary>
    public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>
    /// A continuous label (a regression target) standardised like a feature: horizontal data by its pooled mean and
    /// deviation over the training rows (opened, as the features' are), vertical data by its owner alone. Its bound is
    /// found as <see cref="FeatureBound"/> null finds the features'.
    /// </summary>
    public bool StandardiseLabel { get; init; }

    /// <summary>The label columns each row has: the classes, or 1.</summary>
    public int LabelColumns => Classes?.Count ?? 1;
}
