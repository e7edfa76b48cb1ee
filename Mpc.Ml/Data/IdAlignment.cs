using Mpc.Protocols;
using Mpc.Protocols.SetIntersection;

namespace Mpc.Ml.Data;

/// <summary>
/// Vertical data over parties whose ids differ: the private set intersection of every party's ids (two parties:
/// <see cref="KkrtPsi"/>, the label owner receiving; more: <see cref="EcdhPsi"/>, led by the label owner) keeps the rows
/// every party holds, and nothing else of the ids is revealed beyond what the protocol states (every party's row count;
/// with ECDH the leader also sees which parties hold each of its own ids). Every later step (split, consistency check,
/// training) then sees the same ids at every party.
/// </summary>
public static class IdAlignment
{
    /// <summary>This party's table cut to the common rows in the shared order, with what the intersection revealed.</summary>
    /// <exception cref="DataException">One of this party's ids is unusable (names the file, row and column).</exception>
    /// <exception cref="Mpc.Core.MpcException">Another party's ids are unusable, or a party has none.</exception>
    public static async Task<AlignedTable> AlignAsync(Session session, PartyTable table, DataPartition partition, string? idColumn,
        CancellationToken ct = default, PsiProtocol protocol = PsiProtocol.Auto)
    {
        if (table.Ids is not { } ids) throw new DataException("vertical partitioning needs an id column.", session.PartyId, table.Source);
        IntersectionResult result;
        try
        {
            bool oblivious = protocol == PsiProtocol.ObliviousTransfer || (protocol == PsiProtocol.Auto && session.PartyCount == 2);
            result = oblivious
                ? await new KkrtPsi(session, partition.LabelOwner).IntersectAsync(ids, ct).ConfigureAwait(false)
                : await new EcdhPsi(session, partition.LabelOwner).IntersectAsync(ids, ct).ConfigureAwait(false);
        }
        catch (InvalidIdException e)
        {
            throw Unusable(e, session.PartyId, table, idColumn);
        }
        if (result.Count == 0)
            throw new DataException($"no id is held by every party (row counts {string.Join(", ", result.SetSizes)}): nothing to train on.",
                session.PartyId, table.Source, column: idColumn);
        return new AlignedTable(Restrict(table, result.Rows), result);
    }

    /// <summary>An unusable id as a data error naming this party's file, the id's row and the id column.</summary>
    public static DataException Unusable(InvalidIdException error, int party, PartyTable table, string? idColumn = null) =>
        new($"{error.Reason}; ids must be non-empty, distinct and at most {EcdhPsi.MaxIdBytes} UTF-8 bytes.",
            party, table.Source, table.LineNumbers[error.Index], idColumn);

    /// <summary>
    /// The plaintext counterpart, for references and tests: every table cut to the ids all hold (the same rows
    /// <see cref="AlignAsync"/> keeps; tables whose ids already agree come back as they are).
    /// </summary>
    public static IReadOnlyList<PartyTable> InPlaintext(IReadOnlyList<PartyTable> tables)
    {
        var common = new HashSet<string>(tables[0].Ids ?? throw new ArgumentException("Vertical tables need ids."), StringComparer.Ordinal);
        foreach (var table in tables.Skip(1)) common.IntersectWith(table.Ids ?? throw new ArgumentException("Vertical tables need ids."));
        if (tables.All(t => t.RowCount == common.Count)) return tables;
        return [.. tables.Select(t => Restrict(t, [.. Enumerable.Range(0, t.RowCount).Where(r => common.Contains(t.Ids![r]))]))];
    }

    // The common rows, sorted by id. Every party holds the same ids for them, so each keeps its own: in that order
    // every party has the same rows, the same in every run, and learns nothing more.
    private static PartyTable Restrict(PartyTable table, int[] rows)
    {
        rows = [.. rows.OrderBy(r => table.Ids![r], StringComparer.Ordinal)];
        int d = table.FeatureCount;
        var features = new double[rows.Length * d];
        for (int i = 0; i < rows.Length; i++) Array.Copy(table.Features, rows[i] * d, features, i * d, d);
        double[]? kept = table.Labels is { } labels ? [.. rows.Select(r => labels[r])] : null;
        return new PartyTable(table.Source, table.FeatureNames, features, kept, table.LabelName, [.. rows.Select(r => table.Ids![r])],
            [.. rows.Select(r => table.LineNumbers[r])]);
    }
}

/// <summary>Which private set intersection aligns the rows.</summary>
public enum PsiProtocol
{
    /// <summary>OT-based (<see cref="KkrtPsi"/>) for two parties, where it is several times faster; ECDH for more.</summary>
    Auto,

    /// <summary><see cref="EcdhPsi"/>, any number of parties; the least traffic (64 bytes per id and party with two).</summary>
    Ecdh,

    /// <summary><see cref="KkrtPsi"/>, two parties only; symmetric-key work, about 140 bytes per id.</summary>
    ObliviousTransfer,
}

/// <summary>A table aligned by the intersection.</summary>
/// <param name="Table">The common rows, sorted by id: the same rows in the same order at every party.</param>
/// <param name="Intersection">The intersection: this party's original rows and every party's row count.</param>
public sealed record AlignedTable(PartyTable Table, IntersectionResult Intersection)
{
    /// <summary>One line for logs: how many rows are common out of each party's.</summary>
    public string Describe() => FormattableString.Invariant(
        $"{Intersection.Count} ids held by every party (the parties' counts: {string.Join(", ", Intersection.SetSizes)})");
}
