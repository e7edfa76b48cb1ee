using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Produces triples ahead of time (an offline phase) and hands them out in order, each exactly once;
/// requests beyond what was produced go to the underlying source. Lets a job time preprocessing apart from
/// the online phase.
/// </summary>
public sealed class BufferedPreprocessing(IAdditivePreprocessing inner) : IAdditivePreprocessing
{
    private BeaverTriples<Z2k>? _triples;
    private int _offset;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public PreprocessingUsage Usage => inner.Usage;

    /// <summary>Produces <paramref name="count"/> triples now, replacing any unused ones (which are dropped, never reused).</summary>
    public async ValueTask PrepareTriplesAsync(int count, CancellationToken ct = default)
    {
        _triples = await inner.TakeTriplesAsync(count, ct).ConfigureAwait(false);
        _offset = 0;
    }

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default)
    {
        if (_triples is null || _triples.Count - _offset < count) return inner.TakeTriplesAsync(count, ct);
        var taken = _offset == 0 && count == _triples.Count
            ? _triples
            : new BeaverTriples<Z2k>(_triples.A.AsSpan(_offset, count).ToArray(), _triples.B.AsSpan(_offset, count).ToArray(), _triples.C.AsSpan(_offset, count).ToArray());
        _offset += count;
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

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default) =>
        inner.TakeTruncationMasksAsync(count, bits, ct);

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default) =>
        inner.TakeBitMasksAsync(count, bits, ct);
}
