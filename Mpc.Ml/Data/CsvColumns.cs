namespace Mpc.Ml.Data;

/// <summary>Which columns of a CSV file mean what.</summary>
/// <param name="Label">The 0/1 label column; null when this party holds no label.</param>
/// <param name="Id">The id column (vertical partitioning); null when rows carry no id.</param>
/// <param name="Features">The feature columns to use, in this order; null means every other column, in file order.</param>
public sealed record CsvColumns(string? Label, string? Id = null, IReadOnlyList<string>? Features = null);
