using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Internal;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;
using Xunit.Abstractions;

namespace Mpc.Tests.Ml;

/// <summary>
/// Pooled totals (standardisation's per-feature sums over every party) are exact wherever each party's own values fit:
/// the sum over N parties of values that each fit the ring may not, and must not wrap around.
/// </summary>
public sealed class PooledTotalsTests(ITestOutputHelper output)
{
    private static readonly FixedPointFormat Format = new(16);

    private static double[][] Totals(double[][] values) =>
        LocalParties.Run(values.Length, async s =>
        {
            var fx = new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), Format);
            return await PooledTotals.OpenAsync(fx, values[s.PartyId],
                (j, limit) => new InvalidOperationException($"column {j} over {limit}"), default);
        });

    private static double Limit(int parties) =>
        LocalParties.Run(parties, s => Task.FromResult(PooledTotals.PartyLimit(
            new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), Format), parties)))[0];

    /// <summary>
    /// Per-party values up to the per-party limit (near it, at its edge, small, and mixed signs), N = 2..7: the opened
    /// totals are the sums, to the format's resolution per party plus the doubles' own rounding.
    /// </summary>
    [Property(MaxTest = 40)]
    public Property Totals_OfValuesUpToThePartyLimit_AreTheSums_ForAnyN() =>
        Prop.ForAll(
            (from parties in Gen.Choose(2, 7)
             from width in Gen.Choose(1, 4)
             from fractions in Gen.ArrayOf(Gen.OneOf(Gen.Elements(1.0, -1.0, 0.999999, -0.999999, 0.5, 1e-9, 0.0),
                 Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1e6)), parties * width)
             from scale in Gen.Elements(1.0, 1e-3, 1e-12, 1e-20)
             select (parties, width, fractions, scale)).ToArbitrary(),
            c =>
            {
                double limit = Limit(c.parties);
                // Strictly inside the limit: the edge itself is refused (see the next test).
                var values = Enumerable.Range(0, c.parties).Select(p => Enumerable.Range(0, c.width)
                    .Select(j => Math.BitDecrement(limit) * c.fractions[p * c.width + j] * c.scale).ToArray()).ToArray();
                var totals = Totals(values);
                for (int j = 0; j < c.width; j++)
                {
                    double exact = values.Sum(v => v[j]);
                    double largest = values.Max(v => Math.Abs(v[j]));
                    // The format's resolution per party, and a few units in the last place of the doubles summed.
                    double tolerance = c.parties * Format.Resolution + 4 * c.parties * (Math.BitIncrement(largest) - largest);
                    foreach (var t in totals)
                        if (Math.Abs(t[j] - exact) > tolerance)
                            return false.Label($"N = {c.parties}, column {j}: total {t[j]:R}, sum {exact:R}");
                }
                return true.ToProperty();
            });

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Totals_AtOrBeyondPartyLimit_AreRefusedBeforeAnyInput(int parties)
    {
        double limit = Limit(parties);
        output.WriteLine($"N = {parties}: per-party limit {limit:G4} (the format's largest value {Format.MaxValue<Z2k>():G4})");
        Assert.True(limit > 1e25, $"limit {limit}");
        var values = Enumerable.Range(0, parties).Select(_ => new[] { 1.0, -limit }).ToArray();
        var ex = Assert.ThrowsAny<InvalidOperationException>(() => Totals(values));
        Assert.Contains("column 1 over", ex.Message);
    }

    /// <summary>
    /// The case that wrapped: a column of values around 8e5 in magnitude, 200 training rows at each of three parties.
    /// Each party's sum of squared deviations fits the ring, their total does not; the deviation must still be right.
    /// </summary>
    [Fact]
    public async Task Standardisation_LargeColumn_ThreeParties_MatchesPlaintext()
    {
        const int parties = 3, rows = 200;
        var random = new System.Random(3); // test data only
        var tables = Enumerable.Range(0, parties).Select(p =>
        {
            var x = new double[rows * 2];
            var y = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                x[2 * i] = (i % 2 == 0 ? 8e5 : -8e5) + random.Next(-1000, 1000);
                x[2 * i + 1] = random.NextDouble();
                y[i] = i % 2;
            }
            return new PartyTable($"party-{p}.csv", ["big", "small"], x, y, "label", null, Enumerable.Range(2, rows).ToArray());
        }).ToArray();

        var plain = PooledData.HorizontalScaling(tables, new DataLoadOptions());
        // About 160 training rows a party of (8e5)^2: each party's sum fits the ring, three of them do not.
        double ownSquares = 0.8 * rows * plain.StandardDeviations[0] * plain.StandardDeviations[0];
        Assert.True(ownSquares < Format.MaxValue<Z2k>() && parties * ownSquares > Format.MaxValue<Z2k>(),
            $"the case must overflow a plain pooled sum ({ownSquares:G3})");

        var scalings = await LocalParties.RunAsync(parties, async s =>
        {
            var fx = new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), Format);
            var data = await new SecureDataLoader<Z2k>(fx).LoadAsync(tables[s.PartyId], DataPartition.ByRows, new DataLoadOptions());
            return data.PublicScaling!;
        });
        output.WriteLine($"deviation of 'big': secure {scalings[0].StandardDeviations[0]:R}, plaintext {plain.StandardDeviations[0]:R}");
        foreach (var scaling in scalings)
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(plain.Means[j], scaling.Means[j], 1e-6 * (1 + Math.Abs(plain.Means[j])));
                Assert.Equal(plain.StandardDeviations[j], scaling.StandardDeviations[j], 1e-6 * plain.StandardDeviations[j]);
            }
    }

    [Fact]
    public async Task Standardisation_BeyondExactRange_RefusedNamingColumnAndLimit()
    {
        const int parties = 2, rows = 10;
        var tables = Enumerable.Range(0, parties).Select(p => new PartyTable($"party-{p}.csv", ["ok", "huge"],
            Enumerable.Range(0, rows).SelectMany(i => new[] { i * 1.0, 1e27 * (i + 1) }).ToArray(),
            Enumerable.Range(0, rows).Select(i => (double)(i % 2)).ToArray(), "label", null, Enumerable.Range(2, rows).ToArray()))
            .ToArray();
        var errors = await LocalParties.RunAsync(parties, async s =>
        {
            var fx = new FixedPointArithmetic<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)), Format);
            return await Assert.ThrowsAsync<DataException>(
                async () => await new SecureDataLoader<Z2k>(fx).LoadAsync(tables[s.PartyId], DataPartition.ByRows, new DataLoadOptions()));
        });
        foreach (var (error, p) in errors.Select((e, p) => (e, p)))
        {
            output.WriteLine(error.Message);
            Assert.Equal("huge", error.Column);
            Assert.Equal(p, error.Party);
            Assert.Contains("rescale the column", error.Message);
            Assert.Matches(@"beyond the \d(\.\d+)?E\+\d+ in magnitude", error.Message);
        }
    }
}
