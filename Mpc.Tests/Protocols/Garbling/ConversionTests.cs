using Mpc.Core.Arithmetic;
using Mpc.Core.Circuits;
using Mpc.Core.FixedPoint;
using Mpc.Core.Random;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Garbling;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Garbling;

/// <summary>The arithmetic contract for the two-party additive suite with garbled-circuit comparison.</summary>
public sealed class AdditiveGarbledComparisonContract : FixedPointContractTests<Z2k>
{
    protected override IArithmeticSuite<Z2k> CreateSuite(Session session) =>
        new AdditiveSuite(session, new DealerPreprocessing(session), comparison: ComparisonMethod.GarbledCircuit);

    protected override int MinParties => 2;

    protected override int MaxParties => 2;
}

/// <summary>Conversions between additive shares and garbled values, and garbled comparisons, over two in-memory parties.</summary>
public sealed class ConversionTests
{
    private static readonly ulong[] Special = [0, 1, 2, 1UL << 63, (1UL << 63) - 1, ulong.MaxValue];

    /// <summary>Special values followed by uniform ones.</summary>
    private static ulong[] Values(int seed, int length)
    {
        using var prg = new AesCtrPrg(Seed(seed));
        var values = new ulong[length];
        prg.Fill<ulong>(values);
        Special.AsSpan(0, Math.Min(Special.Length, length)).CopyTo(values);
        return values;
    }

    /// <summary>Uniform two-party shares of <paramref name="values"/>: party 0's uniform, party 1's the rest.</summary>
    private static (Z2k[] P0, Z2k[] P1) Share(ulong[] values, int seed)
    {
        using var prg = new AesCtrPrg(Seed(seed + 1000));
        var p0 = new Z2k[values.Length];
        prg.Fill<Z2k>(p0);
        var p1 = new Z2k[values.Length];
        for (int i = 0; i < values.Length; i++) p1[i] = new Z2k(values[i] - p0[i].Value);
        return (p0, p1);
    }

    private static byte[] Seed(int seed)
    {
        var key = new byte[AesCtrPrg.SeedSize];
        BitConverter.TryWriteBytes(key, seed);
        key[15] = 0x5a;
        return key;
    }

    private static ulong[] Sum(Z2k[][] shares) =>
        [.. Enumerable.Range(0, shares[0].Length).Select(i => shares[0][i].Value + shares[1][i].Value)];

    [Theory]
    [InlineData(1, 6)]
    [InlineData(2, 40)]
    public async Task ArithmeticToYao_ThenBack_RoundTripsWithFreshShares(int seed, int length)
    {
        var values = Values(seed, length);
        var (p0, p1) = Share(values, seed);
        var results = await LocalParties.RunAsync(2, async s =>
        {
            using var bridge = await YaoBridge.CreateAsync(s);
            var mine = SharedVector<Z2k>.FromShares(s.PartyId == 0 ? p0 : p1);
            var garbled = await bridge.ArithmeticToYaoAsync(mine);
            Assert.Equal((length, 64), (garbled.Count, garbled.Width));
            var back = await bridge.YaoToArithmeticAsync(garbled);
            return back.LocalShares.ToArray();
        }, seed);
        Assert.Equal(values, Sum(results));
        // The shares are fresh: party 0's are the garbler's random masks, not its old shares.
        Assert.NotEqual(p0, results[0]);
    }

    [Fact]
    public async Task ArithmeticToYao_ThenReveal_GivesTheSumToBoth()
    {
        var values = Values(3, 20);
        var (p0, p1) = Share(values, 3);
        var results = await LocalParties.RunAsync(2, async s =>
        {
            using var bridge = await YaoBridge.CreateAsync(s);
            var garbled = await bridge.ArithmeticToYaoAsync(SharedVector<Z2k>.FromShares(s.PartyId == 0 ? p0 : p1));
            var first = await bridge.RevealAsync(garbled);
            // Labels stay usable: a second conversion of the same values still works.
            var shares = await bridge.YaoToArithmeticAsync(garbled);
            return (first, shares.LocalShares.ToArray());
        });
        Assert.Equal(values, results[0].first);
        Assert.Equal(values, results[1].first);
        Assert.Equal(values, Sum([results[0].Item2, results[1].Item2]));
    }

