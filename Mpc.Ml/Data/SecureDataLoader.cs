using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Internal;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Data;

/// <summary>
/// Turns each party's table into shared training and test matrices: checks the tables fit together
/// (<see cref="DataConsistency"/>), splits and aligns rows (<see cref="AlignedRows"/>), standardises, checks every
/// standardised value against the feature bound, and inputs.
/// </summary>
/// <remarks>
/// <para>Standardisation, horizontal: each party inputs its per-feature sums over its training rows; the totals are
/// opened, giving the means, then the sums of squared deviations likewise, giving the deviations. So the per-feature
/// means and standard deviations of the pooled training data are revealed (aggregate statistics only, and they let
/// every party standardise its own rows in plaintext before input: no secure division or square root, and no
/// secure multiplication at all). Vertical: every feature lives at one party, which standardises it locally;
/// nothing is revealed.</para>
/// <para>Rounds: the consistency exchange, two openings of sums (horizontal), one of bound flags, and the inputs
/// (none for additive, one for Shamir, all started together).</para>
/// </remarks>
public sealed partial class SecureDataLoader<T>(FixedPointArithmetic<T> fixedPoint) where T : unmanaged, IRing<T>
{
    private IArithmeticSuite<T> Suite => fixedPoint.Suite;

    /// <summary>Loads my table as my part of the joint data set.</summary>
    public async ValueTask<SecureTrainingData<T>> LoadAsync(PartyTable mine, DataPartition partition, DataLoadOptions options,
        CancellationToken ct = default)
    {
        int me = Suite.Session.PartyId, parties = Suite.Session.PartyCount;
        var rowCounts = await DataConsistency.VerifyAsync(Suite, mine, partition, ct).ConfigureAwait(false);
        var rows = AlignedRows.Create(mine, partition, me, options.TestFraction, options.SplitSeed);
        bool horizontal = partition.Kind == Partitioning.Horizontal;

        var scaling = horizontal
            ? await PooledScalingAsync(mine, rows.Train, rowCounts, options.TestFraction, ct).ConfigureAwait(false)
            : FeatureScaling.Of(mine, rows.Train);
        var train = scaling.Apply(mine, rows.Train);
        var test = scaling.Apply(mine, rows.Test);
        var labelScaling = options.StandardiseLabel
            ? await LabelScalingAsync(mine, rows.Train, rowCounts, options.TestFraction, horizontal, ct).ConfigureAwait(false)
            : null;
        var trainLabels = Labels(mine, rows.Train, options, labelScaling, me);
        var testLabels = Labels(mine, rows.Test, options, labelScaling, me);
        var largest = new List<double>();
        if (options.FeatureBound is null) largest.Add(Largest(train, test));
        if (options.StandardiseLabel) largest.Add(Largest(trainLabels ?? [], testLabels ?? []));
        double[] fitted = largest.Count == 0 ? [] : await FittingBoundsAsync([.. largest], ct).ConfigureAwait(false);
        double bound = options.FeatureBound is { } given
            ? await CheckBoundAsync(mine, rows, train, test, given, ct).ConfigureAwait(false)
            : fitted[0];
        double labelBound = options.StandardiseLabel ? fitted[^1] : 1;

        if (horizontal)
        {
            var trainCounts = rowCounts.Select(n => n - TrainTestSplit.TestCount(n, options.TestFraction)).ToArray();
            var testCounts = rowCounts.Select(n => TrainTestSplit.TestCount(n, options.TestFraction)).ToArray();
            var trainSet = await InputByRowsAsync(train, trainLabels, trainCounts, mine.FeatureCount, options.LabelColumns, ct)
                .ConfigureAwait(false);
            var testSet = await InputByRowsAsync(test, testLabels, testCounts, mine.FeatureCount, options.LabelColumns, ct)
                .ConfigureAwait(false);
            return new SecureTrainingData<T>(trainSet, testSet, mine.FeatureNames.Append("bias").ToArray(), scaling, bound)
            {
                TestRowsByParty = testCounts,
                LabelScaling = labelScaling,
                LabelBound = labelBound,
            };
        }

        var names = await PublicValues.ExchangeLinesAsync(Suite, mine.FeatureNames, ct).ConfigureAwait(false);
        var widths = names.Select(n => n.Length).ToArray();
        var trainByColumns = await InputByColumnsAsync(train, trainLabels, rows.Train.Length, widths, partition.LabelOwner,
            options.LabelColumns, ct).ConfigureAwait(false);
        var testByColumns = await InputByColumnsAsync(test, testLabels, rows.Test.Length, widths, partition.LabelOwner,
            options.LabelColumns, ct).ConfigureAwait(false);
        var columnNames = names.SelectMany(n => n).Append("bias").ToArray();
        return new SecureTrainingData<T>(trainByColumns, testByColumns, columnNames, null, bound)
        {
            ColumnsByParty = widths,
            OwnScaling = scaling,
            LabelScaling = labelScaling,
            LabelBound = labelBound,
        };
    }

