namespace Mpc.Ml.Data;

/// <summary>How parties turn their tables into training and test matrices.</summary>
/// <param name="TestFraction">The share of rows held out for testing.</param>
/// <param name="SplitSeed">The public seed of the train/test split (every party uses the same).</param>
/// <param name="FeatureBound">
/// The largest magnitude a standardised feature may have (in standard deviations). The fixed-point range analysis
/// relies on it; a value beyond it stops every party with an error naming the party holding it.
/// </param>
public sealed record DataLoadOptions(double TestFraction = 0.2, ulong SplitSeed = 1, double FeatureBound = 16);
