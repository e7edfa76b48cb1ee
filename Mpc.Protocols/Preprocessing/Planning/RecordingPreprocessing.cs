using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing.Planning;

/// <summary>
/// The source of a rehearsal: hands out zeros of the right shapes at once (<see cref="MaterialCodec.Zeros"/>) and writes
/// down every request, in call order, as the shapes a dealer would be asked for (a mask is named by its ordinal among
/// the masks).
/// </summary>
/// <param name="widestGate">The real source's <see cref="IBinaryPreprocessing.WidestGate"/>: a comparison's requests depend on it.</param>
internal sealed class RecordingPreprocessing(int widestGate) : IAdditivePreprocessing, IBinaryPreprocessing, IPowerPreprocessing
{
    private readonly List<DealRequest> _requests = [];
    private readonly Dictionary<MatrixMask, int> _masks = new(ReferenceEqualityComparer.Instance);

    public int WidestGate => widestGate;

    public string Name => "rehearsal";

    public PreprocessingUsage Usage { get; } = new();

    /// <summary>Every request so far, in call order.</summary>
    public IReadOnlyList<DealRequest> Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default) =>
        Record<BeaverTriples<Z2k>>(new(DealKind.Triples, 0, count));

    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default) =>
        Record<MatrixTriple<Z2k>>(new(DealKind.MatrixTriple, 0, rows, inner, columns));

    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default)
    {
        lock (_requests)
        {
            var mask = (MatrixMask)Add(new(DealKind.MatrixMask, 0, rows, columns));
            _masks.Add(mask, _masks.Count);
            return ValueTask.FromResult(mask);
        }
    }

    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
        CancellationToken ct = default)
    {
        lock (_requests)
        {
            if (!_masks.TryGetValue(mask.Whole, out int ordinal))
                throw new ArgumentException("The mask was not taken from this source.", nameof(mask));
            return Record<FixedMaskTriple>(new(DealKind.MatrixTripleForMask, 0, ordinal, mask.Whole.Rows, mask.Columns, mask.FirstRow,
                mask.Rows, transposed ? 1 : 0, columns));
        }
    }

    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default) =>
        Record<TruncationMasks>(new(DealKind.TruncationMasks, 0, count, bits));

    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default) =>
        Record<BitMasks>(new(DealKind.BitMasks, 0, count, bits));

    public ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
        CancellationToken ct = default) =>
        Record<PackedComparisonMasks>(new(DealKind.ComparisonMasks, 0, count, bits, withProducts ? 1 : 0));

    public ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default) =>
        Record<BinaryAndTuples>(new(DealKind.AndTuples, 0, fanIn, words));

    public ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default) =>
        Record<PowerMasks>(new(DealKind.PowerMasks, 0, count, degree));

    public ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree, CancellationToken ct = default) =>
        Record<TruncationPowerMasks>(new(DealKind.TruncationPowerMasks, 0, count, bits, degree));

    private ValueTask<T> Record<T>(DealRequest request)
    {
        lock (_requests) return ValueTask.FromResult((T)Add(request));
    }

    // Under the lock: the request written down, and its zeros.
    private object Add(DealRequest request)
    {
        _requests.Add(request);
        return MaterialCodec.Zeros(request);
    }
}
