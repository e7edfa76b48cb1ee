using System.Buffers;
using Mpc.Net;

namespace Mpc.Protocols.Common;

/// <summary>
/// An opening as a reduce-scatter and an all-gather: party j receives every party's share of segment j of the
/// vector, combines them (a sum for additive shares, a Lagrange interpolation for Shamir shares), and sends the opened
/// segment to all. Each party sends 2 (N - 1) / N of the vector instead of N - 1 times it, and combines one N-th of
/// it, in two rounds instead of one; everyone sees what an all-to-all opening shows (each share of the opened value).
/// </summary>
internal static class ScatteredOpening
{
    /// <summary>
    /// Vectors from this length up open scattered by default (N &gt; 2). From here up the two rounds measured faster over
    /// loopback TLS for N = 3 (additive: products of 2^15 elements 1.2-1.35 times, of 10^6 elements 1.5-1.6 times).
    /// Shorter vectors keep one round: latency weighs more there, above all between machines.
    /// </summary>
    public const int Minimum = 1 << 16;

    /// <summary>Opens one segment: every party's share of it, party-major (party p's at p * length), into <c>segment</c>.</summary>
    public delegate void Combine<T>(ReadOnlySpan<T> shares, Span<T> segment) where T : unmanaged;

    /// <summary>Opens <paramref name="shares"/> in place: two rounds, counted unless <paramref name="countRounds"/> is false.</summary>
    public static async ValueTask OpenInPlaceAsync<T>(IPartyNetwork network, Memory<T> shares, StreamTag tag, Combine<T> combine,
        CancellationToken ct, bool countRounds = true) where T : unmanaged
    {
        int n = shares.Length, parties = network.PartyCount, me = network.PartyId;
        int Start(int j) => (int)((long)j * n / parties);
        int mine = Start(me), length = Start(me + 1) - mine;
        var incoming = ArrayPool<T>.Shared.Rent(parties * length);
        var pending = new List<Task>(2 * parties);
        var gathered = new List<Task<Task>>(parties);

        // Round 1: my share of segment p to party p; every other party's share of my segment to me. Once my share of
        // segment p is sent, the receive of p's opened segment goes over it, so that a fast peer's round 2 lands in place.
        for (int p = 0; p < parties; p++)
        {
            if (p == me) continue;
            pending.Add(network.ReceiveAsync(p, tag, incoming.AsMemory(p * length, length), ct).AsTask());
            gathered.Add(SendThenReceiveAsync(p, shares.Slice(Start(p), Start(p + 1) - Start(p))));
        }
        pending.AddRange(gathered);
        await Task.WhenAll(pending).ConfigureAwait(false);
        var segment = shares.Span.Slice(mine, length);
        segment.CopyTo(incoming.AsSpan(me * length, length));
        combine(incoming.AsSpan(0, parties * length), segment);
        ArrayPool<T>.Shared.Return(incoming);
        if (countRounds) network.CountRound();

        // Round 2: my opened segment to all; every other opened segment into its place.
        pending.Clear();
        for (int p = 0; p < parties; p++)
            if (p != me) pending.Add(network.SendAsync<T>(p, tag, shares.Slice(mine, length), ct).AsTask());
        foreach (var receive in gathered) pending.Add(receive.Result);
        await Task.WhenAll(pending).ConfigureAwait(false);
        if (countRounds) network.CountRound();

        async Task<Task> SendThenReceiveAsync(int p, Memory<T> share)
        {
            await network.SendAsync<T>(p, tag, share, ct).ConfigureAwait(false);
            return network.ReceiveAsync(p, tag, share, ct).AsTask();
        }
    }
}
