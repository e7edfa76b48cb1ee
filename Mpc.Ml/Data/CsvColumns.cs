namespace Mpc.Ml.Data;

/// <summary>Which columns of a CSV file mean what.</summary>
/// <param name="Label">The label column (0/1 unless <paramref name="ContinuousLabel"/>); null when this party holds no
/// label.</param>
/// <param name="Id">The id column (vertical partitioning); null when rows carry no id.</param>
/// <param name="Features">The feature columns to use, in this order; null means every other column, in file order.</param>
/// <param name="ContinuousLabel">The label is any finite number (a regression target), not a class 0 or 1.</param>
/// <param name="ClassLabel">The label is a class: a whole number from 0 to <see cref="MaxClass"/> (multiclass models).</param>
public sealed record CsvColumns(string? Label, string? Id = null, IReadOnlyList<string>? Features = null, bool ContinuousLabel = false,
    bool ClassLabel = false)
{
    /// <summary>The largest class label a multiclass model takes.</summary>
    public const int MaxClass = 255;
}
