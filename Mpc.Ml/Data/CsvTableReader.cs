using System.Globalization;
using nietras.SeparatedValues;

namespace Mpc.Ml.Data;

/// <summary>
/// Reads a numeric CSV table: a header row of column names, then one row per line, comma-separated (RFC 4180 quoting,
/// through Sep), every feature and label cell a finite number in invariant culture (labels 0 or 1); blank lines are
/// skipped. Errors are <see cref="DataException"/>s naming the file, the line and the column, never a cell's value.
/// </summary>
public static class CsvTableReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    public static PartyTable Read(string path, CsvColumns columns)
    {
        if (!File.Exists(path)) throw new DataException("the file does not exist.", file: path);
        // Strict UTF-8: bytes that are not text (an id in another encoding) stop the read instead of becoming U+FFFD.
        using var reader = new StreamReader(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
        try
        {
            return Read(reader, path, columns);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new DataException("the file is not valid UTF-8 text (save it as UTF-8).", file: path);
        }
    }

    /// <summary>
    /// The column names in the header of <paramref name="path"/> (none for an empty file), cells read as
    /// <see cref="Read(string, CsvColumns)"/> reads them.
    /// </summary>
    public static string[] ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new DataException("the file does not exist.", file: path);
        using var reader = new StreamReader(path);
        using var csv = Open(reader);
        return csv.MoveNext() ? Cells(csv.Current) : [];
    }

    /// <summary>Reads a table from <paramref name="reader"/>; <paramref name="source"/> names it in errors.</summary>
    public static PartyTable Read(TextReader reader, string source, CsvColumns columns)
    {
        using var csv = Open(reader);
        if (!csv.MoveNext()) throw new DataException("the file is empty: expected a header row.", file: source, row: 1);
        var header = Cells(csv.Current);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++)
        {
            if (header[i].Length == 0) throw new DataException($"header cell {i + 1} is empty.", file: source, row: 1);
            if (!index.TryAdd(header[i], i))
                throw new DataException("the column appears twice in the header.", file: source, row: 1, column: header[i]);
        }

        int ColumnIndex(string name) =>
            index.TryGetValue(name, out int i)
                ? i
                : throw new DataException("the column is missing from the header.", file: source, row: 1, column: name);
        int labelIndex = columns.Label is null ? -1 : ColumnIndex(columns.Label);
        int idIndex = columns.Id is null ? -1 : ColumnIndex(columns.Id);
        var featureNames = columns.Features?.ToArray()
            ?? header.Where((_, i) => i != labelIndex && i != idIndex).ToArray();
        var featureIndices = featureNames.Select(ColumnIndex).ToArray();

        var features = new List<double>();
        var labels = labelIndex >= 0 ? new List<double>() : null;
        var ids = idIndex >= 0 ? new List<string>() : null;
        var lines = new List<int>();
        var seenIds = ids is null ? null : new Dictionary<string, int>(StringComparer.Ordinal);
        while (csv.MoveNext())
        {
            var row = csv.Current;
            int lineNumber = row.LineNumberFrom;
            if (row.ColCount == 1 && row[0].Span.IsWhiteSpace()) continue; // a blank line
            if (row.ColCount != header.Length)
                throw new DataException($"the row has {row.ColCount} cells where the header has {header.Length}.",
                    file: source, row: lineNumber);
            foreach (int i in featureIndices) features.Add(ParseNumber(row[i], source, lineNumber, header[i]));
            if (labels is not null)
            {
                double label = ParseNumber(row[labelIndex], source, lineNumber, header[labelIndex]);
                if (columns.ClassLabel && !(label >= 0 && label <= CsvColumns.MaxClass && label == Math.Floor(label)))
                    throw new DataException($"a class label must be a whole number from 0 to {CsvColumns.MaxClass}.",
                        file: source, row: lineNumber, column: header[labelIndex]);
                if (!columns.ContinuousLabel && !columns.ClassLabel && label is not (0 or 1))
                    throw new DataException("a label must be 0 or 1 (train-lr --multiclass takes classes 0 to 255).",
                        file: source, row: lineNumber, column: header[labelIndex]);
                labels.Add(label);
            }
            if (ids is not null)
            {
                var id = row[idIndex].ToString();
                if (id.Length == 0) throw new DataException("the id is empty.", file: source, row: lineNumber, column: header[idIndex]);
                if (!seenIds!.TryAdd(id, lineNumber))
                    throw new DataException($"the id repeats the one on row {seenIds[id]}.",
                        file: source, row: lineNumber, column: header[idIndex]);
                ids.Add(id);
            }
            lines.Add(lineNumber);
        }
        if (lines.Count == 0) throw new DataException("the file has a header but no rows.", file: source, row: 2);
        return new PartyTable(source, featureNames, features.ToArray(), labels?.ToArray(), columns.Label, ids?.ToArray(), lines.ToArray());
    }

    // The header is read as a row of its own, so its checks (empty, repeated names) are this reader's, by name.
    private static SepReader Open(TextReader reader) => Sep.New(',').Reader(o => o with
    {
        HasHeader = false,
        Unescape = true,
        Trim = SepTrim.All,
        DisableColCountCheck = true,
        CultureInfo = CultureInfo.InvariantCulture,
    }).From(reader);

    private static string[] Cells(SepReader.Row row)
    {
        var cells = new string[row.ColCount];
        for (int i = 0; i < cells.Length; i++) cells[i] = row[i].ToString();
        return cells;
    }

    // Sep's parser (csFastFloat for doubles, invariant culture); the value never reaches a message.
    private static double ParseNumber(SepReader.Col cell, string source, int line, string column)
    {
        if (cell.TryParse<double>() is not { } value || !double.IsFinite(value))
            throw new DataException(cell.Span.Length == 0 ? "the cell is empty; expected a number." : "the cell is not a finite number.",
                file: source, row: line, column: column);
        return value;
    }
}
