using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Shamir;

/// <summary>The arithmetic contract, N = 3..7, with every opening scattered (each party the king of a segment).</summary>
public sealed class ShamirScatteredContract : FixedPointContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) =>
        new ShamirSuite<Mersenne127>(session) { ScatteredOpeningMinimum = 1 };
    protected override int MinParties => 3;
}

/// <summary>The same with t = 1, so that kings check a degree-2 polynomial against redundant shares for N &gt;= 4.</summary>
public sealed class ShamirScatteredThresholdOneContract : FixedPointContractTests<Mersenne127>
{
    protected override IArithmeticSuite<Mersenne127> CreateSuite(Session session) =>
        new ShamirSuite<Mersenne127>(session, threshold: 1) { ScatteredOpeningMinimum = 1 };
    protected override int MinParties => 3;
}

public sealed class ShamirScatteredOpeningTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public async Task PreparedLongProducts_OpenInTwoRounds_Sending2NthsOfThem(int parties)
    {
        foreach (var r in await LongProductsAsync(parties, prepared: true))
        {
            Assert.Equal(2, r.Rounds);
            long mine = (long)(r.PartyId + 1) * ShamirSuiteLength / parties - (long)r.PartyId * ShamirSuiteLength / parties;
            long elements = (ShamirSuiteLength - mine) + (parties - 1) * mine; // my shares of the others' segments, my segment to all
            Assert.InRange(r.Sent - 16 * elements, 1, 64 * 2 * (parties - 1)); // plus a short header per frame
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public async Task LongProducts_ReshareInOneRound_SendingNMinus1MinusTOfThem(int parties)
    {
        foreach (var r in await LongProductsAsync(parties, prepared: false))
        {
            Assert.Equal(1, r.Rounds);
            // Every party deals (2t + 1 = N): its dealing goes to the N - 1 - t parties that do not draw it from a key.
            int recipients = parties - 1 - (parties - 1) / 2;
            Assert.InRange(r.Sent - 16L * recipients * ShamirSuiteLength, 1, 64 * recipients); // plus a short header per frame
        }
    }

    // One long product at every party, checked against the plain products: its rounds and bytes sent, with double
    // sharings prepared ahead or not (then after a first product, which hands out the resharing keys).
    private static async Task<(int Rounds, long Sent, int PartyId)[]> LongProductsAsync(int parties, bool prepared)
    {
        int length = ShamirSuiteLength;
        var x = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(i * 7919L - 100_000)).ToArray();
        var y = Enumerable.Range(0, length).Select(i => Mersenne127.FromInt64(3 - i * 31L)).ToArray();
        var results = await LocalParties.RunAsync(parties, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<Mersenne127>.Empty, length);
            var sy = await suite.InputAsync(1, s.PartyId == 1 ? y : ReadOnlyMemory<Mersenne127>.Empty, length);
            if (prepared) await suite.PrepareMultiplicationMasksAsync(length);
            else await suite.MultiplyAsync(sx, sy);
            var before = s.Network.Stats.Snapshot();
            var product = await suite.MultiplyAsync(sx, sy);
            var after = s.Network.Stats.Snapshot();
            return (Product: await suite.OpenAsync(product), Rounds: (int)(after.Rounds - before.Rounds),
                Sent: after.TotalBytesSent - before.TotalBytesSent, s.PartyId);
        });
        foreach (var r in results)
            for (int i = 0; i < length; i++) Assert.Equal(x[i] * y[i], r.Product[i]);
        return results.Select(r => (r.Rounds, r.Sent, r.PartyId)).ToArray();
    }

    private const int ShamirSuiteLength = (1 << 16) + 5;

    [Fact]
    public async Task KingsView_TopCoefficientUniformAndUnlinked()
    {
        // n = 3, t = 1: a product truncated straight from its degree-2 shares opens h = f g + 2^(k-1) + M. Party 1 is
        // the king of segment 1. It receives h(1) from party 0 and h(3) from party 2, and sends the opened h(0) to
        // both: three points of the degree-2 polynomial h. With a mask M of degree
        // t only, h's top coefficient would be f_1 g_1, which party 0 (owner of x and y) could compute from its own
        // shares; with the degree-2t mask it is uniform.
        const int length = 6000;
        var x = Enumerable.Repeat(Mersenne127.FromInt64(3 << 16), length).ToArray();
        var y = Enumerable.Repeat(Mersenne127.FromInt64(-(5 << 16)), length).ToArray();
        var networks = Mpc.Net.InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30)).Select(n => new RecordingNetwork(n)).ToArray();
        var shares = await LocalParties.RunAsync(networks, async s =>
        {
            var suite = new ShamirSuite<Mersenne127>(s) { ScatteredOpeningMinimum = 1 };
            var sx = await suite.InputAsync(0, x, length);
            var sy = await suite.InputAsync(0, y, length);
            await suite.MultiplyAndTruncateAsync(sx, sy, 16);
            return (F: sx.LocalShares.ToArray(), G: sy.LocalShares.ToArray());
        });

        var tag = networks[1].Received[^1].Tag; // the product's opening
        var h1 = Elements(networks[1].Received.First(f => f.Peer == 0 && f.Tag == tag).Payload);
        var h3 = Elements(networks[1].Received.First(f => f.Peer == 2 && f.Tag == tag).Payload);
        var h0 = Elements(networks[0].Received.Where(f => f.Peer == 1 && f.Tag == tag).ElementAt(1).Payload);
        int first = length / 3, segment = 2 * length / 3 - first;
        Assert.Equal(segment, h1.Length);
        Assert.Equal(segment, h3.Length);
        Assert.Equal(segment, h0.Length);
        var sixth = Mersenne127.Inverse(Mersenne127.FromInt64(6));
        int linked = 0;
        var counts = new long[16];
        for (int i = 0; i < segment; i++)
        {
            // h(x) = h0 + a x + b x^2: h(3) - 3 h(1) = -2 h0 + 6 b.
            var top = (h3[i] - Mersenne127.FromInt64(3) * h1[i] + Mersenne127.FromInt64(2) * h0[i]) * sixth;
            int e = first + i;
            var degreeTValue = (shares[0].F[e] - x[e]) * (shares[0].G[e] - y[e]);
            if (top == degreeTValue) linked++;
            counts[(int)(Mersenne127.ToBigInteger(top) >> 123)]++;
        }
        Assert.True(linked == 0, $"{linked} of {segment} openings reveal f_1 g_1");
        Arbitraries.ChiSquare.AssertUniform(counts, "top coefficient of the king's product polynomial");
    }

    private static Mersenne127[] Elements(byte[] payload) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Mersenne127>(payload).ToArray();
}
