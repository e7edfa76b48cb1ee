namespace Mpc.Ml.Data;

/// <summary>
/// The rows of one party's table that go into the training and test matrices, in the order those matrices use.
/// Horizontal: the party splits its own rows (seed derived from the common seed and its id). Vertical: rows are
/// aligned by sorting the ids, and every party applies the same split to the sorted positions.
/// </summary>
/// <param name="Train">Table row indices of the training rows, in matrix order.</param>
/// <param name="Test">Table row indices of the test rows, in matrix order.</param>
public sealed record AlignedRows(int[] Train, int[] Test)
{
    /// <summary>The rows party <paramref name="party"/> contributes.</summary>
    public static AlignedRows Create(PartyTable table, DataPartition partition, int party, double testFraction, ulong seed)
    {
        if (partition.Kind == Partitioning.Horizontal)
        {
            var own = TrainTestSplit.Create(table.RowCount, testFraction, SeededPermutation.Derive(seed, (ulong)party + 1));
            return new AlignedRows(own.Train, own.Test);
        }
        if (table.Ids is null) throw new DataException("vertical partitioning needs an id column.", party, table.Source);
        var byId = Enumerable.Range(0, table.RowCount).OrderBy(i => table.Ids[i], StringComparer.Ordinal).ToArray();
        var split = TrainTestSplit.Create(table.RowCount, testFraction, seed);
        return new AlignedRows(split.Train.Select(k => byId[k]).ToArray(), split.Test.Select(k => byId[k]).ToArray());
    }
}
