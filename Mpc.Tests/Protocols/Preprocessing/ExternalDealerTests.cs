using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Preprocessing.Dealing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Preprocessing;

/// <summary>
/// The arithmetic contract for the additive suite with an external dealer (a mesh member that computes nothing), N =
/// 2..7.
/// </summary>
public sealed class AdditiveExternalDealerContract : FixedPointContractTests<Z2k>
{
    protected override IArithmeticSuite<Z2k> CreateSuite(Session session) =>
        new AdditiveSuite(session, new DealerPreprocessing(session, DealerParties.LinkOf(session)));

    protected override int MinParties => 2;

    protected override TResult[] RunParties<TResult>(int n, Func<Session, Task<TResult>> party, int seed = 0) =>
        DealerParties.Run(n, party, seed);
}

public sealed class ExternalDealerTests
{
    private const int Length = 96;

    /// <summary>
    /// A program that takes every kind of dealing: products, a truncation, a comparison (bit masks), a packed
    /// comparison beside a product (comparison masks and AND tuples, requested together), powers, and a matrix masked
    /// once and multiplied both ways (a mask, then triples for it). Returns what it opens.
    /// </summary>
    private static async Task<Z2k[]> EveryDealingAsync(Session s, long[] x)
    {
        var suite = new AdditiveSuite(s, new DealerPreprocessing(s, DealerParties.LinkOf(s)));
        var sx = await suite.InputAsync(1, s.PartyId == 1 ? x.Select(Z2k.FromInt64).ToArray() : ReadOnlyMemory<Z2k>.Empty, Length);
        var product = await suite.MultiplyAsync(sx, sx);
        var truncated = await suite.TruncateAsync(product, 8);
        var negative = await suite.LessThanZeroAsync(sx, 40);
        var clipped = await suite.SpeculativeComparison!.LessThanZeroAndProductAsync(sx, 40, 8, Task.FromResult(sx));
        var powers = await suite.Powers!.TruncatedPowersAsync(truncated, 8, 3);
        var matrix = await suite.PrepareMatrixAsync(sx, 12, 8);
        var right = await suite.InputAsync(0,
            s.PartyId == 0 ? Enumerable.Range(0, 24).Select(i => Z2k.FromInt64(i - 5)).ToArray() : ReadOnlyMemory<Z2k>.Empty, 24);
        var left = await suite.MatrixMultiplyAsync(matrix, right, 3);
        var transposed = await suite.TransposedMatrixMultiplyAsync(matrix,
            await suite.InputAsync(0,
                s.PartyId == 0 ? Enumerable.Range(0, 36).Select(i => Z2k.FromInt64(i)).ToArray() : ReadOnlyMemory<Z2k>.Empty, 36),
            3);
        var opened = await suite.OpenAsync(new SharedVector<Z2k>([.. truncated.LocalShares, .. negative.LocalShares,
            .. clipped.Products.LocalShares, .. left.LocalShares, .. transposed.LocalShares]));
        GC.KeepAlive(powers);
        return opened;
    }

    private static long[] Inputs(int salt) =>
        Enumerable.Range(0, Length).Select(i => (i % 3 == 0 ? -1L : 1L) * (1 + (i * 7919L + salt) % 100_000)).ToArray();

