namespace Mpc.Party.Output;

/// <summary>Text cells of the CSV files the jobs write.</summary>
internal static class CsvText
{
    /// <summary>The cell as RFC 4180 writes it: quoted, its quotes doubled, where it holds a comma, quote or line break.</summary>
    public static string Cell(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
