using Mpc.Core.Blocks;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Protocols.Garbling.Internal;

/// <summary>
/// The garbler's pool of random correlated OTs with correlation Δ: blocks q whose evaluator counterparts are
/// t = q ⊕ r·Δ for random bits r it holds (<see cref="ReceiverCotPool"/>).
/// </summary>
internal sealed class SenderCotPool(IknpSender ot) : IDisposable
{
    private Block128[] _q = [];
    private int _next;

    private int Available => _q.Length - _next;

    /// <summary>Fills <paramref name="destination"/> with the next q blocks, refilling by IKNP first if the pool is short.</summary>
    public async ValueTask TakeAsync(Memory<Block128> destination, CancellationToken ct)
    {
        int refill = CotPool.RefillSize(Available, destination.Length);
        if (refill > 0)
        {
            var fresh = new Block128[Available + refill];
            _q.AsSpan(_next).CopyTo(fresh);
            Array.Clear(_q);
            await ot.SendCorrelatedBlocksAsync(fresh.AsMemory(Available, refill), ct).ConfigureAwait(false);
            _q = fresh;
            _next = 0;
        }
        Span<Block128> taken = _q.AsSpan(_next, destination.Length);
        taken.CopyTo(destination.Span);
        taken.Clear();
        _next += destination.Length;
    }

    public void Dispose()
    {
        Array.Clear(_q);
        ot.Dispose();
    }
}