    [Fact]
    public async Task TheDealer_HearsOnlySeedsAndShapes_TheSameWhateverTheInputs()
    {
        // What the dealer receives is its whole view: one seed from each computing party, then party 0's requests. The
        // requests are kinds, tags and sizes, byte for byte the same for two different inputs; no frame carries a value.
        var views = new List<IReadOnlyList<(int Peer, StreamTag Tag, byte[] Payload)>>();
        var outputs = new List<Z2k[]>();
        foreach (int salt in new[] { 13, 500_000 })
        {
            var mesh = InMemoryNetwork.CreateCluster(4, TimeSpan.FromSeconds(30));
            var recorder = new RecordingNetwork(mesh[3]);
            mesh[3] = recorder;
            var x = Inputs(salt);
            var outcome = await DealerParties.RunAsync(mesh, s => EveryDealingAsync(s, x), id => LocalParties.PrivateSeed(salt, id));
            Assert.True(outcome.Report.Dealings >= 10, $"{outcome.Report.Dealings} dealings");
            Assert.True(outcome.Report.CorrectionBytes > 0);
            outputs.Add(outcome.Results[0]);
            views.Add(recorder.Received);
        }
        Assert.NotEqual(outputs[0], outputs[1]); // the inputs did differ, and the program used them
        foreach (var view in views)
        {
            for (int p = 0; p < 3; p++)
            {
                var seeds = view.Where(f => f.Peer == p && f.Tag == DealerLink.SeedTag).ToList();
                Assert.Single(seeds);
                Assert.Equal(16, seeds[0].Payload.Length);
            }
            // parties 1 and 2: their seed, nothing else
            Assert.All(view.Where(f => f.Peer != 0), f => Assert.Equal(DealerLink.SeedTag, f.Tag));
            Assert.All(view.Where(f => f.Tag != DealerLink.SeedTag), f =>
            {
                Assert.Equal(0, f.Peer);
                Assert.Equal(DealerLink.RequestTag, f.Tag);
                Assert.Equal(DealRequest.Size, f.Payload.Length);
            });
        }
        var requests = views
            .Select(v => v.Where(f => f.Tag == DealerLink.RequestTag).Select(f => Convert.ToHexString(f.Payload)).ToArray())
            .ToArray();
        Assert.Equal(requests[0], requests[1]);
        Assert.Equal(DealKind.End, DealRequest.Read(Convert.FromHexString(requests[0][^1]), out _).Kind);
    }

    [Fact]
    public async Task OnlyPartyZero_WaitsForTheDealer_TheOthersDeriveEverything()
    {
        // Parties 1..N-1 never receive from the dealer; party 0 receives one frame of corrections per dealing that has any,
        // those it asked for ahead included.
        var mesh = InMemoryNetwork.CreateCluster(4, TimeSpan.FromSeconds(30));
        var recorders = mesh.Take(3).Select(n => new RecordingNetwork(n)).ToArray();
        for (int p = 0; p < 3; p++) mesh[p] = recorders[p];
        var outcome = await DealerParties.RunAsync(mesh, s => EveryDealingAsync(s, Inputs(1)), id => LocalParties.PrivateSeed(1, id));
        Assert.DoesNotContain(recorders[1].Received, f => f.Peer == 3);
        Assert.DoesNotContain(recorders[2].Received, f => f.Peer == 3);
        var corrections = recorders[0].Received.Where(f => f.Peer == 3).ToList();
        Assert.NotEmpty(corrections);
        Assert.Equal(outcome.Report.CorrectionBytes, corrections.Sum(f => (long)f.Payload.Length));
        Assert.All(corrections, f => Assert.Equal(DealerLink.AnswerTag, f.Tag));
    }

