using Mpc.Ml.Data;

namespace Mpc.Ml.Training;

/// <summary>
/// Which rows each step uses, known to every party from the public seed: the rows are shuffled once into
/// <see cref="RowOrder"/> and cut into consecutive batches (so each batch is a row view of the masked-once matrix),
/// and each epoch visits the batches in its own seeded order. Full batch: one batch, rows in their order.
/// </summary>
public sealed class BatchSchedule
{
    private readonly int _rows, _batchSize;
    private readonly ulong _seed;

    /// <summary>A schedule for <paramref name="rows"/> rows in batches of <paramref name="batchSize"/> (null: full batch).</summary>
    public BatchSchedule(int rows, int? batchSize, ulong seed)
    {
        if (batchSize is < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch has at least one row.");
        _rows = rows;
        _batchSize = Math.Min(batchSize ?? rows, rows);
        _seed = seed;
        IsFullBatch = _batchSize == rows;
        RowOrder = IsFullBatch ? Enumerable.Range(0, rows).ToArray() : SeededPermutation.Create(rows, seed);
    }

    /// <summary>Whether every step uses every row.</summary>
    public bool IsFullBatch { get; }

    /// <summary>The largest batch.</summary>
    public int BatchSize => _batchSize;

    /// <summary>Steps per epoch.</summary>
    public int StepsPerEpoch => (_rows + _batchSize - 1) / _batchSize;

    /// <summary>Row i of the training matrix as the schedule arranges it is original row RowOrder[i].</summary>
    public int[] RowOrder { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/> (from 0) as (first row, row count) in the arranged matrix.</summary>
    public IEnumerable<(int First, int Count)> Batches(int epoch)
    {
        var order = IsFullBatch ? [0] : SeededPermutation.Create(StepsPerEpoch, SeededPermutation.Derive(_seed, (ulong)epoch + 1));
        foreach (int b in order)
        {
            int first = b * _batchSize;
            yield return (first, Math.Min(_batchSize, _rows - first));
        }
    }
}
