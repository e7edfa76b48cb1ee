using nietras.SeparatedValues;

namespace Mpc.Ml.Data;

/// <summary>
/// Splits one CSV table (header, comma-separated cells, label last or named) into per-party files, deterministically
/// from a seed: horizontally (rows shuffled once, then cut into near-equal consecutive parts) or vertically (an
/// <c>id</c> column added, feature columns cut into consecutive groups, the label at party 0, and each party's rows in
/// its own shuffled order so that alignment by id is exercised). Cells are copied verbatim. Produces file contents;
/// writing them is the caller's business.
/// </summary>
public static class CsvPartitioner
{
    /// <summary>Per-party file contents for <paramref name="parties"/> parties holding rows.</summary>
    public static string[] Horizontal(string csv, int parties, ulong seed)
    {
        var (header, rows) = Parse(csv);
        var order = SeededPermutation.Create(rows.Length, seed);
        return Enumerable.Range(0, parties).Select(p =>
        {
            int start = rows.Length * p / parties, end = rows.Length * (p + 1) / parties;
            return Render(header, order[start..end].Select(i => rows[i]));
        }).ToArray();
    }

    /// <summary>
    /// Per-party file contents for <paramref name="parties"/> parties holding columns; <paramref name="label"/> goes to
    /// party 0. Every party's file starts with the <paramref name="id"/> column: the table's own if it has one of that
    /// name (copied, and not split as a feature), else the row's number from 1. With <paramref name="overlap"/> below
    /// 1, each party keeps only that share of the rows, its own random choice, so the parties' ids differ and only
    /// about overlap^N of the rows are held by all (what the private set intersection then finds).
    /// </summary>
    public static string[] Vertical(string csv, int parties, string label, ulong seed, string id = "id", double overlap = 1)
    {
        if (!(overlap > 0 && overlap <= 1)) throw new ArgumentException($"The overlap must lie in (0, 1], not {overlap}.", nameof(overlap));
        var (header, rows) = Parse(csv);
        int labelIndex = Array.IndexOf(header, label);
        if (labelIndex < 0) throw new ArgumentException($"The table has no column '{label}'.", nameof(label));
        int idIndex = Array.IndexOf(header, id);
        if (idIndex == labelIndex) throw new ArgumentException($"The label '{label}' cannot also be the id column.", nameof(id));
        var features = Enumerable.Range(0, header.Length).Where(i => i != labelIndex && i != idIndex).ToArray();
        return Enumerable.Range(0, parties).Select(p =>
        {
            var columns = features[(features.Length * p / parties)..(features.Length * (p + 1) / parties)];
            if (p == 0) columns = [.. columns, labelIndex];
            var order = SeededPermutation.Create(rows.Length, SeededPermutation.Derive(seed, (ulong)p + 1))
                .Take(Math.Max(1, (int)Math.Round(overlap * rows.Length)));
            return Render([id, .. columns.Select(c => header[c])],
                order.Select(i => (string[])
                    [idIndex >= 0 ? rows[i][idIndex] : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        .. columns.Select(c => rows[i][c])]));
        }).ToArray();
    }

    // Cells stay as written (quotes included), so a quoted comma survives the copy.
    private static (string[] Header, string[][] Rows) Parse(string csv)
    {
        using var reader = Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true }).FromText(csv);
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            if (row.ColCount == 1 && row[0].Span.IsEmpty) continue; // a blank line
            var cells = new string[row.ColCount];
            for (int i = 0; i < cells.Length; i++) cells[i] = row[i].ToString();
            rows.Add(cells);
        }
        return (rows[0], rows.Skip(1).ToArray());
    }

    private static string Render(string[] header, IEnumerable<string[]> rows) =>
        string.Join(',', header) + "\n" + string.Concat(rows.Select(r => string.Join(',', r) + "\n"));
}
