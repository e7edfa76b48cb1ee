using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing.Planning;

/// <summary>
/// The source of a rehearsal: hands out zeros of the right shapes at once and writes down every request, in call order,
/// as the shapes a dealer would be asked for (a mask is named by its ordinal among the masks).
/// </summary>
/// <param name="widestGate">The real source's <see cref="IBinaryPreprocessing.WidestGate"/>: a comparison's requests depend on it.</param>
internal sealed class RecordingPreprocessing(int widestGate) : IAdditivePreprocessing, IBinaryPreprocessing, IPowerPreprocessing
{
    public int WidestGate => widestGate;

    private readonly List<DealRequest> _requests = [];
    private readonly Dictionary<MatrixMask, int> _masks = new(ReferenceEqualityComparer.Instance);

    public string Name => "rehearsal";

    public PreprocessingUsage Usage { get; } = new();

    /// <summary>Every request so far, in call order.</summary>
    public IReadOnlyList<DealRequest> Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default)
    {
        Record(DealKind.Triples, count);
        return Done(new BeaverTriples<Z2k>(new Z2k[count], new Z2k[count], new Z2k[count]));
    }

    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default)
    {
        Record(DealKind.MatrixTriple, rows, inner, columns);
        return Done(new MatrixTriple<Z2k>(new Z2k[rows * inner], new Z2k[inner * columns], new Z2k[rows * columns], rows, inner, columns));
    }

    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default)
    {
        var mask = new MatrixMask(new Z2k[rows * columns], rows, columns);
        lock (_requests)
        {
            _masks.Add(mask, _masks.Count);
            _requests.Add(new DealRequest(DealKind.MatrixMask, 0, rows, columns));
        }
        return Done(mask);
    }

    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
        CancellationToken ct = default)
    {
        lock (_requests)
        {
            if (!_masks.TryGetValue(mask.Whole, out int ordinal))
                throw new ArgumentException("The mask was not taken from this source.", nameof(mask));
            _requests.Add(new DealRequest(DealKind.MatrixTripleForMask, 0, ordinal, mask.Whole.Rows, mask.Columns, mask.FirstRow,
                mask.Rows, transposed ? 1 : 0, columns));
        }
        int left = transposed ? mask.Columns : mask.Rows, inner = transposed ? mask.Rows : mask.Columns;
        return Done(new FixedMaskTriple(new Z2k[inner * columns], new Z2k[left * columns], transposed, columns));
    }

    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        Record(DealKind.TruncationMasks, count, bits);
        return Done(new TruncationMasks(new Z2k[count], new Z2k[count], new Z2k[count], bits));
    }

    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        Record(DealKind.BitMasks, count, bits);
        return Done(new BitMasks(new Z2k[count], new Z2k[count * bits], bits));
    }

    public ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
        CancellationToken ct = default)
    {
        Record(DealKind.ComparisonMasks, count, bits, withProducts ? 1 : 0);
        int words = (count + 63) >> 6;
        return Done(new PackedComparisonMasks(new Z2k[count], new ulong[bits * words], new ulong[words], new Z2k[count], bits)
        {
            ProductMasks = withProducts ? new Z2k[count] : null,
            ConversionProducts = withProducts ? new Z2k[count] : null,
        });
    }

    public ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default)
    {
        Record(DealKind.AndTuples, fanIn, words);
        return Done(new BinaryAndTuples(fanIn, words, new ulong[((1 << fanIn) - 1) * words]));
    }

    public ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default)
    {
        Record(DealKind.PowerMasks, count, degree);
        return Done(new PowerMasks(new Z2k[count * degree], count, degree));
    }

    public ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree, CancellationToken ct = default)
    {
        Record(DealKind.TruncationPowerMasks, count, bits, degree);
        var masks = new TruncationMasks(new Z2k[count], new Z2k[count], new Z2k[count], bits);
        return Done(new TruncationPowerMasks(masks, new Z2k[count * degree], new Z2k[count * degree], degree));
    }

    private void Record(DealKind kind, int p0, int p1 = 0, int p2 = 0)
    {
        lock (_requests) _requests.Add(new DealRequest(kind, 0, p0, p1, p2));
    }

    private static ValueTask<T> Done<T>(T material) => ValueTask.FromResult(material);
}
