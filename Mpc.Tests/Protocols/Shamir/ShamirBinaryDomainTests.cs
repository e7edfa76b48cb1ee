using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Shamir;
using Mpc.Protocols.Shamir.Internal;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Protocols.Harness;
using static Mpc.Tests.Arbitraries.Elements;

namespace Mpc.Tests.Protocols.Shamir;

/// <summary>
/// The Shamir suite's binary domain (Shamir sharing over GF(2^8), products by resharing), and what its comparisons
/// open.
/// </summary>
public sealed class ShamirBinaryDomainTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Property(MaxTest = 15)]
    public void Products_OfSharedBytes_AreTheFieldProducts(int seed, byte nByte, byte tByte, byte lengthByte)
    {
        int n = 3 + nByte % 5, t = 1 + tByte % ((n - 1) / 2), length = 1 + lengthByte % 60;
        bool scattered = seed % 2 == 0; // long-vector openings, each party the king of a segment
        Gf256[] a = Vector<Gf256>(seed, length), b = Vector<Gf256>(seed + 1, length);
        int ownerA = Math.Abs(seed % n), ownerB = Math.Abs((seed / 7) % n);
        var results = LocalParties.Run(n, async s =>
        {
            var engine = new ShamirEngine<Gf256>(s, t) { ScatteredOpeningMinimum = scattered ? 8 : 1 << 16 };
            var sa = await engine.InputAsync(ownerA, s.PartyId == ownerA ? a : ReadOnlyMemory<Gf256>.Empty, length, default);
            var sb = await engine.InputAsync(ownerB, s.PartyId == ownerB ? b : ReadOnlyMemory<Gf256>.Empty, length, default);
            var product = await engine.MultiplyAsync(sa, sb, default);
            var sum = new Gf256[length];
            VectorMath.Add<Gf256>(sa, sb, sum);
            return (Product: await engine.OpenAsync(product, default), Sum: await engine.OpenAsync(sum, default));
        }, seed);
        foreach (var (product, sum) in results)
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(a[i] * b[i], product[i]);
                Assert.Equal(a[i] + b[i], sum[i]);
            }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReshareDealing_IsUniform_UnpaddedShowsProductShare(bool padded)
    {
        // n = 3, t = 1: dealer 1 draws its value for party 2 from their key and sends g_1(x_0) to party 0. Party 0 dealt
        // x and y, so it knows party 1's product share p_1 = f(x_1) g(x_1). With the pad, g_1(x_0) is uniform whatever
        // p_1 is; without it (the broken variant), it is a fixed multiple of p_1.
        const int length = 4000;
        var x = Enumerable.Range(0, length).Select(i => new Gf256((byte)(i % 2))).ToArray();
        var y = Enumerable.Repeat(Gf256.One, length).ToArray();
        var networks = InMemoryNetwork.CreateCluster(3, Timeout).Select(n => new RecordingNetwork(n)).ToArray();
        var shares = await LocalParties.RunAsync(networks, async s =>
        {
            var engine = new ShamirEngine<Gf256>(s, 1) { MaskResharing = padded };
            var sx = await engine.InputAsync(0, x, length, default);
            var sy = await engine.InputAsync(0, y, length, default);
            var product = await engine.MultiplyAsync(sx, sy, default);
            return (F: sx, G: sy, Product: await engine.OpenAsync(product, default));
        });
        Assert.All(shares, r => Assert.Equal(Enumerable.Range(0, length).Select(i => x[i] * y[i]), r.Product));

        var dealt = networks[0].Received.Where(f => f.Peer == 1 && f.Payload.Length == length).ToList()[^2].Payload; // before the opening
        // g_1(x_0) = L p_1 + L' pad, L the Lagrange weight of g(0) at x_0 over the points 0 and x_2.
        Gf256 x0 = ShamirScheme<Gf256>.EvaluationPoint(0), x2 = ShamirScheme<Gf256>.EvaluationPoint(2);
        var weight = (x0 - x2) / (Gf256.Zero - x2);
        int linked = 0;
        var counts = new long[16];
        for (int i = 0; i < length; i++)
        {
            var received = new Gf256(dealt[i]);
            if (received == weight * shares[1].F[i] * shares[1].G[i]) linked++;
            counts[received.Value >> 4]++;
        }
        if (!padded)
        {
            Assert.Equal(length, linked);
            return;
        }
        Assert.True(linked < length / 64, $"{linked} of {length} dealings show the product share");
        ChiSquare.AssertUniform(counts, "a resharing dealing received by a party that knows the dealer's product share");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ComparisonsOpenedBit_IsUniform_UnmaskedItIsTheSign(bool masked)
    {
        // Every value negative: the comparison's last opening, its result bit masked by a daBit, must still be a fair coin.
        const int length = 4000;
        var x = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(-1 - i)).ToArray();
        var networks = InMemoryNetwork.CreateCluster(3, Timeout).Select(n => new RecordingNetwork(n)).ToArray();
        var shares = await LocalParties.RunAsync(networks, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s) { MaskComparisonBits = masked };
            var sx = await suite.InputAsync(1, s.PartyId == 1 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
            return (await suite.LessThanZeroAsync(sx, 24)).LocalShares.ToArray();
        });
        var result = new ShamirScheme<Mersenne127>(3, 1).Reconstruct(Enumerable.Range(0, 3).ToDictionary(p => p, p => shares[p]));
        Assert.All(result, bit => Assert.Equal(Mersenne127.One, bit)); // right either way

        // Party 0 sees the others' shares of the opened bits in their last frames: any two reconstruct them.
        var opened = new ShamirScheme<Gf256>(3, 1).Reconstruct(new Dictionary<int, Gf256[]>
        {
            [1] = Bytes(networks[0].Received.Last(f => f.Peer == 1).Payload),
            [2] = Bytes(networks[0].Received.Last(f => f.Peer == 2).Payload),
        });
        Assert.Equal(length, opened.Length);
        var counts = new long[2];
        foreach (var bit in opened) counts[bit.Value]++;
        if (masked)
        {
            ChiSquare.AssertUniform(counts, "the opened comparison bits");
            return;
        }
        Assert.Equal(length, counts[1]); // the sign of every value, in the clear
        Assert.True(ChiSquare.Statistic(counts) > ChiSquare.Critical001(1));
    }

    [Property(MaxTest = 10)]
    public void Comparison_OfNarrowInputs_IsExact(int seed, byte nByte, byte bitsByte)
    {
        int n = 3 + nByte % 5, bits = 2 + bitsByte % 5, length = 1 << bits; // every value of the range
        var x = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(i - length / 2)).ToArray();
        var results = LocalParties.Run(n, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s, threshold: 1 + Math.Abs(seed) % ((n - 1) / 2));
            var sx = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
            return await suite.OpenAsync(await suite.LessThanZeroAsync(sx, bits));
        }, seed);
        for (int i = 0; i < length; i++) Assert.Equal(i < length / 2 ? Mersenne127.One : Mersenne127.Zero, results[0][i]);
    }

    /// <summary>
    /// Repeated comparisons of one width take their masks from a batch (its ripple-carry adder over the dealt
    /// negations): exact, and the coarse form exact outside [-2^j, 0), for random N, t, widths and inputs.
    /// </summary>
    [Property(MaxTest = 12)]
    public void BatchedComparisons_AreExact(int seed, byte nByte, byte bitsByte, byte ignoredByte, bool coarse)
    {
        int n = 3 + nByte % 5, bits = 6 + bitsByte % 30, length = 9;
        int ignored = coarse ? 1 + ignoredByte % (bits - 2) : 0;
        var rng = new System.Random(seed);
        long half = 1L << (bits - 1);
        // Four calls' inputs over the whole range; the coarse form's avoid [-2^j, 0), where it may err, and stay below
        // 2^(l-1) - 2^j, as its contract asks.
        var inputs = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, length).Select(_ =>
        {
            long v;
            do v = rng.NextInt64(-half, half - (ignored > 0 ? 1L << ignored : 0));
            while (ignored > 0 && v < 0 && v >= -(1L << ignored));
            return v;
        }).ToArray()).ToArray();
        var results = LocalParties.Run(n, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s, threshold: 1 + Math.Abs(seed % ((n - 1) / 2)));
            var opened = new List<Mersenne127[]>();
            foreach (var values in inputs)
            {
                var x = values.Select(Mersenne127.FromInt64).ToArray();
                var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
                var below = ignored > 0 ? await suite.LessThanZeroCoarseAsync(sx, bits, ignored) : await suite.LessThanZeroAsync(sx, bits);
                opened.Add(await suite.OpenAsync(below));
            }
            return opened;
        }, seed);
        for (int call = 0; call < inputs.Length; call++)
            for (int e = 0; e < length; e++)
                Assert.True((inputs[call][e] < 0 ? 1 : 0) == (int)Mersenne127.ToSignedInt128(results[0][call][e]),
                    $"call {call}, x = {inputs[call][e]}: [x < 0] opened as {results[0][call][e]} (N = {n}, l = {bits}, j = {ignored})");
    }

    [Fact]
    public async Task Comparisons_ShareABatchOfMasks_UntilItIsDiscarded()
    {
        const int length = 10, bits = 16;
        var x = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(i * 997 - 5000)).ToArray();
        var runs = await LocalParties.RunAsync(5, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var sx = await suite.InputAsync(2, s.PartyId == 2 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
            var rounds = new List<long>();
            var opened = new List<Mersenne127[]>();
            for (int call = 0; call < 7; call++)
            {
                if (call == 4) suite.DiscardPreparedMasks(); // what follows deals afresh
                long before = s.Network.Stats.Rounds;
                var below = await suite.LessThanZeroAsync(sx, bits);
                rounds.Add(s.Network.Stats.Rounds - before);
                opened.Add(await suite.OpenAsync(below));
            }
            return (Rounds: rounds, Opened: opened);
        });
        var (roundsPerCall, results) = runs[0];
        Assert.All(results, r => Assert.Equal(x.Select(v => Mersenne127.ToSignedInt128(v) < 0 ? 1 : 0),
            r.Select(b => (int)Mersenne127.ToSignedInt128(b))));
        // The first comparison of a width deals its own masks: the dealing, the opening of c (beside the adder layer
        // over the three dealt numbers), the adder layer with c, the generate bits, ceil(log2 15) = 4 tree levels, the
        // opening of the bit (and, the first time, the keys of both pseudo-random sharings).
        Assert.Equal(9, roundsPerCall[4]);
        Assert.True(roundsPerCall[0] > 9, $"the first call also hands out keys: {roundsPerCall[0]} rounds");
        // The second deals a batch; the others take from it: the opening of c, 4 tree levels, the opening of the bit.
        const int online = 6;
        Assert.True(roundsPerCall[1] > online && roundsPerCall[5] > online, $"batches: {roundsPerCall[1]}, {roundsPerCall[5]} rounds");
        Assert.Equal([online, online, online], new[] { roundsPerCall[2], roundsPerCall[3], roundsPerCall[6] });
    }

    private static Gf256[] Bytes(byte[] payload) => payload.Select(b => new Gf256(b)).ToArray();
}
