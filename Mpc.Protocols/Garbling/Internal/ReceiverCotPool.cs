using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Protocols.Garbling.Internal;

/// <summary>
/// The evaluator's pool of random correlated OTs: random choice bits r and blocks t = q ⊕ r·Δ. To use one for an input
/// bit x, the evaluator sends d = x ⊕ r (uniform to the garbler, as r is hidden), the garbler takes W0 = q ⊕ d·Δ, and
/// t = W0 ⊕ x·Δ is the evaluator's label. Two steps, so the bits d can go out before a refill's OT runs:
/// <see cref="ReserveChoices"/> (draws a refill's choice bits if needed), then <see cref="TakeAsync"/> (runs it).
/// </summary>
internal sealed class ReceiverCotPool(IknpReceiver ot, AesCtrPrg random) : IDisposable
{
    private Block128[] _t = [];
    private bool[] _r = [];
    private int _next;
    private bool[]? _pendingChoices;

    private int Available => _r.Length - _next;

    /// <summary>The choice bits r of the next <paramref name="count"/> OTs, drawing those of a refill if the pool is short.</summary>
    public bool[] ReserveChoices(int count)
    {
        int refill = CotPool.RefillSize(Available, count);
        if (refill > 0)
        {
            var bytes = new byte[refill];
            random.Fill(bytes);
            _pendingChoices = Array.ConvertAll(bytes, b => (b & 1) != 0);
        }
        var reserved = new bool[count];
        int fromPool = Math.Min(count, Available);
        _r.AsSpan(_next, fromPool).CopyTo(reserved);
        if (fromPool < count) _pendingChoices!.AsSpan(0, count - fromPool).CopyTo(reserved.AsSpan(fromPool));
        return reserved;
    }

    /// <summary>
    /// Runs the refill that <see cref="ReserveChoices"/> planned, if any, then fills <paramref name="destination"/>
    /// with the reserved OTs' t blocks.
    /// </summary>
    public async ValueTask TakeAsync(Memory<Block128> destination, CancellationToken ct)
    {
        if (_pendingChoices is { } choices)
        {
            var packed = new ulong[(choices.Length + 63) / 64];
            for (int j = 0; j < choices.Length; j++)
            {
                if (choices[j]) packed[j / 64] |= 1UL << (j % 64);
            }
            var t = new Block128[Available + choices.Length];
            await ot.ReceiveCorrelatedBlocksAsync(packed, t.AsMemory(Available), ct).ConfigureAwait(false);
            _t.AsSpan(_next).CopyTo(t);
            bool[] r = [.. _r.AsSpan(_next), .. choices];
            Array.Clear(_t);
            Array.Clear(_r);
            _t = t;
            _r = r;
            _next = 0;
            _pendingChoices = null;
        }
        Span<Block128> taken = _t.AsSpan(_next, destination.Length);
        taken.CopyTo(destination.Span);
        taken.Clear();
        _r.AsSpan(_next, destination.Length).Clear();
        _next += destination.Length;
    }

    public void Dispose()
    {
        Array.Clear(_t);
        Array.Clear(_r);
        ot.Dispose();
        random.Dispose();
    }
}
