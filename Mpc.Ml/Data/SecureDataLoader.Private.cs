using Mpc.Core.Arithmetic;
using Mpc.Ml.Internal;
using Mpc.Protocols;
using Mpc.Protocols.SetIntersection;

namespace Mpc.Ml.Data;

public sealed partial class SecureDataLoader<T>
{
    /// <summary>
    /// Vertical data over parties whose ids differ, the intersection kept secret (<c>--intersection private</c>): the
    /// rows are the label owner's ids laid into bins by <see cref="PrivateMembership{T}"/>, every party's columns at
    /// them shared, and every row outside the intersection (ids some party lacks, empty bins) made zero, bias included,
    /// by a shared 0/1 indicator; its label becomes <paramref name="labelFill"/>, the activation at a zero score, so
    /// that it adds nothing to gradient or loss. No party learns which rows are common; the numbers of common training
    /// and test rows are opened (gradient descent averages over them).
    /// </summary>
    /// <remarks>
    /// Every party standardises its columns over all its own rows (it cannot know which are common); the model comes
    /// back in original units all the same. The train/test split is of the bins, by the public seed. Rounds: the
    /// consistency exchange, the bound's, the membership's, the label owner's inputs, one product, one opening.
    /// </remarks>
    /// <exception cref="DataException">A table does not fit (names the party, file and row), or an id is unusable.</exception>
    public async ValueTask<SecureTrainingData<T>> LoadPrivateAsync(PartyTable mine, DataPartition partition, DataLoadOptions options,
        double labelFill, CancellationToken ct = default)
    {
        int me = Suite.Session.PartyId, leader = partition.LabelOwner;
        if (partition.Kind != Partitioning.Vertical) throw new ArgumentException("A private intersection aligns vertical data.");
        if (options.Classes is not null) throw new ArgumentException("A private intersection takes one label column, not classes.");
        await DataConsistency.VerifyAsync(Suite, mine, partition, ct, idsDiffer: true).ConfigureAwait(false);

        var all = Enumerable.Range(0, mine.RowCount).ToArray();
        var scaling = FeatureScaling.Of(mine, all);
        var standardised = scaling.Apply(mine, all);
        var labelTable = mine.Labels is null
            ? null
            : new PartyTable(mine.Source, [mine.LabelName ?? "label"], mine.Labels, null, null, null, mine.LineNumbers);
        var labelScaling = options.StandardiseLabel && labelTable is not null ? FeatureScaling.Of(labelTable, all) : null;
        var labels = Labels(mine, all, options, labelScaling, me);
        var largest = new List<double>();
        if (options.FeatureBound is null) largest.Add(Largest(standardised, []));
        if (options.StandardiseLabel) largest.Add(Largest(labels ?? [], []));
        double[] fitted = largest.Count == 0 ? [] : await FittingBoundsAsync([.. largest], ct).ConfigureAwait(false);
        double bound = options.FeatureBound is { } given
            ? await CheckBoundAsync(mine, new AlignedRows(all, []), standardised, [], given, ct).ConfigureAwait(false)
            : fitted[0];

        var names = await PublicValues.ExchangeLinesAsync(Suite, mine.FeatureNames, ct).ConfigureAwait(false);
        var widths = names.Select(n => n.Length).ToArray();
        MembershipShares<T> shares;
        try
        {
            shares = await new PrivateMembership<T>(Suite, leader).AlignAsync(mine.Ids!,
                me == leader ? ReadOnlyMemory<T>.Empty : fixedPoint.Format.Encode<T>(standardised), me == leader ? 0 : widths[me], ct)
                .ConfigureAwait(false);
        }
        catch (InvalidIdException e)
        {
            throw IdAlignment.Unusable(e, me, mine);
        }
        int bins = shares.Bins, d = widths.Sum();

        // The label owner's columns, its labels less the fill, and (class labels) its label bits, at its bins.
        var binRows = shares.LeaderRows;
        double[] ownColumns = [], centred = [], raw = [];
        T[] bits = [];
        if (me == leader)
        {
            int w = widths[me];
            ownColumns = new double[bins * w];
            centred = new double[bins];
            raw = new double[bins];
            bits = new T[bins];
            for (int b = 0; b < bins; b++)
            {
                if (binRows![b] is not (>= 0 and var row)) continue;
                Array.Copy(standardised, row * w, ownColumns, b * w, w);
                centred[b] = labels![row] - labelFill;
                raw[b] = mine.Labels![row];
                bits[b] = labels[row] >= 0.5 ? T.One : T.Zero;
            }
        }
        var ownInput = fixedPoint.InputAsync(leader, ownColumns, bins * widths[leader], ct);
        var labelInput = fixedPoint.InputAsync(leader, centred, bins, ct);
        var bitInput = Suite.InputAsync(leader, bits, bins, ct);
        var rawInput = fixedPoint.InputAsync(leader, raw, bins, ct);
        var blocks = new SharedVector<T>[widths.Length];
        for (int p = 0; p < blocks.Length; p++) blocks[p] = p == leader ? await ownInput.ConfigureAwait(false) : shares.Values[p];
        var label = await labelInput.ConfigureAwait(false);
        var labelBits = await bitInput.ConfigureAwait(false);
        var rawLabels = await rawInput.ConfigureAwait(false);

        // Rows outside the intersection to zero: the indicator times every column and the centred label, one product.
        var indicator = shares.Indicator;
        var masked = await Suite.MultiplyAsync(SharedVector<T>.Concat(indicator.RepeatEach(d), indicator),
            SharedVector<T>.Concat(ColumnBlocks.SideBySide(blocks, widths, bins), label), ct).ConfigureAwait(false);
        var x = ColumnBlocks.SideBySide([masked.Slice(0, bins * d)], [d], bins,
            Suite.Scale(indicator, fixedPoint.Format.ScaleFactor<T>()));
        var y = fixedPoint.AddPublic(masked.Slice(bins * d, bins), Enumerable.Repeat(labelFill, bins).ToArray());

        var split = TrainTestSplit.Create(bins, options.TestFraction, options.SplitSeed);
        var counts = await Suite.OpenAsync(
            SharedVector<T>.Concat(indicator.Select(split.Train).Sum(), indicator.Select(split.Test).Sum()), ct).ConfigureAwait(false);
        int trainMembers = (int)T.ToSignedInt128(counts[0]), testMembers = (int)T.ToSignedInt128(counts[1]);
        int columns = d + 1;
        SharedDataset<T> Rows(int[] picked, int members) =>
            new(x.SelectRows(picked, columns), y.Select(picked), picked.Length, columns) { Members = members };
        return new SecureTrainingData<T>(Rows(split.Train, trainMembers), Rows(split.Test, testMembers),
            names.SelectMany(n => n).Append("bias").ToArray(), null, bound)
        {
            ColumnsByParty = widths,
            OwnScaling = scaling,
            LabelScaling = labelScaling,
            LabelBound = options.StandardiseLabel ? fitted[^1] : 1,
            Private = new PrivateRows<T>(bins, shares.SetSizes, indicator.Select(split.Test), labelBits.Select(split.Test))
            {
                TestLabels = rawLabels.Select(split.Test),
                LeaderRows = binRows,
                TrainBins = split.Train,
                TestBins = split.Test,
            },
        };
    }
}

