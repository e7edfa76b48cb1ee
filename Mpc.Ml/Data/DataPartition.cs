namespace Mpc.Ml.Data;

/// <summary>The partitioning of a training table, and in vertical mode which party holds the label.</summary>
/// <param name="Kind">Horizontal or vertical.</param>
/// <param name="LabelOwner">Vertical mode: the party whose table has the label column. Ignored in horizontal mode.</param>
public sealed record DataPartition(Partitioning Kind, int LabelOwner = 0)
{
    /// <summary>Rows spread over the parties, each with every column and the label.</summary>
    public static DataPartition ByRows { get; } = new(Partitioning.Horizontal);

    /// <summary>Columns spread over the parties, rows aligned by id, the label at <paramref name="labelOwner"/>.</summary>
    public static DataPartition ByColumns(int labelOwner) => new(Partitioning.Vertical, labelOwner);
}
