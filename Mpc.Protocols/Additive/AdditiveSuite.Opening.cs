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
    /// Vectors from this length up open by <see cref="Common.ScatteredOpening"/> (N &gt; 2): two rounds that send
    /// 2 (N - 1) / N of them instead of N - 1 times them.
    /// </summary>
    public const int ScatteredOpeningMinimum = Common.ScatteredOpening.Minimum;

    private ValueTask OpenScatteredAsync(Memory<Z2k> shares, StreamTag tag, CancellationToken ct)
    {
        int parties = session.PartyCount;
        return Common.ScatteredOpening.OpenInPlaceAsync(session.Network, shares, tag,
            (all, segment) => Core.Sharing.AdditiveSharing.Reconstruct<Z2k>(all, parties, segment), ct);
    }

    // The opening of share vectors that the caller keeps: opened in a copy.
    private async ValueTask<Z2k[]> OpenSharesAsync(Z2k[] mine, StreamTag tag, CancellationToken ct)
    {
        var opened = (Z2k[])mine.Clone();
        await OpenSharesInPlaceAsync(opened, tag, ct).ConfigureAwait(false);
        return opened;
    }
}
