using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Produces triples, and truncation masks for one shift, ahead of time (an offline phase) and hands them out in order,
/// each exactly once. What happens to a
/// request beyond what was produced is the caller's choice: by default it goes to the underlying source (produced on
/// demand); with <c>onDemand: false</c> it fails with <see cref="PreprocessingExhaustedException"/> saying how many were
/// needed and produced, so an offline phase that produced too little is found, not papered over.
/// </summary>
public sealed class BufferedPreprocessing(IAdditivePreprocessing inner, bool onDemand = true) : IAdditivePreprocessing
{
    private readonly Lock _gate = new();
    private BeaverTriples<Z2k>? _triples;
    private int _offset;
    private long _produced, _handedOut;
    private TruncationMasks? _masks;
    private int _maskOffset;
    private long _masksProduced, _masksHandedOut;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public PreprocessingUsage Usage => inner.Usage;

    /// <summary>Triples produced ahead by <see cref="PrepareTriplesAsync"/>, over every call.</summary>
    public long TriplesProduced { get { lock (_gate) return _produced; } }

    /// <summary>Triples handed out from what was produced ahead (never decreases; never exceeds <see cref="TriplesProduced"/>).</summary>
    public long TriplesHandedOut { get { lock (_gate) return _handedOut; } }

    /// <summary>Produces <paramref name="count"/> triples now, replacing any unused ones (which are dropped, never reused).</summary>
    public async ValueTask PrepareTriplesAsync(int count, CancellationToken ct = default)
    {
        var triples = await inner.TakeTriplesAsync(count, ct).ConfigureAwait(false);
        lock (_gate)
        {
            if (_triples is not null) _handedOut += _triples.Count - _offset; // dropped: counted as gone, never handed out again
            _triples = triples;
            _offset = 0;
            _produced += count;
        }
    }

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        BeaverTriples<Z2k> taken;
        lock (_gate)
        {
            int left = _triples is null ? 0 : _triples.Count - _offset;
            if (left < count)
            {
                if (onDemand) return inner.TakeTriplesAsync(count, ct);
                throw new PreprocessingExhaustedException("triples", count, _produced, _handedOut);
            }
            var all = _triples!;
            taken = _offset == 0 && count == all.Count
                ? all
                : new BeaverTriples<Z2k>(all.A.AsSpan(_offset, count).ToArray(), all.B.AsSpan(_offset, count).ToArray(), all.C.AsSpan(_offset, count).ToArray());
            _offset += count;
            _handedOut += count;
        }
        return ValueTask.FromResult(taken);
    }

    /// <inheritdoc />
    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner1, int columns, CancellationToken ct = default) =>
        inner.TakeMatrixTripleAsync(rows, inner1, columns, ct);

    /// <inheritdoc />
    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default) =>
        inner.TakeMatrixMaskAsync(rows, columns, ct);

    /// <inheritdoc />
    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns, CancellationToken ct = default) =>
        inner.TakeMatrixTripleForAsync(mask, transposed, columns, ct);

    /// <summary>
    /// Produces <paramref name="count"/> truncation masks for a shift by <paramref name="bits"/> now, replacing any unused
    /// ones (dropped, never reused). Requests for another shift go to the source, or fail without <c>onDemand</c>.
    /// </summary>
    public async ValueTask PrepareTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        var masks = await inner.TakeTruncationMasksAsync(count, bits, ct).ConfigureAwait(false);
        lock (_gate)
        {
            if (_masks is not null) _masksHandedOut += _masks.R.Length - _maskOffset;
            _masks = masks;
            _maskOffset = 0;
            _masksProduced += count;
        }
    }

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TruncationMasks taken;
        lock (_gate)
        {
            int left = _masks is null || _masks.Bits != bits ? 0 : _masks.R.Length - _maskOffset;
            if (left < count)
            {
                if (onDemand) return inner.TakeTruncationMasksAsync(count, bits, ct);
                throw new PreprocessingExhaustedException($"truncation masks for {bits} bits", count, _masksProduced, _masksHandedOut);
            }
            var all = _masks!;
            taken = _maskOffset == 0 && count == all.R.Length
                ? all
                : new TruncationMasks(all.R.AsSpan(_maskOffset, count).ToArray(), all.TopBit.AsSpan(_maskOffset, count).ToArray(), all.LowShifted.AsSpan(_maskOffset, count).ToArray(), bits);
            _maskOffset += count;
            _masksHandedOut += count;
        }
        return ValueTask.FromResult(taken);
    }

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default) =>
        inner.TakeBitMasksAsync(count, bits, ct);
}
