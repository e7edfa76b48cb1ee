using Mpc.Ml.Data;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>Vertical tables cut to the common ids by private set intersection, and the errors their ids can cause.</summary>
public sealed class IdAlignmentTests
{
    private static PartyTable Table(string source, params string[] ids) =>
        new(source, ["x"], [.. ids.Select((_, i) => (double)i)], null, null, ids, [.. ids.Select((_, i) => i + 2)]);

    [Fact]
    public void CommonRows_KeepTheirIdsAndValues_AsThePlaintextCut()
    {
        PartyTable[] tables = [Table("a.csv", "p1", "p2", "p3", "p4"), Table("b.csv", "p4", "p9", "p2", "p1"), Table("c.csv", "p2", "p4")];
        var aligned = LocalParties.Run(3, s => IdAlignment.AlignAsync(s, tables[s.PartyId], DataPartition.ByColumns(0), "id"));
        var plaintext = IdAlignment.InPlaintext(tables);
        for (int p = 0; p < 3; p++)
        {
            var table = aligned[p].Table;
            Assert.Equal(["p2", "p4"], table.Ids!.Order(StringComparer.Ordinal));
            Assert.Equal(plaintext[p].Ids!.Order(StringComparer.Ordinal), table.Ids!.Order(StringComparer.Ordinal));
            for (int r = 0; r < table.RowCount; r++)
                Assert.Equal(Array.IndexOf(tables[p].Ids!, table.Ids![r]), (int)table[r, 0]); // each row's own values
            Assert.Equal([4L, 4, 2], aligned[p].Intersection.SetSizes);
        }
    }

    [Fact]
    public void AnEmptyId_NamesTheFileRowAndColumn()
    {
        var errors = LocalParties.Run(2, async s =>
        {
            try
            {
                await IdAlignment.AlignAsync(s, s.PartyId == 1 ? Table("b.csv", "x", "") : Table("a.csv", "x"), DataPartition.ByColumns(0),
                    "patient");
                return "";
            }
            catch (Mpc.Core.MpcException e)
            {
                return e.Message;
            }
        });
        Assert.Contains("b.csv", errors[1]);
        Assert.Contains("row 3", errors[1]);
        Assert.Contains("patient", errors[1]);
        Assert.Contains("Party 1 has an id it cannot use", errors[0]);
    }

    [Fact]
    public void AnIdFileNotInUtf8_IsRefusedNamingIt()
    {
        string file = Path.Combine(Path.GetTempPath(), $"mpc-latin1-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(file, [.. "id\nJos"u8.ToArray(), 0xE9, (byte)'\n']); // "José" in Latin-1
        try
        {
            var error = Assert.Throws<DataException>(() => CsvTableReader.Read(file, new CsvColumns(null, "id", Features: [])));
            Assert.Contains("not valid UTF-8", error.Message);
            Assert.Contains(file, error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void NoCommonId_IsAnError()
    {
        var errors = LocalParties.Run(2, async s =>
        {
            try
            {
                await IdAlignment.AlignAsync(s, Table($"{s.PartyId}.csv", $"only-{s.PartyId}"), DataPartition.ByColumns(0), "id");
                return "";
            }
            catch (DataException e)
            {
                return e.Message;
            }
        });
        Assert.All(errors, e => Assert.Contains("no id is held by every party", e));
    }
}