/// <summary>
/// What a private intersection leaves beside the data: the bins, the set sizes, and for the test rows the shared
/// membership indicator, label bits (0/1 ring elements) and labels that secure evaluation weighs its sums with.
/// </summary>
/// <param name="Bins">The rows of the training and test matrices together: the label owner's bins.</param>
/// <param name="SetSizes">Every party's number of ids.</param>
/// <param name="TestIndicator">Per test row, 1 when every party holds its id.</param>
/// <param name="TestLabelBits">Per test row, the label as 0/1 (0 in an empty bin).</param>
public sealed record PrivateRows<T>(int Bins, long[] SetSizes, SharedVector<T> TestIndicator, SharedVector<T> TestLabelBits)
    where T : unmanaged, IRing<T>
{
    /// <summary>Per test row, the label in the label owner's own units (0 in an empty bin; fixed point).</summary>
    public required SharedVector<T> TestLabels { get; init; }

    /// <summary>At the label owner: the row of its table in each bin, or -1 (what it placed there). Null elsewhere.</summary>
    public int[]? LeaderRows { get; init; }

    /// <summary>The bins of the training rows, in matrix order (public).</summary>
    public int[] TrainBins { get; init; } = [];

    /// <summary>The bins of the test rows, in matrix order (public).</summary>
    public int[] TestBins { get; init; } = [];
}
