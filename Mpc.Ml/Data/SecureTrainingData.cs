using Mpc.Core.Arithmetic;

namespace Mpc.Ml.Data;

/// <summary>The secret training and test sets every party holds shares of, and what is public about them.</summary>
/// <param name="Train">The training set.</param>
/// <param name="Test">The held-out test set.</param>
/// <param name="ColumnNames">The columns of the design matrices, the last one "bias".</param>
/// <param name="PublicScaling">Horizontal mode: the opened means and deviations. Vertical mode: null (each owner keeps its own).</param>
/// <param name="FeatureBound">The bound every standardised feature was checked against.</param>
public sealed record SecureTrainingData<T>(SharedDataset<T> Train, SharedDataset<T> Test, IReadOnlyList<string> ColumnNames,
    FeatureScaling? PublicScaling, double FeatureBound) where T : unmanaged, IRing<T>
{
    /// <summary>
    /// The test rows each party contributed, by party id, in matrix order (party 0's rows first): horizontal mode.
    /// Vertical mode: null (every test row belongs to every party; the label owner holds the labels).
    /// </summary>
    public IReadOnlyList<int>? TestRowsByParty { get; init; }

    /// <summary>
    /// The number of feature columns each party contributed, by party id, in column order (party 0's first): vertical
    /// mode. Horizontal mode: null (every party holds every column).
    /// </summary>
    public IReadOnlyList<int>? ColumnsByParty { get; init; }

    /// <summary>
    /// A standardised label's mean and deviation (<see cref="DataLoadOptions.StandardiseLabel"/>): public in horizontal
    /// mode, known to the label owner alone in vertical mode (null elsewhere, and for class labels).
    /// </summary>
    public FeatureScaling? LabelScaling { get; init; }

    /// <summary>The power of two bounding every standardised label in magnitude; 1 for class labels.</summary>
    public double LabelBound { get; init; } = 1;

    /// <summary>
    /// A private intersection's bins and shared test membership (<see cref="SecureDataLoader{T}.LoadPrivateAsync"/>);
    /// null otherwise.
    /// </summary>
    public PrivateRows<T>? Private { get; init; }

    /// <summary>Vertical mode: the standardisation this party applied to its own columns. Horizontal mode: null.</summary>
    public FeatureScaling? OwnScaling { get; init; }

    /// <summary>
    /// The standardisation party <paramref name="party"/> knows of every feature (bias excluded): all of it in horizontal
    /// mode, its own columns' in vertical mode (the others null).
    /// </summary>
    public (double?[] Means, double?[] StandardDeviations) KnownScaling(int party)
    {
        int d = ColumnNames.Count - 1;
        var means = new double?[d];
        var deviations = new double?[d];
        if (PublicScaling is { } pooled)
        {
            for (int j = 0; j < d; j++) (means[j], deviations[j]) = (pooled.Means[j], pooled.StandardDeviations[j]);
            return (means, deviations);
        }
        var own = OwnScaling ?? throw new InvalidOperationException("Vertical data must carry the party's own scaling.");
        int offset = ColumnsByParty!.Take(party).Sum();
        for (int j = 0; j < own.Means.Length; j++) (means[offset + j], deviations[offset + j]) = (own.Means[j], own.StandardDeviations[j]);
        return (means, deviations);
    }
}
