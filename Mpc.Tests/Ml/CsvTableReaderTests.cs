using Mpc.Ml.Data;

namespace Mpc.Tests.Ml;

public sealed class CsvTableReaderTests
{
    private static PartyTable Read(string csv, CsvColumns columns) => CsvTableReader.Read(new StringReader(csv), "alice.csv", columns);

    [Fact]
    public void ReadsFeaturesLabelsIdsAndLines()
    {
        var table = Read("id,a,b,y\n7,1.5,-2,1\n\n3,0,1e3,0\n", new CsvColumns("y", "id"));
        Assert.Equal(["a", "b"], table.FeatureNames);
        Assert.Equal([1.5, -2, 0, 1000], table.Features);
        Assert.Equal([1.0, 0], table.Labels!);
        Assert.Equal(["7", "3"], table.Ids!);
        Assert.Equal([2, 4], table.LineNumbers);
    }

    [Fact]
    public void QuotedCellsWithCommas_AndCrLfLines_AreRead()
    {
        var table = Read("\"id\",a,\" y \"\r\n\"x,1\", 1.5 ,1\r\n\"y\"\"2\",-3,0\r\n", new CsvColumns("y", "id"));
        Assert.Equal(["a"], table.FeatureNames);
        Assert.Equal([1.5, -3], table.Features);
        Assert.Equal(["x,1", "y\"2"], table.Ids!);
        Assert.Equal([2, 3], table.LineNumbers);
    }

    [Fact]
    public void MissingColumn_NamesFileRowAndColumn()
    {
        var e = Assert.Throws<DataException>(() => Read("a,b\n1,2\n", new CsvColumns("malignant")));
        Assert.Equal(("alice.csv", 1, "malignant"), (e.File, e.Row, e.Column));
        Assert.Contains("missing", e.Message);
        var named = Assert.Throws<DataException>(() => Read("a,b,y\n1,2,0\n", new CsvColumns("y", Features: ["a", "c"])));
        Assert.Equal("c", named.Column);
    }

    [Fact]
    public void NonNumericCell_NamesFileRowAndColumn_ButNotTheValue()
    {
        var e = Assert.Throws<DataException>(() => Read("a,b,y\n1,2,0\n3,secret-text,1\n", new CsvColumns("y")));
        Assert.Equal(("alice.csv", 3, "b"), (e.File, e.Row, e.Column));
        Assert.DoesNotContain("secret-text", e.Message);
        Assert.Contains("alice.csv", e.Message);
        Assert.Contains("row 3", e.Message);
    }

    [Theory]
    [InlineData("a,y\n1,2\n", 2, "y")]          // a label that is not 0/1
    [InlineData("a,y\n1,0\n1,0,5\n", 3, null)]  // a ragged row
    [InlineData("a,y\nNaN,0\n", 2, "a")]        // not finite
    [InlineData("a,y\n,0\n", 2, "a")]           // empty
    public void BadRows_AreNamed(string csv, int row, string? column)
    {
        var e = Assert.Throws<DataException>(() => Read(csv, new CsvColumns("y")));
        Assert.Equal(row, e.Row);
        Assert.Equal(column, e.Column);
    }

    [Fact]
    public void RepeatedId_NamesBothRows()
    {
        var e = Assert.Throws<DataException>(() => Read("id,a\nx,1\ny,2\nx,3\n", new CsvColumns(null, "id")));
        Assert.Equal(4, e.Row);
        Assert.Contains("row 2", e.Message);
    }
}