    // One label per row (standardised with a label scaling), or with classes a one-hot row of them; a label outside the
    // classes names its row.
    private static double[]? Labels(PartyTable table, int[] rows, DataLoadOptions options, FeatureScaling? scaling, int me)
    {
        if (table.Labels is null) return null;
        if (scaling is not null)
            return [.. rows.Select(r => (table.Labels[r] - scaling.Means[0]) / scaling.StandardDeviations[0])];
        if (options.Classes is not { } classes) return [.. rows.Select(r => table.Labels[r])];
        int k = classes.Count;
        var oneHot = new double[rows.Length * k];
        for (int i = 0; i < rows.Length; i++)
        {
            double label = table.Labels[rows[i]];
            int c = -1;
            for (int j = 0; j < k && c < 0; j++) if (classes[j] == label) c = j;
            if (c < 0)
                throw new DataException(FormattableString.Invariant(
                    $"the label {label} is not one of the classes {string.Join(",", classes)} (--classes)."),
                    me, table.Source, table.LineNumbers[rows[i]], table.LabelName);
            oneHot[i * k + c] = 1;
        }
        return oneHot;
    }

    // The label as a one-column table: pooled (horizontal) or its owner's own (vertical; null elsewhere).
    private async ValueTask<FeatureScaling?> LabelScalingAsync(PartyTable mine, int[] trainRows, int[] rowCounts, double testFraction,
        bool horizontal, CancellationToken ct)
    {
        var labels = mine.Labels is null
            ? null
            : new PartyTable(mine.Source, [mine.LabelName ?? "label"], mine.Labels, null, null, null, mine.LineNumbers);
        if (horizontal)
            return await PooledScalingAsync(labels ?? throw new ArgumentException("Horizontal data needs the label at every party."),
                trainRows, rowCounts, testFraction, ct).ConfigureAwait(false);
        return labels is null ? null : FeatureScaling.Of(labels, trainRows);
    }

    private async ValueTask<FeatureScaling> PooledScalingAsync(PartyTable mine, int[] trainRows, int[] rowCounts, double testFraction,
        CancellationToken ct)
    {
        int total = rowCounts.Sum(n => n - TrainTestSplit.TestCount(n, testFraction));
        var sums = new double[mine.FeatureCount];
        foreach (int r in trainRows)
            for (int j = 0; j < sums.Length; j++) sums[j] += mine[r, j];
        var means = (await OpenTotalsAsync(mine, sums, "sum", ct).ConfigureAwait(false)).Select(s => s / total).ToArray();
        var deviations = await OpenTotalsAsync(
            mine, FeatureScaling.SquaredDeviations(mine, trainRows, means), "sum of squared deviations", ct).ConfigureAwait(false);
        return FeatureScaling.FromMoments(means, deviations, total);
    }