    [Theory]
    [InlineData("unknown kind")]
    [InlineData("negative size")]
    [InlineData("unknown mask")]
    [InlineData("padding")]
    [InlineData("too many")]
    [InlineData("none")]
    public async Task TheDealer_RefusesAMalformedRequest_NamingPartyZero(string fault)
    {
        var mesh = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30));
        try
        {
            var dealer = Task.Run(() => DealerService.ServeAsync(mesh[2]));
            await using var link1 = await DealerLink.ConnectAsync(mesh[1], 2, TimeSpan.FromSeconds(10));
            await using var link0 = await DealerLink.ConnectAsync(mesh[0], 2, TimeSpan.FromSeconds(10));
            var request = fault switch
            {
                "negative size" => new DealRequest(DealKind.Triples, 0, -5).ToBytes(1),
                "unknown mask" => new DealRequest(DealKind.MatrixTripleForMask, 0, 77, 4, 2, 0, 2, 0, 2).ToBytes(1),
                "too many" => new DealRequest(DealKind.Triples, 0, 5).ToBytes(DealRequest.MaxCount + 1),
                "none" => new DealRequest(DealKind.Triples, 0, 5).ToBytes(0),
                _ => new DealRequest(DealKind.Triples, 0, 5).ToBytes(1),
            };
            if (fault == "unknown kind") request[0] = 200;
            if (fault == "padding") request[2] = 1;
            await mesh[0].SendAsync(2, DealerLink.RequestTag, request);
            var refused = await Assert.ThrowsAsync<DealerRequestException>(() => dealer);
            Assert.Equal(0, refused.PeerId);
            Assert.Contains("Party 0 sent a dealing request the dealer refuses", refused.Message);
        }
        finally
        {
            foreach (var network in mesh) await network.DisposeAsync();
        }
    }

    [Fact]
    public async Task PartyZerosKeepAlives_LetTheDealerWaitPastTheDeadline()
    {
        // A computation that needs no dealing for longer than the receive deadline (a replicated run on a cluster with a
        // dealer) must not time the dealer out: party 0 says it is alive every third of the deadline.
        var mesh = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(0.6));
        var outcome = await DealerParties.RunAsync(mesh, async s =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            return s.PartyId;
        }, id => LocalParties.PrivateSeed(0, id), keepAliveEvery: TimeSpan.FromSeconds(0.2));
        Assert.Equal([0, 1], outcome.Results);
        Assert.Equal(0, outcome.Report.Dealings);

        // Without them, the dealer gives up on party 0.
        var silent = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(0.6));
        await Assert.ThrowsAnyAsync<PeerException>(() => DealerParties.RunAsync(silent, async s =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            return s.PartyId;
        }, id => LocalParties.PrivateSeed(0, id), keepAliveEvery: TimeSpan.FromSeconds(30)));
    }
}

public sealed class DealerLinkTests
{
    [Fact]
    public async Task NextSmallDealing_IsAskedAhead_AndHasArrivedWhenTaken()
    {
        var mesh = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30));
        try
        {
            var dealer = Task.Run(() => DealerService.ServeAsync(mesh[2]));
            await using var other = await DealerLink.ConnectAsync(mesh[1], 2, TimeSpan.FromSeconds(10));
            await using var link = await DealerLink.ConnectAsync(mesh[0], 2, TimeSpan.FromSeconds(10));
            var masks = new DealtMasks();
            DealRequest Dealing(ulong ordinal) => new(DealKind.Triples, ordinal, 100);

            // 300 words a dealing: 218 fit in the 65,536 words asked for ahead, of which 64 at most in one request.
            var first = await link.Ask(Dealing(0), DealRecipe.For(Dealing(0), masks));
            Assert.Equal(100, first.Length);
            Assert.Equal(1 + 64, link.Requests); // #0, and #1..#64 ahead in one request
            await Task.Delay(300); // their answer arrives meanwhile
            for (ulong k = 1; k <= 32; k++)
            {
                var next = link.Ask(Dealing(k), DealRecipe.For(Dealing(k), masks));
                Assert.True(next.IsCompletedSuccessfully, $"dealing #{k}, asked for ahead, had not arrived");
                Assert.Equal(100, (await next).Length);
            }
            Assert.Equal(1 + 64, link.Requests); // still half a batch ahead (#33..#64)
            await link.Ask(Dealing(33), DealRecipe.For(Dealing(33), masks));
            Assert.Equal(1 + 64 + 64, link.Requests); // #65..#128 asked for

            // A large shape is asked for when it is taken, not ahead: the dealer's work and the bytes are the run's own.
            var large = new DealRequest(DealKind.Triples, 0, 1 << 16);
            await link.Ask(large, DealRecipe.For(large, masks));
            Assert.Equal(1 + 128 + 1, link.Requests);

            await link.FinishAsync();
            var report = await dealer;
            Assert.Equal(130, report.Dealings);
            Assert.Equal((129 * 100 + (1 << 16)) * 8, report.CorrectionBytes);
        }
        finally
        {
            foreach (var network in mesh) await network.DisposeAsync();
        }
    }
}
