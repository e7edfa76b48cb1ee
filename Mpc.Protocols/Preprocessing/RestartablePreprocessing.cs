using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// A preprocessing source that can be replaced by a fresh one between operations (<see cref="Restart"/>), for sources
/// whose state outlives a phase: the <c>ot</c> source's OT extensions. Restarted right after the session is re-keyed
/// (<see cref="EpochKeys.Enter"/>), the new source's randomness and base OTs are those of the phase, so a run resumed
/// at that phase makes exactly the material the original run made.
/// </summary>
/// <remarks>
/// Only for sources that keep no state a later request depends on: the dealer remembers the matrix masks it dealt
/// (a fresh dealer could not make triples for them), so it is never restarted; the OT source makes triples for any
/// mask. Usage counts every source this one has had. It offers the packed comparison's material and power masks
/// (<see cref="IBinaryPreprocessing"/>, <see cref="IPowerPreprocessing"/>), so every source it makes must offer them too.
/// </remarks>
public sealed class RestartablePreprocessing : IAdditivePreprocessing, IBinaryPreprocessing, IPowerPreprocessing, IDisposable
{
    private readonly Func<IAdditivePreprocessing> _create;
    private readonly PreprocessingUsage _retired = new();
    private IAdditivePreprocessing _current;

    /// <summary>A source made by <paramref name="create"/>, now and at every restart.</summary>
    public RestartablePreprocessing(Func<IAdditivePreprocessing> create)
    {
        _create = create;
        _current = create();
    }

    /// <summary>How many times the source was replaced.</summary>
    public int Restarts { get; private set; }

    /// <summary>Replaces the source by a fresh one; call it between operations, at every party alike.</summary>
    public void Restart()
    {
        var old = _current;
        _current = _create();
        _retired.Add(old.Usage);
        (old as IDisposable)?.Dispose();
        Restarts++;
    }

    /// <inheritdoc />
    public string Name => _current.Name;

    /// <inheritdoc />
    /// <remarks>A snapshot: every retired source's material plus the current one's so far.</remarks>
    public PreprocessingUsage Usage
    {
        get
        {
            var total = new PreprocessingUsage();
            total.Add(_retired);
            total.Add(_current.Usage);
            return total;
        }
    }

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default) =>
        _current.TakeTriplesAsync(count, ct);

    /// <inheritdoc />
    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default) =>
        _current.TakeMatrixTripleAsync(rows, inner, columns, ct);

    /// <inheritdoc />
    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default) =>
        _current.TakeMatrixMaskAsync(rows, columns, ct);

    /// <inheritdoc />
    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
        CancellationToken ct = default) =>
        _current.TakeMatrixTripleForAsync(mask, transposed, columns, ct);

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default) =>
        _current.TakeTruncationMasksAsync(count, bits, ct);

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default) =>
        _current.TakeBitMasksAsync(count, bits, ct);

    /// <inheritdoc />
    public ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
        CancellationToken ct = default) =>
        Offering<IBinaryPreprocessing>().TakeComparisonMasksAsync(count, bits, withProducts, ct);

    /// <inheritdoc />
    public int WidestGate => (_current as IBinaryPreprocessing)?.WidestGate ?? 8;

    /// <inheritdoc />
    public ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default) =>
        Offering<IBinaryPreprocessing>().TakeAndTuplesAsync(fanIn, words, ct);

    /// <inheritdoc />
    public ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default) =>
        Offering<IPowerPreprocessing>().TakePowerMasksAsync(count, degree, ct);

    /// <inheritdoc />
    public ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree, CancellationToken ct = default) =>
        Offering<IPowerPreprocessing>().TakeTruncationPowerMasksAsync(count, bits, degree, ct);

    private TCapability Offering<TCapability>() where TCapability : class =>
        _current as TCapability ?? throw new InvalidOperationException(
            $"The restartable source's current source ({_current.Name}) does not offer {typeof(TCapability).Name}.");

    /// <inheritdoc />
    public void Dispose() => (_current as IDisposable)?.Dispose();
}