    [Fact]
    public async Task CustomCircuit_OnConvertedValues_ComputesReluWhileGarbled()
    {
        var values = Values(5, 25);
        var (p0, p1) = Share(values, 5);
        int n = values.Length;
        var builder = new CircuitBuilder();
        Wire[] v = builder.Input(n * 64);
        var relu = new Wire[n * 64];
        for (int e = 0; e < n; e++)
        {
            Wire[] element = v[(e * 64)..((e + 1) * 64)];
            builder.Mux(element[63], element, builder.Constant(0, 64)).CopyTo(relu, e * 64);
        }
        builder.Output(relu);
        Circuit circuit = builder.Build();
        var results = await LocalParties.RunAsync(2, async s =>
        {
            using var bridge = await YaoBridge.CreateAsync(s);
            var garbled = await bridge.ArithmeticToYaoAsync(SharedVector<Z2k>.FromShares(s.PartyId == 0 ? p0 : p1));
            YaoValues output = bridge.IsGarbler
                ? bridge.Wrap(n, (await bridge.Garbler!.GarbleAsync(circuit, [GarblerInput.FromLabels(garbled.GarblerLabels!)],
                    [OutputMode.KeepLabels])).Labels(0))
                : bridge.Wrap(n, (await bridge.Evaluator!.EvaluateAsync(circuit, [EvaluatorInput.FromLabels(garbled.EvaluatorLabels!)],
                    [OutputMode.KeepLabels])).Labels(0));
            Assert.Equal(64, output.Width);
            return (await bridge.YaoToArithmeticAsync(output)).LocalShares.ToArray();
        });
        Assert.Equal(values.Select(x => (long)x < 0 ? 0UL : x).ToArray(), Sum(results));
    }

    [Fact]
    public async Task LessThanZero_OnSignBits_GivesZeroOneShares_InOneRoundTrip()
    {
        var values = Values(4, 30);
        var (p0, p1) = Share(values, 4);
        var results = await LocalParties.RunAsync(2, async s =>
        {
            using var bridge = await YaoBridge.CreateAsync(s);
            var mine = SharedVector<Z2k>.FromShares(s.PartyId == 0 ? p0 : p1);
            await bridge.LessThanZeroAsync(mine, 64); // fills the OT pool
            long before = s.Network.Stats.Rounds;
            var bit = await bridge.LessThanZeroAsync(mine, 64);
            return (bit.LocalShares.ToArray(), s.Network.Stats.Rounds - before);
        });
        var expected = values.Select(v => (long)v < 0 ? 1UL : 0UL).ToArray();
        Assert.Equal(expected, Sum([results[0].Item1, results[1].Item1]));
        Assert.Equal(1, results[0].Item2);
        Assert.Equal(1, results[1].Item2);
    }

    [Fact]
    public async Task GarbledSuite_LessThanZero_MatchesPlaintext_OverTheWholeRange()
    {
        const int length = 200;
        foreach (int bits in new[] { 2, 17, 48, 63 })
        {
            long min = -(1L << (bits - 1)), max = (1L << (bits - 1)) - 1;
            var raw = Values(bits, length);
            var x = new long[length];
            for (int i = 0; i < length; i++) x[i] = (long)(raw[i] << (64 - bits)) >> (64 - bits);
            long[] edges = [min, max, 0, -1, 1, min + 1, max - 1];
            edges.AsSpan(0, bits == 2 ? 5 : edges.Length).CopyTo(x);
            var results = await LocalParties.RunAsync(2, async s =>
            {
                var suite = new AdditiveSuite(s, new DealerPreprocessing(s), comparison: ComparisonMethod.GarbledCircuit);
                Assert.Equal(ComparisonMethod.GarbledCircuit, suite.ComparisonMethod);
                var sx = await suite.InputAsync(1, s.PartyId == 1 ? x.Select(Z2k.FromInt64).ToArray() : ReadOnlyMemory<Z2k>.Empty, length);
                var first = await suite.LessThanZeroAsync(sx, bits);
                long before = s.Network.Stats.Rounds;
                var second = await suite.LessThanZeroAsync(sx, bits);
                long rounds = s.Network.Stats.Rounds - before;
                return (await suite.OpenAsync(first), await suite.OpenAsync(second), rounds);
            }, bits);
            for (int i = 0; i < length; i++)
            {
                Assert.True((x[i] < 0 ? Z2k.One : Z2k.Zero).Equals(results[0].Item1[i]), $"bits {bits}, x = {x[i]}");
                Assert.Equal(results[0].Item1[i], results[0].Item2[i]);
            }
            // Once the bridge exists, a comparison is one round trip whatever the width, plus one counted round when the
            // OT pool is refilled (its IKNP batch travels inside the request); bit decomposition needs 2 + ⌈log2(bits - 1)⌉.
            Assert.All(results, r => Assert.InRange(r.rounds, 1, 2));
        }
    }