    // Each party inputs its per-feature values; the totals over all parties are opened, exactly (see PooledTotals).
    private ValueTask<double[]> OpenTotalsAsync(PartyTable mine, double[] values, string what, CancellationToken ct) =>
        PooledTotals.OpenAsync(fixedPoint, values, (column, limit) => new DataException(
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the feature's {what} over this party's rows is beyond the {PooledTotals.Describe(limit)} in magnitude that " +
                $"{fixedPoint.Format} can add up over {Suite.Session.PartyCount} parties without overflow; rescale the column."),
            Suite.Session.PartyId, mine.Source, column: mine.FeatureNames[column]), ct);

    private static double Largest(double[] train, double[] test)
    {
        double largest = 1;
        foreach (double v in train) largest = Math.Max(largest, Math.Abs(v));
        foreach (double v in test) largest = Math.Max(largest, Math.Abs(v));
        return largest;
    }

    /// <summary>
    /// For each of this party's largest magnitudes, the smallest power of two (at least 1) that holds every party's:
    /// each party inputs the exponents its own values need, and only the largest are opened (a tournament of
    /// ceil(log2 N) comparisons).
    /// </summary>
    private async ValueTask<double[]> FittingBoundsAsync(double[] largest, CancellationToken ct)
    {
        var exponents = largest.Select(v => T.FromInt64((long)Math.Ceiling(Math.Log2(Math.Max(v, 1))))).ToArray();
        int parties = Suite.Session.PartyCount, me = Suite.Session.PartyId;
        var inputs = new SharedVector<T>[parties];
        var pending = new ValueTask<SharedVector<T>>[parties];
        for (int p = 0; p < parties; p++)
            pending[p] = Suite.InputAsync(p, p == me ? exponents : ReadOnlyMemory<T>.Empty, exponents.Length, ct);
        for (int p = 0; p < parties; p++) inputs[p] = await pending[p].ConfigureAwait(false);
        var max = await Suite.ElementwiseMaxAsync(inputs, ct).ConfigureAwait(false);
        var opened = await Suite.OpenAsync(max, ct).ConfigureAwait(false);
        return [.. opened.Select(e => Math.ScaleB(1.0, (int)T.ToSignedInt128(e)))];
    }

    private async ValueTask<double> CheckBoundAsync(PartyTable mine, AlignedRows rows, double[] train, double[] test, double bound,
        CancellationToken ct)
    {
        int me = Suite.Session.PartyId, d = mine.FeatureCount;
        (int Row, int Column)? first = null;
        foreach (var (values, indices) in new[] { (train, rows.Train), (test, rows.Test) })
        {
            int k = Array.FindIndex(values, v => Math.Abs(v) > bound);
            if (k >= 0 && first is null) first = (mine.LineNumbers[indices[k / d]], k % d);
        }
        // A party over the bound says so with the power of two that would hold its values (revealed only then): the
        // error can name the bound to pass.
        long needed = first is null ? 0 : (long)Math.Pow(2, Math.Ceiling(Math.Log2(Largest(train, test))));
        var flags = await PublicValues.ExchangeAsync(Suite, [needed], ct).ConfigureAwait(false);
        int culprit = Array.FindIndex(flags, f => f[0] != 0);
        if (culprit < 0) return bound;
        bool mineAtFault = culprit == me;
        long suggestion = flags.Max(f => f[0]);
        throw new DataException(
            $"a standardised feature lies more than {bound} standard deviations from the mean, beyond the feature bound " +
            $"the fixed-point range analysis assumes; pass --feature-bound {suggestion} (the power of two that holds every " +
            "party's values), leave --feature-bound out to have it found, or clip the outlier.",
            culprit, mineAtFault ? mine.Source : null, mineAtFault ? first!.Value.Row : null,
            mineAtFault ? mine.FeatureNames[first!.Value.Column] : null);
    }

    // Horizontal: party p's rows follow party p-1's; the bias column is the constant 1.
    private async ValueTask<SharedDataset<T>> InputByRowsAsync(double[] mine, double[]? labels, int[] counts, int width,
        int labelColumns, CancellationToken ct)
    {
        int parties = counts.Length, me = Suite.Session.PartyId, rows = counts.Sum(), columns = width + 1;
        var features = new ValueTask<SharedVector<T>>[parties];
        var labelInputs = new ValueTask<SharedVector<T>>[parties];
        for (int p = 0; p < parties; p++)
        {
            features[p] = fixedPoint.InputAsync(p, p == me ? mine : ReadOnlyMemory<double>.Empty, counts[p] * width, ct);
            labelInputs[p] = fixedPoint.InputAsync(p, p == me ? labels! : ReadOnlyMemory<double>.Empty, counts[p] * labelColumns, ct);
        }
        // Every party's rows one after another, then a constant 1 per row; X picks from them row by row.
        var parts = new SharedVector<T>[parties + 1];
        var labelParts = new SharedVector<T>[parties];
        for (int p = 0; p < parties; p++)
        {
            parts[p] = await features[p].ConfigureAwait(false);
            labelParts[p] = await labelInputs[p].ConfigureAwait(false);
        }
        parts[parties] = fixedPoint.Constant(Enumerable.Repeat(1.0, rows).ToArray());
        var indices = new int[rows * columns];
        for (int row = 0; row < rows; row++)
        {
            for (int j = 0; j < width; j++) indices[row * columns + j] = row * width + j; // the parties' blocks are row-major
            indices[row * columns + width] = rows * width + row;
        }
        var x = SharedVector<T>.Concat(parts).Select(indices);
        return new SharedDataset<T>(x, SharedVector<T>.Concat(labelParts), rows, columns);
    }

    // Vertical: party p's columns follow party p-1's in every row; the label comes from its owner.
    private async ValueTask<SharedDataset<T>> InputByColumnsAsync(double[] mine, double[]? labels, int rows, int[] widths, int labelOwner,
        int labelColumns, CancellationToken ct)
    {
        int parties = widths.Length, me = Suite.Session.PartyId, columns = widths.Sum() + 1;
        var blocks = new ValueTask<SharedVector<T>>[parties];
        for (int p = 0; p < parties; p++)
            blocks[p] = fixedPoint.InputAsync(p, p == me ? mine : ReadOnlyMemory<double>.Empty, rows * widths[p], ct);
        var labelInput = fixedPoint.InputAsync(labelOwner, me == labelOwner ? labels! : ReadOnlyMemory<double>.Empty, rows * labelColumns,
            ct);
        // Every party's columns block after block (each row-major), then a constant 1 per row.
        var parts = new SharedVector<T>[parties];
        for (int p = 0; p < parties; p++) parts[p] = await blocks[p].ConfigureAwait(false);
        var x = ColumnBlocks.SideBySide(parts, widths, rows, fixedPoint.Constant(Enumerable.Repeat(1.0, rows).ToArray()));
        var y = await labelInput.ConfigureAwait(false);
        return new SharedDataset<T>(x, y, rows, columns);
    }
}
