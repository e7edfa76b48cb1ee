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
    private readonly Batch<BeaverTriples<Z2k>> _triples = new(t => t.Count,
        (t, offset, count) => new BeaverTriples<Z2k>(t.A.AsSpan(offset, count).ToArray(), t.B.AsSpan(offset, count).ToArray(),
            t.C.AsSpan(offset, count).ToArray()));
    private readonly Batch<TruncationMasks> _masks = new(m => m.Count,
        (m, offset, count) => new TruncationMasks(m.R.AsSpan(offset, count).ToArray(), m.TopBit.AsSpan(offset, count).ToArray(),
            m.LowShifted.AsSpan(offset, count).ToArray(), m.Bits));

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public PreprocessingUsage Usage => inner.Usage;

    /// <summary>Triples produced ahead by <see cref="PrepareTriplesAsync"/>, over every call.</summary>
    public long TriplesProduced { get { lock (_gate) return _triples.Produced; } }

    /// <summary>Triples handed out from what was produced ahead (never decreases; never exceeds <see cref="TriplesProduced"/>).</summary>
    public long TriplesHandedOut { get { lock (_gate) return _triples.HandedOut; } }

    /// <summary>Produces <paramref name="count"/> triples now, replacing any unused ones (which are dropped, never reused).</summary>
    public async ValueTask PrepareTriplesAsync(int count, CancellationToken ct = default)
    {
        var triples = await inner.TakeTriplesAsync(count, ct).ConfigureAwait(false);
        lock (_gate) _triples.Replace(triples);
    }

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default) =>
        Take(_triples, count, fits: _ => true, "triples", () => inner.TakeTriplesAsync(count, ct));

    /// <inheritdoc />
    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner1, int columns, CancellationToken ct = default) =>
        inner.TakeMatrixTripleAsync(rows, inner1, columns, ct);

    /// <inheritdoc />
    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default) =>
        inner.TakeMatrixMaskAsync(rows, columns, ct);

    /// <inheritdoc />
    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
        CancellationToken ct = default) =>
        inner.TakeMatrixTripleForAsync(mask, transposed, columns, ct);

    /// <summary>
    /// Produces <paramref name="count"/> truncation masks for a shift by <paramref name="bits"/> now, replacing any unused
    /// ones (dropped, never reused). Requests for another shift go to the source, or fail without <c>onDemand</c>.
    /// </summary>
    public async ValueTask PrepareTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        var masks = await inner.TakeTruncationMasksAsync(count, bits, ct).ConfigureAwait(false);
        lock (_gate) _masks.Replace(masks);
    }

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default) =>
        Take(_masks, count, fits: m => m.Bits == bits, $"truncation masks for {bits} bits",
            () => inner.TakeTruncationMasksAsync(count, bits, ct));

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default) =>
        inner.TakeBitMasksAsync(count, bits, ct);

    /// <summary>
    /// The next <paramref name="count"/> of a batch produced ahead, when the batch <paramref name="fits"/> the request
    /// and has that many left; otherwise from the source (on demand) or an exhaustion error saying by how much.
    /// </summary>
    private ValueTask<T> Take<T>(Batch<T> batch, int count, Func<T, bool> fits, string kind, Func<ValueTask<T>> fromSource) where T : class
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            if ((batch.Current is { } current && fits(current) ? batch.Left : 0) < count)
            {
                if (onDemand) return fromSource();
                throw new PreprocessingExhaustedException(kind, count, batch.Produced, batch.HandedOut);
            }
            return ValueTask.FromResult(batch.Take(count));
        }
    }

    /// <summary>One kind of material produced ahead: the current batch, how far it is handed out, and the running counts.</summary>
    private sealed class Batch<T>(Func<T, int> countOf, Func<T, int, int, T> slice) where T : class
    {
        private int _offset;

        public T? Current { get; private set; }

        public long Produced { get; private set; }

        /// <summary>Never decreases: a dropped batch's unused part counts as gone, never handed out again.</summary>
        public long HandedOut { get; private set; }

        public int Left => Current is null ? 0 : countOf(Current) - _offset;

        public void Replace(T batch)
        {
            HandedOut += Left;
            Current = batch;
            _offset = 0;
            Produced += countOf(batch);
        }

        public T Take(int count)
        {
            var all = Current!;
            var taken = _offset == 0 && count == countOf(all) ? all : slice(all, _offset, count);
            _offset += count;
            HandedOut += count;
            return taken;
        }
    }
}
