using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

public sealed class DataConsistencyTests
{
    // Every party's outcome: null when it passed, else its DataException.
    private static DataException?[] Verify(PartyTable[] tables, DataPartition partition, bool shamir = false) =>
        LocalParties.Run(tables.Length, async s =>
        {
            try
            {
                if (shamir) await DataConsistency.VerifyAsync(new ShamirSuite<Mersenne127>(s), tables[s.PartyId], partition);
                else await DataConsistency.VerifyAsync(new AdditiveSuite(s, new DealerPreprocessing(s)), tables[s.PartyId], partition);
                return (DataException?)null;
            }
            catch (DataException e)
            {
                return e;
            }
        });

    private static PartyTable WithoutColumn(PartyTable t, string name)
    {
        int drop = t.FeatureNames.ToList().IndexOf(name), d = t.FeatureCount;
        var features = t.Features.Where((_, k) => k % d != drop).ToArray();
        return new PartyTable(t.Source, t.FeatureNames.Where(n => n != name).ToArray(), features, t.Labels, t.LabelName, t.Ids,
            t.LineNumbers);
    }

    private static PartyTable WithoutLastRow(PartyTable t) =>
        new(t.Source, t.FeatureNames, t.Features[..^t.FeatureCount], t.Labels?[..^1], t.LabelName, t.Ids?[..^1], t.LineNumbers[..^1]);

    private static PartyTable WithId(PartyTable t, int row, string id)
    {
        var ids = (string[])t.Ids!.Clone();
        ids[row] = id;
        return new PartyTable(t.Source, t.FeatureNames, t.Features, t.Labels, t.LabelName, ids, t.LineNumbers);
    }

    [Fact]
    public void ConsistentTables_PassInBothModes()
    {
        Assert.All(Verify(MlTestData.BreastCancer(Partitioning.Horizontal, 3), DataPartition.ByRows), Assert.Null);
        Assert.All(Verify(MlTestData.BreastCancer(Partitioning.Vertical, 3), DataPartition.ByColumns(0), shamir: true), Assert.Null);
    }

    [Fact]
    public void Horizontal_ColumnMismatch_AllNameParty_ItNamesFileAndColumn()
    {
        var tables = MlTestData.BreastCancer(Partitioning.Horizontal, 3);
        tables[2] = WithoutColumn(tables[2], "mean_area");
        var errors = Verify(tables, DataPartition.ByRows);
        Assert.All(errors, e => Assert.Equal(2, e!.Party));
        Assert.All(errors, e => Assert.Contains("'mean_area'", e!.Message));
        Assert.Equal(tables[2].Source, errors[2]!.File);
        Assert.Equal("mean_area", errors[2]!.Column);
        Assert.Null(errors[0]!.File); // a party knows only its own file
    }

    [Fact]
    public void Vertical_MismatchedRowCounts_NameTheParty()
    {
        var tables = MlTestData.BreastCancer(Partitioning.Vertical, 3);
        tables[1] = WithoutLastRow(tables[1]);
        var errors = Verify(tables, DataPartition.ByColumns(0));
        Assert.All(errors, e => Assert.Equal(1, e!.Party));
        Assert.All(errors, e => Assert.Contains("568 rows where party 0 has 569", e!.Message));
        Assert.Equal(tables[1].Source, errors[1]!.File);
    }

    [Fact]
    public void Vertical_MismatchedIds_NameThePartyAndItsRow()
    {
        var tables = MlTestData.BreastCancer(Partitioning.Vertical, 3);
        tables[2] = WithId(tables[2], 17, "no-such-id");
        var errors = Verify(tables, DataPartition.ByColumns(0), shamir: true);
        Assert.All(errors, e => Assert.Equal(2, e!.Party));
        Assert.Equal(tables[2].Source, errors[2]!.File);
        Assert.NotNull(errors[2]!.Row); // its own row at the first sorted position where the ids part
        Assert.Contains($"row ", errors[0]!.Message); // the other parties name their own row of the id at that position
    }

    [Fact]
    public void Vertical_LabelAtTheWrongParty_IsNamed()
    {
        var tables = MlTestData.BreastCancer(Partitioning.Vertical, 2);
        var errors = Verify(tables, DataPartition.ByColumns(1));
        Assert.All(errors, e => Assert.NotNull(e));
        Assert.All(errors, e => Assert.Contains("label", e!.Message));
    }
}
