using System.Buffers;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Protocols.Additive;

// Openings: all-to-all for short vectors, reduce-scatter and all-gather for long ones.
public sealed partial class AdditiveSuite
{
    /// <summary>
    /// Opens share vectors into <paramref name="shares"/> itself: one all-to-all exchange through a pooled buffer, summed
    /// (or, for long vectors and N &gt; 2, the scattered opening). After a failed exchange a receive may still write
    /// into that buffer, so it is then left to the GC, not the pool.
    /// </summary>
    private async ValueTask OpenSharesInPlaceAsync(Memory<Z2k> shares, StreamTag tag, CancellationToken ct)
    {
        int n = shares.Length, parties = session.PartyCount;
        if (parties > 2 && n >= ScatteredOpeningMinimum)
        {
            await OpenScatteredAsync(shares, tag, ct).ConfigureAwait(false);
            return;
        }
        var all = ArrayPool<Z2k>.Shared.Rent(parties * n);
        await session.Network.ExchangeWithAllAsync<Z2k>(tag, shares, all.AsMemory(0, parties * n), ct).ConfigureAwait(false);
        Core.Sharing.AdditiveSharing.Reconstruct<Z2k>(all.AsSpan(0, parties * n), parties, shares.Span);
        ArrayPool<Z2k>.Shared.Return(all);
    }

    /// <summary>
    /// Vectors from this length up open in two rounds that send 2 (N - 1) / N of them instead of N - 1 times them
    /// (N &gt; 2). From here up the two rounds measured faster over loopback TLS for N = 3: products of 2^15 elements
    /// (2^16 opened) 1.2-1.35 times, of 10^6 elements 1.5-1.6 times. Shorter vectors keep one round: latency weighs
    /// more there, above all between machines.
    /// </summary>
    public const int ScatteredOpeningMinimum = 1 << 16;

    /// <summary>
    /// An opening as a reduce-scatter and an all-gather: party j sums segment j of the vector (every party sends it its
    /// share of that segment), then sends the sum to all. Each party sends 2 (N - 1) / N of the vector, not N - 1 times
    /// it, in two rounds instead of one; everyone sees what an all-to-all opening shows (each share of the opened value).
    /// </summary>
    private async ValueTask OpenScatteredAsync(Memory<Z2k> shares, StreamTag tag, CancellationToken ct)
    {
        int n = shares.Length, parties = session.PartyCount, me = session.PartyId;
        var network = session.Network;
        int Start(int j) => (int)((long)j * n / parties);
        int mine = Start(me), length = Start(me + 1) - mine;
        var incoming = ArrayPool<Z2k>.Shared.Rent(parties * length);
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
        for (int p = 0; p < parties; p++)
            if (p != me) VectorMath.Add<Z2k>(segment, incoming.AsSpan(p * length, length), segment);
        ArrayPool<Z2k>.Shared.Return(incoming);
        network.CountRound();

        // Round 2: my opened segment to all; every other opened segment into its place.
        pending.Clear();
        for (int p = 0; p < parties; p++)
            if (p != me) pending.Add(network.SendAsync<Z2k>(p, tag, shares.Slice(mine, length), ct).AsTask());
        foreach (var receive in gathered) pending.Add(receive.Result);
        await Task.WhenAll(pending).ConfigureAwait(false);
        network.CountRound();

        async Task<Task> SendThenReceiveAsync(int p, Memory<Z2k> share)
        {
            await network.SendAsync<Z2k>(p, tag, share, ct).ConfigureAwait(false);
            return network.ReceiveAsync(p, tag, share, ct).AsTask();
        }
    }

    // The opening of share vectors that the caller keeps: opened in a copy.
    private async ValueTask<Z2k[]> OpenSharesAsync(Z2k[] mine, StreamTag tag, CancellationToken ct)
    {
        var opened = (Z2k[])mine.Clone();
        await OpenSharesInPlaceAsync(opened, tag, ct).ConfigureAwait(false);
        return opened;
    }
}
