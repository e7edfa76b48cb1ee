using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Mpc.Ml.Data;
using Mpc.Tests.Ml;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// The CSV loader (<see cref="CsvTableReader"/>) on hostile text: the heads of the real data files (every split,
/// horizontal and vertical) and generated tables, mutated. The only failure allowed is a <see cref="DataException"/>
/// naming the file, the row and the column.
/// </summary>
public sealed class CsvFuzzTests(ITestOutputHelper output)
{
    /// <summary>The header and the first rows of every data file: small enough to parse 100,000 times.</summary>
    private static byte[][] Seeds() =>
        Directory.GetFiles(MlTestData.DataPath(), "*.csv", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(f).Take(4)) + "\n"))
            .ToArray();

    private static readonly Gen<byte[]> TableGen =
        from features in Gen.Choose(1, 6)
        from rows in Gen.Choose(1, 5)
        from hasLabel in Gen.Elements(true, false)
        from hasId in Gen.Elements(true, false)
        from cells in Gen.Elements("0", "-1.5", "3e-7", "1E+300", "42", ".5", "-0", "7.25").ArrayOf(rows * features)
        from labels in Gen.Elements("0", "1").ArrayOf(rows)
        from quoted in Gen.Elements(true, false)
        select Encoding.UTF8.GetBytes(Table(features, rows, hasLabel, hasId, cells, labels, quoted));

    private static string Table(int features, int rows, bool hasLabel, bool hasId, string[] cells, string[] labels, bool quoted)
    {
        var text = new StringBuilder();
        var header = Enumerable.Range(0, features).Select(j => quoted ? $"\"x{j}\"" : $"x{j}").ToList();
        if (hasLabel) header.Add("malignant");
        if (hasId) header.Insert(0, "id");
        text.AppendLine(string.Join(',', header));
        for (int i = 0; i < rows; i++)
        {
            var row = cells.Skip(i * features).Take(features).ToList();
            if (hasLabel) row.Add(labels[i]);
            if (hasId) row.Insert(0, (100 + i).ToString(CultureInfo.InvariantCulture));
            text.AppendLine(string.Join(" , ", row));
        }
        return text.ToString();
    }

    /// <summary>Reads the way a party does: the label and id columns are those its header names.</summary>
    private static void Read(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        string header = text.Split('\n', 2)[0];
        var names = header.Split(',').Select(c => c.Trim().Trim('"').Trim()).ToHashSet(StringComparer.Ordinal);
        var columns = new CsvColumns(names.Contains("malignant") ? "malignant" : null, names.Contains("id") ? "id" : null);
        CsvTableReader.Read(new StringReader(text), "fuzzed.csv", columns);
    }

    [Fact]
    public void CsvTable_AnyText_ReadsOrFailsWithADataException()
    {
        var seeds = Seeds();
        Assert.True(seeds.Length >= 20, "expected the data files of data/");
        FuzzRun.Run(output, "csv table", FuzzRun.CountFor(FuzzRun.FullCount), seeds, TableGen, Read, typeof(DataException));
    }
}
