using Mpc.Core;

namespace Mpc.Ml.Data;

/// <summary>
/// Bad training data: a missing column, a cell that is not a number, rows or ids that do not match across parties,
/// column sets that differ. It names where: the party, the file, the row (the line number in the file, the header
/// being line 1) and the column, as far as they are known. Never the offending value itself.
/// </summary>
public sealed class DataException : MpcException
{
    /// <summary>An error at a place in a party's data.</summary>
    public DataException(string message, int? party = null, string? file = null, int? row = null, string? column = null)
        : base(Describe(message, party, file, row, column))
    {
        Problem = message;
        Party = party;
        File = file;
        Row = row;
        Column = column;
    }

    /// <summary>What is wrong, without the place.</summary>
    public string Problem { get; }

    /// <summary>The same error attributed to <paramref name="party"/> (a reader does not know whose file it reads).</summary>
    public DataException WithParty(int party) => new(Problem, party, File, Row, Column);

    /// <summary>The party whose data is at fault, when known.</summary>
    public int? Party { get; }

    /// <summary>The file, when known (a party knows only its own file).</summary>
    public string? File { get; }

    /// <summary>The line in <see cref="File"/> (the header is line 1), when the fault is in one row.</summary>
    public int? Row { get; }

    /// <summary>The column name, when the fault is in one column.</summary>
    public string? Column { get; }

    private static string Describe(string message, int? party, string? file, int? row, string? column)
    {
        var where = new List<string>();
        if (party is int p) where.Add($"party {p}");
        if (file is not null) where.Add($"file {file}");
        if (row is int r) where.Add($"row {r}");
        if (column is not null) where.Add($"column '{column}'");
        return where.Count == 0 ? message : $"{string.Join(", ", where)}: {message}";
    }
}
