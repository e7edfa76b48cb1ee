using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Tests.Protocols.Harness;
using Xunit.Abstractions;

namespace Mpc.Tests.Ml;

/// <summary>
/// Vertical breast cancer data with a fifth of the rows removed at random from each party, trained over a private
/// intersection: the model is the plaintext one of the label owner's rows every party holds (same standardisation,
/// same algorithm), within the usual tolerance, and so is the test accuracy over the common test rows.
/// </summary>
public sealed class PrivateIntersectionTrainingTests(ITestOutputHelper output)
{
    private static readonly FixedPointFormat Format = new(16);
    private static readonly DataLoadOptions Load = new();
    private static readonly LogisticRegressionOptions Options = new() { Epochs = 60, LossEvery = 20 };

    private sealed record Outcome(double[] Weights, double Accuracy, int[]? LeaderRows, int[] TrainBins, int[] TestBins, int Bins,
        int TrainMembers, int TestMembers, IReadOnlyList<(int Epoch, double Loss)> Losses);

    private sealed class Party(PartyTable mine, DataPartition partition) : ISuiteWork<Outcome>
    {
        public async Task<Outcome> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            var fx = new FixedPointArithmetic<T>(suite, Format);
            var data = await new SecureDataLoader<T>(fx).LoadPrivateAsync(mine, partition, Load, labelFill: 0.5);
            var result = await new LogisticRegressionTrainer<T>(fx)
                .TrainAsync(data.Train, data.FeatureBound, Options, ModelOutput.RevealToAll);
            double accuracy = await PrivateEvaluation.AccuracyAsync(fx, data, result.SharedWeights);
            var rows = data.Private!;
            return new Outcome(result.Weights!, accuracy, rows.LeaderRows, rows.TrainBins, rows.TestBins, rows.Bins,
                data.Train.Members!.Value, data.Test.Members!.Value, result.Losses);
        }
    }

    /// <summary>A repeated id stops every party, the one holding it naming its file and row.</summary>
    [Fact]
    public void ARepeatedId_NamesThePartyFileAndRow()
    {
        var tables = MlTestData.BreastCancer(Partitioning.Vertical, 3);
        var bob = tables[1];
        var ids = bob.Ids!.ToArray();
        ids[7] = ids[3];
        tables[1] = new PartyTable(bob.Source, bob.FeatureNames, bob.Features, bob.Labels, bob.LabelName, ids, bob.LineNumbers);
        var partition = new DataPartition(Partitioning.Vertical, LabelOwner: 0);
        var errors = LocalParties.Run(3, async s =>
        {
            try
            {
                await TrustFreeSuite.RunAsync(s, new Party(tables[s.PartyId], partition));
                return null;
            }
            catch (Mpc.Core.MpcException e)
            {
                return e;
            }
        });
        var own = Assert.IsType<DataException>(errors[1]);
        Assert.Equal(1, own.Party);
        Assert.Equal(bob.Source, own.File);
        Assert.Equal(bob.LineNumbers[7], own.Row);
        Assert.Contains("the id repeats", own.Message);
        Assert.All(new[] { errors[0], errors[2] }, e => Assert.Contains("Party 1 has an id it cannot use", e!.Message));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void Parties_LearnTheModelOfTheCommonRows_WithoutKnowingThem(int parties)
    {
        var tables = MlTestData.KeepRandomRows(MlTestData.BreastCancer(Partitioning.Vertical, parties), 0.8, seed: 5);
        var partition = new DataPartition(Partitioning.Vertical, LabelOwner: 0);
        var outcomes = LocalParties.Run(parties, s => TrustFreeSuite.RunAsync(s, new Party(tables[s.PartyId], partition)));
        var leader = outcomes[0];
        Assert.NotNull(leader.LeaderRows);
        Assert.All(outcomes.Skip(1), o => Assert.Null(o.LeaderRows)); // only the label owner knows its bins' rows
        Assert.All(outcomes, o => Assert.Equal(outcomes[0].Weights, o.Weights));

        // The plaintext reference: the label owner's rows every party holds, in the training bins, standardised by each
        // party over all its own rows.
        var common = tables.Skip(1).Aggregate(tables[0].Ids!.ToHashSet(StringComparer.Ordinal), (set, t) =>
        {
            set.IntersectWith(t.Ids!);
            return set;
        });
        var scaled = tables.Select(t => (Table: t, Values: FeatureScaling.Of(t, [.. Enumerable.Range(0, t.RowCount)])
            .Apply(t, [.. Enumerable.Range(0, t.RowCount)]))).ToArray();
        PlainDataset Rows(int[] bins)
        {
            var ids = bins.Select(b => leader.LeaderRows![b]).Where(r => r >= 0).Select(r => tables[0].Ids![r])
                .Where(common.Contains).ToArray();
            int columns = tables.Sum(t => t.FeatureCount) + 1;
            var x = new List<double>();
            foreach (var id in ids)
            {
                foreach (var (table, values) in scaled)
                {
                    int row = Array.IndexOf(table.Ids!, id);
                    x.AddRange(values.AsSpan(row * table.FeatureCount, table.FeatureCount).ToArray());
                }
                x.Add(1);
            }
            var labels = ids.Select(id => tables[0].Labels![Array.IndexOf(tables[0].Ids!, id)]).ToArray();
            return new PlainDataset([.. x], labels, ids.Length, columns);
        }
        var train = Rows(leader.TrainBins);
        var test = Rows(leader.TestBins);
        Assert.Equal(train.Rows, outcomes[0].TrainMembers);
        Assert.Equal(test.Rows, outcomes[0].TestMembers);
        Assert.Equal(common.Count, train.Rows + test.Rows);
        var (plain, plainLosses) = PlaintextLogisticRegression.Train(train, Options);
        double plainAccuracy = Enumerable.Range(0, test.Rows)
            .Count(i => (PlaintextLogisticRegression.Dot(test.Row(i), plain) >= 0) == (test.Labels[i] >= 0.5)) / (double)test.Rows;

        double gap = outcomes[0].Weights.Zip(plain, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{parties} parties: common rows {common.Count} ({train.Rows} training, {test.Rows} test) " +
            $"of {leader.Bins} bins; " +
            $"max weight gap {gap:E2}; accuracy secure {outcomes[0].Accuracy:F4} plaintext {plainAccuracy:F4}; " +
            $"loss secure {outcomes[0].Losses[^1].Loss:F5} plaintext {plainLosses[^1].Loss:F5}");
        Assert.InRange(gap, 0, 1e-2);
        Assert.InRange(outcomes[0].Accuracy - plainAccuracy, -0.011, 0.011);
        Assert.InRange(outcomes[0].Losses[^1].Loss - plainLosses[^1].Loss, -1e-3, 1e-3);
    }
}
