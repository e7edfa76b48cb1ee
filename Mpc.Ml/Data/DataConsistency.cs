using Mpc.Core.Arithmetic;
using Mpc.Ml.Internal;
using Mpc.Protocols;

namespace Mpc.Ml.Data;

/// <summary>
/// Checks, before any secret is input, that the parties' tables fit together, and makes every party fail with
/// the same <see cref="DataException"/> naming the party that does not fit (and, at that party, its own file and row).
/// </summary>
/// <remarks>
/// What is revealed: each party's row and column counts and 128-bit hashes of its column names and of its sorted id
/// list. Column names are revealed in full only when they differ in horizontal mode (they must be common knowledge
/// there anyway). When vertical ids differ, a bisection over prefix hashes finds the first sorted position where they
/// part (about log2 n more exchanges, on the failure path only); nothing else about the ids is opened.
/// </remarks>
public static class DataConsistency
{
    /// <summary>Every party's row count, once the tables are found consistent. One exchange (more only on failure).</summary>
    /// <remarks>
    /// With <paramref name="labelled"/> false (rows to score), no table may have labels, and none need. With
    /// <paramref name="idsDiffer"/> (vertical data aligned by a private intersection) the ids are neither hashed nor
    /// compared: nothing of them is revealed here.
    /// </remarks>
    public static async ValueTask<int[]> VerifyAsync<T>(IArithmeticSuite<T> suite, PartyTable mine, DataPartition partition,
        CancellationToken ct = default, bool labelled = true, bool idsDiffer = false)
        where T : unmanaged, IRing<T>
    {
        int me = suite.Session.PartyId, parties = suite.Session.PartyCount;
        bool vertical = partition.Kind == Partitioning.Vertical;
        if (vertical && (uint)partition.LabelOwner >= (uint)parties)
            throw new ArgumentOutOfRangeException(nameof(partition), partition.LabelOwner,
                $"The label owner must be a party, 0 to {parties - 1}.");
        var sortedIds = mine.Ids is null || idsDiffer ? [] : mine.Ids.Order(StringComparer.Ordinal).ToArray();
        var (columns0, columns1) = Hashing.OfStrings(mine.FeatureNames.Append(mine.LabelName ?? ""));
        var (ids0, ids1) = Hashing.OfStrings(sortedIds);
        var summaries = await PublicValues.ExchangeAsync(suite,
            [mine.RowCount, mine.FeatureCount, mine.Labels is null ? 0 : 1, mine.Ids is null ? 0 : 1, columns0, columns1, ids0, ids1], ct)
            .ConfigureAwait(false);
        var rowCounts = summaries.Select(s => (int)s[0]).ToArray();

        DataException Fail(int party, string message) =>
            new(message, party, file: party == me ? mine.Source : null);

        if (!vertical)
        {
            for (int p = 0; p < parties && labelled; p++)
                if (summaries[p][2] == 0) throw Fail(p, "the table has no label column; in horizontal mode every party holds the label.");
            var dissenters = PublicValues.Dissenters(summaries.Select(s => (s[4], s[5])).ToArray());
            if (dissenters.Length > 0)
            {
                // Column names are common knowledge in horizontal mode: exchange them to say which differ.
                var all = await PublicValues.ExchangeLinesAsync(suite, [.. mine.FeatureNames, "label:" + mine.LabelName], ct)
                    .ConfigureAwait(false);
                int p = dissenters[0], reference = Enumerable.Range(0, parties).First(q => !dissenters.Contains(q));
                var theirs = all[p];
                var expected = all[reference];
                var missing = expected.Except(theirs).ToArray();
                var extra = theirs.Except(expected).ToArray();
                string detail = missing.Length + extra.Length == 0
                    ? "the same columns in another order"
                    : string.Join("; ", new[]
                    {
                        missing.Length > 0 ? $"lacks {Names(missing)}" : null,
                        extra.Length > 0 ? $"has {Names(extra)} in addition" : null,
                    }.Where(s => s is not null));
                throw new DataException($"the columns differ from party {reference}'s: {detail}.", p, p == me ? mine.Source : null,
                    row: p == me ? 1 : null, column: (missing.FirstOrDefault() ?? extra.FirstOrDefault())?.Replace("label:", ""));
            }
            return rowCounts;
        }

        for (int p = 0; p < parties; p++)
            if (summaries[p][3] == 0) throw Fail(p, "the table has no id column; vertical partitioning aligns rows by id.");
        if (labelled && summaries[partition.LabelOwner][2] == 0)
            throw Fail(partition.LabelOwner, "the label owner's table has no label column.");
        for (int p = 0; p < parties; p++)
            if ((!labelled || p != partition.LabelOwner) && summaries[p][2] != 0)
                throw Fail(p, $"the table has a label column, but party {partition.LabelOwner} is the label owner.");

        var idDissenters = PublicValues.Dissenters(summaries.Select(s => (s[0], s[6], s[7])).ToArray());
        if (idDissenters.Length == 0 || idsDiffer) return rowCounts;
        int culprit = idDissenters[0];
        int agreeing = Enumerable.Range(0, parties).First(q => !idDissenters.Contains(q));
        if (rowCounts[culprit] != rowCounts[agreeing])
            throw Fail(culprit, $"the table has {rowCounts[culprit]} rows where party {agreeing} has {rowCounts[agreeing]}; " +
                "vertical partitioning needs the same ids at every party.");

        int position = await FirstDifferingPositionAsync(suite, sortedIds, rowCounts.Min(), ct).ConfigureAwait(false);
        int? myRow = null;
        if (position < sortedIds.Length)
        {
            int index = Array.IndexOf(mine.Ids!, sortedIds[position]);
            myRow = mine.LineNumbers[index];
        }
        throw new DataException(
            $"the ids differ from party {agreeing}'s: the {Ordinal(position + 1)} id in sorted order does not match" +
            (myRow is int r && me != culprit ? $" (this party's is on row {r} of {mine.Source})." : "."),
            culprit, culprit == me ? mine.Source : null, row: culprit == me ? myRow : null, column: null);
    }

    // The largest L whose sorted prefixes agree at every party; ids differ at position L.
    private static async ValueTask<int> FirstDifferingPositionAsync<T>(IArithmeticSuite<T> suite, string[] sortedIds, int common,
        CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int agree = 0, differ = common + 1; // prefixes of length `agree` agree; of length `differ` do not (common + 1: a count difference)
        while (differ - agree > 1)
        {
            int middle = (agree + differ) / 2;
            var (h0, h1) = Hashing.OfStrings(sortedIds.Take(middle));
            var hashes = await PublicValues.ExchangeAsync(suite, [h0, h1], ct).ConfigureAwait(false);
            if (hashes.All(h => h[0] == hashes[0][0] && h[1] == hashes[0][1])) agree = middle;
            else differ = middle;
        }
        return agree;
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n.Replace("label:", "label ")}'"));

    private static string Ordinal(int n) =>
        n % 100 is 11 or 12 or 13 ? $"{n}th" : (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" };
}
