using System.Diagnostics;
using Mpc.Net;
using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Net;

/// <summary>The <see cref="IPartyNetwork"/> contract, run against every implementation (in-memory, TCP, TCP with TLS).</summary>
[Collection(SocketTests.Collection)]
public sealed class PartyNetworkContractTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly StreamTag A = new(1), B = new(2);

    public static TheoryData<string> Kinds => NetworkKind.All;

    [Theory, MemberData(nameof(Kinds))]
    public async Task ExchangeWithAll_FillsEveryPartysSlot_InOneRound(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 3, Deadline);
        var results = await Task.WhenAll(parties.All.Select(async net =>
        {
            var mine = Enumerable.Range(0, 1000).Select(i => (ulong)(net.PartyId * 1_000_000 + i)).ToArray();
            var all = new ulong[3 * mine.Length];
            await net.ExchangeWithAllAsync(A, mine.AsMemory(), all.AsMemory());
            return all;
        }));
        foreach (var all in results)
        {
            for (int p = 0; p < 3; p++)
            {
                for (int i = 0; i < 1000; i++) Assert.Equal((ulong)(p * 1_000_000 + i), all[p * 1000 + i]);
            }
        }
        Assert.All(parties.All, n => Assert.Equal(1, n.Stats.Rounds));
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Frames_AreDemultiplexedByTag_AndOrderedPerTag(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 2, Deadline);
        await parties[0].SendAsync(1, B, new byte[] { 20 });
        await parties[0].SendAsync(1, A, new byte[] { 10 });
        await parties[0].SendAsync(1, B, new byte[] { 21 });
        await parties[0].SendAsync(1, A, new byte[] { 11 });
        var buffer = new byte[1];
        foreach (var (tag, expected) in new[] { (A, 10), (A, 11), (B, 20), (B, 21) })
        {
            await parties[1].ReceiveAsync(0, tag, buffer);
            Assert.Equal(expected, buffer[0]);
        }
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task ReceiveFrame_OfUnknownLength_ReturnsWholePayload(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 2, Deadline);
        var payload = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        await parties[1].SendAsync(0, A, payload);
        await parties[1].SendAsync(0, A, ReadOnlyMemory<byte>.Empty);
        using (var frame = await parties[0].ReceiveFrameAsync(1, A)) Assert.Equal(payload, frame.Memory.ToArray());
        using (var empty = await parties[0].ReceiveFrameAsync(1, A)) Assert.Equal(0, empty.Memory.Length);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Receive_OfWrongLength_FailsWithMalformedFrameNamingThePeer(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 3, Deadline);
        await parties[2].SendAsync<ulong>(0, A, new ulong[5].AsMemory());
        var ex = await Assert.ThrowsAsync<MalformedFrameException>(
            () => parties[0].ReceiveAsync<ulong>(2, A, new ulong[4].AsMemory()).AsTask());
        Assert.Equal(2, ex.PeerId);
        Assert.Contains("party 2", ex.Message, StringComparison.OrdinalIgnoreCase);
        // Party 0 aborts, so party 1 fails too, naming the same culprit.
        var other = await Assert.ThrowsAsync<PeerAbortedException>(() => parties[1].ReceiveAsync(0, A, new byte[1]).AsTask());
        Assert.Equal(2, other.CulpritPartyId);
        Assert.Equal(0, other.AbortingPartyId);
    }

    /// <summary>
    /// Party 2 never sends; party 0 waits for it, and party 1 (a little later) waits for party 0, which is blocked.
    /// Both are alive, so each gets a second deadline after its probe; party 0's expires first and names party 2,
    /// and its abort reaches party 1 before party 1's own deadline, so party 1 names party 2 as well, not party 0.
    /// </summary>
    [Theory, MemberData(nameof(Kinds))]
    public async Task SilentPeer_IsNamedByEveryParty_NotThePartyItBlocks(string kind)
    {
        // Party 1 starts waiting three quarters of a deadline later: its own second deadline then ends 1.5 s after party
        // 0's, time enough for party 0's abort to arrive on a loaded machine.
        var deadline = TimeSpan.FromSeconds(2);
        await using var parties = await NetworkKind.CreateAsync(kind, 3, deadline);
        var sw = Stopwatch.StartNew();
        var at0 = Assert.ThrowsAnyAsync<PeerException>(() => parties[0].ReceiveAsync(2, A, new byte[8]).AsTask());
        await Task.Delay(deadline * 0.75);
        var at1 = Assert.ThrowsAsync<PeerAbortedException>(() => parties[1].ReceiveAsync(0, B, new byte[8]).AsTask());
        var ex0 = await at0;
        var elapsed = sw.Elapsed;
        Assert.True(ex0 is PeerTimeoutException, $"{elapsed}: {ex0.Message}");
        Assert.Equal(2, ex0.PeerId);
        Assert.Contains("second deadline", ex0.Message);
        Assert.InRange(elapsed, deadline * 1.8, deadline * 2 + TimeSpan.FromSeconds(5));
        var ex1 = await at1;
        Assert.Equal(2, ex1.CulpritPartyId);
        Assert.Equal(0, ex1.AbortingPartyId);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Abort_ReachesEveryPeer_WithReasonAndCulprit(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 3, Deadline);
        var waiting = parties.All.Skip(1)
            .Select(n => Assert.ThrowsAsync<PeerAbortedException>(() => n.ReceiveAsync(0, A, new byte[1]).AsTask()))
            .ToArray();
        await parties[0].AbortAsync("input file has 3 columns, expected 4");
        await parties[0].AbortAsync("again");   // idempotent
        foreach (var w in waiting)
        {
            var ex = await w;
            // Party 0's own abort, or the same abort forwarded by the other peer: culprit and reason travel unchanged.
            Assert.Equal(0, ex.CulpritPartyId);
            Assert.Equal("input file has 3 columns, expected 4", ex.AbortReason);
            Assert.Contains("Party 0 (p0)", ex.Message);
        }
        var own = await Assert.ThrowsAsync<PeerAbortedException>(() => parties[0].SendAsync(1, A, new byte[1]).AsTask());
        Assert.Equal(0, own.CulpritPartyId);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task AbortNamingAPeer_MakesEveryPartyNameThatPeer(string kind)
    {
        // Party 1 found that party 2's message failed a check: everyone, party 2 included, names party 2, and party 1 as
        // the reporter, whether party 1's abort or the copy the other party passes on arrives first.
        await using var parties = await NetworkKind.CreateAsync(kind, 3, Deadline);
        var waiting = new[] { 0, 2 }
            .Select(p => Assert.ThrowsAsync<PeerAbortedException>(() => parties[p].ReceiveAsync(1, A, new byte[1]).AsTask()))
            .ToArray();
        await parties[1].AbortAsync(culprit: 2, "sent ping bytes that differ from the expected pattern");
        foreach (var w in waiting)
        {
            var ex = await w;
            Assert.Equal(2, ex.CulpritPartyId);
            Assert.Equal(1, ex.AbortingPartyId);
            Assert.Equal("sent ping bytes that differ from the expected pattern", ex.AbortReason);
            Assert.StartsWith("Party 2 (p2) failed: sent ping bytes", ex.Message);
            Assert.EndsWith("(reported by party 1 (p1))", ex.Message);
        }
        var own = await Assert.ThrowsAsync<PeerAbortedException>(() => parties[1].SendAsync(0, A, new byte[1]).AsTask());
        Assert.Equal(2, own.CulpritPartyId);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => parties[0].AbortAsync(culprit: 3, "no such party").AsTask());
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task CancelledReceive_LeavesTheNetworkUsable(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 2, Deadline);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parties[0].ReceiveAsync(1, A, new byte[1], cts.Token).AsTask());
        await parties[1].SendAsync(0, A, new byte[] { 7 });
        var buffer = new byte[1];
        await parties[0].ReceiveAsync(1, A, buffer);
        Assert.Equal(7, buffer[0]);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Stats_CountFrameBytesPerPeer_AndRounds(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 2, Deadline);
        await parties[0].SendAsync(1, A, new byte[1000]);
        await parties[1].ReceiveAsync(0, A, new byte[1000]);
        parties[0].CountRound();
        var s0 = parties[0].Stats.Snapshot();
        var s1 = parties[1].Stats.Snapshot();
        Assert.Equal(1, s0.Rounds);
        var sent = Assert.Single(s0.Peers);
        Assert.Equal(1, sent.PeerId);
        Assert.InRange(sent.BytesSent, 1000, 1020);   // payload plus a small header
        Assert.Equal(1, sent.FramesSent);
        Assert.Equal(sent.BytesSent, Assert.Single(s1.Peers).BytesReceived);
        Assert.Contains("peer 1", s0.ToString());
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task FramesSentBeforeClosing_AreDelivered_ThenClosedPeerNamed(string kind)
    {
        await using var parties = await NetworkKind.CreateAsync(kind, 2, Deadline);
        await parties[0].SendAsync(1, A, new byte[] { 42 });
        // Closing waits (bounded) for the peer to close too, so that nothing in flight is lost to a reset.
        var closing = parties[0].DisposeAsync().AsTask();
        var buffer = new byte[1];
        await parties[1].ReceiveAsync(0, A, buffer);
        Assert.Equal(42, buffer[0]);
        var ex = await Assert.ThrowsAsync<PeerDisconnectedException>(() => parties[1].ReceiveAsync(0, A, buffer).AsTask());
        Assert.Equal(0, ex.PeerId);
        Assert.Contains("closed its connection", ex.Message);
        await closing.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