    [Fact]
    public async Task FixedPointLessThanAndRelu_MatchPlaintext_TiesAndExtremesToo()
    {
        var format = new FixedPointFormat(16);
        // The comparison width FixedPointArithmetic uses: 63 bits in the additive suite.
        int k = Math.Min(63, format.SignedBits<Z2k>());
        // Operands in [-2^(k-2), 2^(k-2)), so that their difference stays in the k-bit range.
        long half = 1L << (k - 2);
        const int length = 120;
        var rx = Values(7, length);
        var ry = Values(8, length);
        var x = new long[length];
        var y = new long[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (long)(rx[i] << (65 - k)) >> (65 - k);
            y[i] = (long)(ry[i] << (65 - k)) >> (65 - k);
        }
        (long, long)[] edges =
        [
            (0, 0), (-half, -half), (half - 1, half - 1), (-half, half - 1), (half - 1, -half), (-1, 0), (0, -1), (1, 1), (-1, -1),
            (123456, 123456),
        ];
        for (int i = 0; i < edges.Length; i++) (x[i], y[i]) = edges[i];
        var results = await LocalParties.RunAsync(2, async s =>
        {
            var suite = new AdditiveSuite(s, new DealerPreprocessing(s), comparison: ComparisonMethod.GarbledCircuit);
            var fixedPoint = new FixedPointArithmetic<Z2k>(suite, format);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x.Select(Z2k.FromInt64).ToArray() : ReadOnlyMemory<Z2k>.Empty, length);
            var sy = await suite.InputAsync(1, s.PartyId == 1 ? y.Select(Z2k.FromInt64).ToArray() : ReadOnlyMemory<Z2k>.Empty, length);
            var less = await fixedPoint.LessThanAsync(sx, sy);
            // ReLU(x) = x · [x >= 0] = x · (1 - [x < 0]).
            var negative = await suite.LessThanZeroAsync(sx, k);
            var relu = await suite.MultiplyAsync(sx,
                suite.AddPublic(suite.Scale(negative, Z2k.FromInt64(-1)), Enumerable.Repeat(Z2k.One, length).ToArray()));
            return (await suite.OpenAsync(less), await suite.OpenAsync(relu));
        });
        for (int i = 0; i < length; i++)
        {
            Assert.True((x[i] < y[i] ? Z2k.One : Z2k.Zero).Equals(results[0].Item1[i]), $"{x[i]} < {y[i]}");
            Assert.Equal(Math.Max(x[i], 0), Z2k.ToSignedInt128(results[0].Item2[i]));
        }
        Assert.Equal(Z2k.Zero, results[0].Item1[0]); // equal values
    }

    [Fact]
    public async Task GarbledComparison_NeedsTwoParties()
    {
        var errors = await LocalParties.RunAsync(3, s => Task.FromResult(Record.Exception(() =>
            new AdditiveSuite(s, new DealerPreprocessing(s), comparison: ComparisonMethod.GarbledCircuit))));
        Assert.All(errors, e => Assert.IsType<ArgumentException>(e));
    }
}
