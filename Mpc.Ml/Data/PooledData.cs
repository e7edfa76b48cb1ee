namespace Mpc.Ml.Data;

/// <summary>
/// The plaintext counterpart of <see cref="SecureDataLoader{T}"/> for references and tests: all parties' tables
/// pooled into the same training and test matrices, rows and columns in the same order, standardised the same way
/// (in double precision).
/// </summary>
public static class PooledData
{
    /// <summary>The pooled training and test sets of <paramref name="tables"/> (indexed by party).</summary>
    public static (PlainDataset Train, PlainDataset Test) Combine(IReadOnlyList<PartyTable> tables, DataPartition partition,
        DataLoadOptions options)
    {
        if (partition.Kind == Partitioning.Vertical) tables = IdAlignment.InPlaintext(tables); // the ids every party holds
        var rows = tables.Select((t, p) => AlignedRows.Create(t, partition, p, options.TestFraction, options.SplitSeed)).ToArray();
        if (partition.Kind == Partitioning.Horizontal)
        {
            var scaling = HorizontalScaling(tables, rows);
            return (ByRows(tables, rows.Select(r => r.Train).ToArray(), scaling, options.Classes),
                ByRows(tables, rows.Select(r => r.Test).ToArray(), scaling, options.Classes));
        }
        var scalings = tables.Select((t, p) => FeatureScaling.Of(t, rows[p].Train)).ToArray();
        var labels = tables[partition.LabelOwner];
        return (ByColumns(tables, rows.Select(r => r.Train).ToArray(), scalings, labels, options.Classes),
                ByColumns(tables, rows.Select(r => r.Test).ToArray(), scalings, labels, options.Classes));
    }

    /// <summary>
    /// Horizontal mode: the pooled means and deviations over every party's training rows, as the secure loader opens
    /// them.
    /// </summary>
    public static FeatureScaling HorizontalScaling(IReadOnlyList<PartyTable> tables, DataLoadOptions options) =>
        HorizontalScaling(tables,
            tables.Select((t, p) => AlignedRows.Create(t, DataPartition.ByRows, p, options.TestFraction, options.SplitSeed)).ToArray());

    private static FeatureScaling HorizontalScaling(IReadOnlyList<PartyTable> tables, AlignedRows[] rows)
    {
        int d = tables[0].FeatureCount, total = rows.Sum(r => r.Train.Length);
        var means = new double[d];
        for (int p = 0; p < tables.Count; p++)
            foreach (int r in rows[p].Train)
                for (int j = 0; j < d; j++) means[j] += tables[p][r, j];
        for (int j = 0; j < d; j++) means[j] /= total;
        var squares = new double[d];
        for (int p = 0; p < tables.Count; p++)
        {
            var s = FeatureScaling.SquaredDeviations(tables[p], rows[p].Train, means);
            for (int j = 0; j < d; j++) squares[j] += s[j];
        }
        return FeatureScaling.FromMoments(means, squares, total);
    }

    private static PlainDataset ByRows(IReadOnlyList<PartyTable> tables, int[][] rows, FeatureScaling scaling,
        IReadOnlyList<int>? classes)
    {
        int d = tables[0].FeatureCount, columns = d + 1, n = rows.Sum(r => r.Length);
        var x = new double[n * columns];
        var y = new double[n];
        int offset = 0;
        for (int p = 0; p < tables.Count; p++)
        {
            var block = scaling.Apply(tables[p], rows[p]);
            for (int i = 0; i < rows[p].Length; i++)
            {
                block.AsSpan(i * d, d).CopyTo(x.AsSpan((offset + i) * columns));
                x[(offset + i) * columns + d] = 1;
                y[offset + i] = tables[p].Labels![rows[p][i]];
            }
            offset += rows[p].Length;
        }
        return new PlainDataset(x, OneHot(y, classes), n, columns);
    }

    private static PlainDataset ByColumns(IReadOnlyList<PartyTable> tables, int[][] rows, FeatureScaling[] scalings, PartyTable labelTable,
        IReadOnlyList<int>? classes)
    {
        int n = rows[0].Length, columns = tables.Sum(t => t.FeatureCount) + 1;
        var x = new double[n * columns];
        int offset = 0;
        for (int p = 0; p < tables.Count; p++)
        {
            int width = tables[p].FeatureCount;
            var block = scalings[p].Apply(tables[p], rows[p]);
            for (int i = 0; i < n; i++) block.AsSpan(i * width, width).CopyTo(x.AsSpan(i * columns + offset));
            offset += width;
        }
        for (int i = 0; i < n; i++) x[i * columns + columns - 1] = 1;
        int owner = tables.ToList().IndexOf(labelTable);
        var y = rows[owner].Select(r => labelTable.Labels![r]).ToArray();
        return new PlainDataset(x, OneHot(y, classes), n, columns);
    }

    // The labels as they are, or with classes a one-hot row each (the secure loader's layout).
    private static double[] OneHot(double[] labels, IReadOnlyList<int>? classes)
    {
        if (classes is null) return labels;
        var result = new double[labels.Length * classes.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            int c = Enumerable.Range(0, classes.Count).FirstOrDefault(j => classes[j] == labels[i], -1);
            if (c < 0) throw new ArgumentException($"The label {labels[i]} is not one of the classes.", nameof(labels));
            result[i * classes.Count + c] = 1;
        }
        return result;
    }
}
