using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing.Dealing;
using Mpc.Protocols.Preprocessing.Planning;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// An offline phase for any source: <see cref="PrepareAsync"/> produces everything a <see cref="PreprocessingPlan"/>
/// lists, in bulk (see <see cref="PlanProduction"/>), before the program runs; the program's requests are then served
/// from it in order, each planned item exactly once, with no round and no work online. Until a plan is prepared, and
/// after it is used up, requests go to the source on demand (and are counted: <see cref="OnDemandRequests"/>).
/// </summary>
/// <remarks>
/// <para>Every request must be the one the plan has next (same kind and shapes, same mask); anything else means the program
/// took other material than in its rehearsal, and fails with an <see cref="InvalidOperationException"/> naming both,
/// rather than handing out material made for another operation.</para>
/// <para>Memory is bounded: a plan whose material exceeds the budget is cut into consecutive segments that each fit.
/// The first is made by <see cref="PrepareAsync"/>; each later one when the program asks for its first item, at the
/// same point of the program at every party (the requests come in program order), while the items already handed out
/// are freed. Those segments' OT work then falls inside the program's run, in bulk still.</para>
/// </remarks>
public sealed class PlannedPreprocessing(IAdditivePreprocessing source) : IAdditivePreprocessing, IBinaryPreprocessing,
    IPowerPreprocessing
{
    /// <summary>The default budget: 1 GiB of material in memory at once.</summary>
    public const long DefaultMemoryBudget = 1L << 30;

    private readonly Lock _gate = new();
    private readonly Dictionary<MatrixMask, int> _maskOrdinals = new(ReferenceEqualityComparer.Instance);
    private readonly List<MatrixMask> _masks = [];
    private IReadOnlyList<DealRequest> _plan = [];
    private object?[] _material = [];
    private int[] _segmentStarts = [0];
    private Task?[] _segments = [];
    private int _next;
    private CancellationToken _productionToken;

    /// <summary>The source's name ("ot", "dealer").</summary>
    public string Name => source.Name;

    /// <summary>Everything the source produced: the planned material and what was asked for on demand.</summary>
    public PreprocessingUsage Usage => source.Usage;

    /// <summary>Requests in the prepared plan.</summary>
    public int Planned { get { lock (_gate) return _plan.Count; } }

    /// <summary>Planned requests served so far (never more than <see cref="Planned"/>; each item handed out once).</summary>
    public int Served { get { lock (_gate) return _next; } }

    /// <summary>Requests that went to the source on demand, outside a plan.</summary>
    public int OnDemandRequests { get; private set; }

    /// <summary>Segments the prepared plan was cut into (1 when its material fits the memory budget).</summary>
    public int Segments { get { lock (_gate) return _segmentStarts.Length - 1; } }

    /// <summary>The prepared plan's material in bytes, all segments together.</summary>
    public long PlannedBytes { get; private set; }

    /// <summary>
    /// Produces what <paramref name="plan"/> lists: all of it, or with material beyond <paramref name="memoryBudget"/> bytes
    /// its first segment (the others follow as the program reaches them). Call it between operations, at every party
    /// alike and with the same budget; a previous plan must be used up.
    /// </summary>
    public async Task PrepareAsync(PreprocessingPlan plan, CancellationToken ct = default, long memoryBudget = DefaultMemoryBudget)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryBudget);
        var starts = new List<int> { 0 };
        long words = 0, total = 0;
        for (int i = 0; i < plan.Count; i++)
        {
            long item = MaterialCodec.WordsOf(plan.Requests[i]);
            if (words > 0 && (words + item) * 8 > memoryBudget)
            {
                starts.Add(i);
                words = 0;
            }
            words += item;
            total += item;
        }
        starts.Add(plan.Count);
        lock (_gate)
        {
            RequireUsedUp();
            _plan = plan.Requests;
            _material = new object?[plan.Count];
            _segmentStarts = [.. starts];
            _segments = new Task?[starts.Count - 1];
            _next = 0;
            _masks.Clear();
            _maskOrdinals.Clear();
            _productionToken = ct;
            PlannedBytes = total * 8;
        }
        Task? first;
        lock (_gate) first = _segments.Length > 0 ? EnsureSegment(0) : null;
        if (first is not null) await first.ConfigureAwait(false);
    }

    // Under the lock: a new plan only once the previous one's items are all handed out.
    private void RequireUsedUp()
    {
        if (_next < _plan.Count)
            throw new InvalidOperationException($"The previous plan is not used up ({_next} of {_plan.Count} requests served).");
    }

    /// <summary>
    /// Segment <paramref name="k"/>'s production (null once it is done), started after every earlier one if it was not.
    /// Call it under the lock; the production runs apart, so the source is never called under it.
    /// </summary>
    private Task? EnsureSegment(int k)
    {
        if (_segments[k] is { } started) return started.IsCompletedSuccessfully ? null : started;
        Task? previous = null;
        for (int j = 0; j <= k; j++)
        {
            int segment = j;
            var before = previous;
            previous = _segments[j] ??= Task.Run(() => ProduceSegmentAsync(segment, before));
        }
        return _segments[k];
    }

    private async Task ProduceSegmentAsync(int k, Task? previous)
    {
        if (previous is not null) await previous.ConfigureAwait(false);
        await PlanProduction.ProduceAsync(source, _plan, _segmentStarts[k], _segmentStarts[k + 1], _material, _masks, _productionToken)
            .ConfigureAwait(false);
        lock (_gate)
            for (int m = _maskOrdinals.Count; m < _masks.Count; m++) _maskOrdinals[_masks[m]] = m;
    }

    /// <summary>
    /// The prepared plan and all its material as bytes, for a store made ahead (<see cref="LoadMaterial"/>): call it after
    /// <see cref="PrepareAsync"/>, before the first request. The bytes are secret (my shares of every mask).
    /// </summary>
    public byte[] ExportMaterial()
    {
        lock (_gate)
        {
            if (_next != 0) throw new InvalidOperationException($"{_next} planned items were handed out already; export before the first.");
            if (_segmentStarts.Length > 2)
                throw new InvalidOperationException($"The plan's material ({PlannedBytes / (1024.0 * 1024.0):0.0} MiB) is made in " +
                    $"{_segmentStarts.Length - 1} segments to fit the memory budget; a store holds a plan made whole (raise the budget).");
            return MaterialCodec.Write(_plan, _material);
        }
    }

    /// <summary>
    /// Takes material exported by another run (<see cref="ExportMaterial"/>) instead of making it: its plan must equal
    /// <paramref name="plan"/>, this run's rehearsal, request by request (else an <see cref="InvalidDataException"/> names
    /// the first difference). Every party must load the material of the same run.
    /// </summary>
    public void LoadMaterial(PreprocessingPlan plan, ReadOnlyMemory<byte> exported)
    {
        ArgumentNullException.ThrowIfNull(plan);
        List<DealRequest> stored;
        object[] material;
        try
        {
            (stored, material) = MaterialCodec.Read(exported);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"The stored material is malformed: {ex.Message}.", ex);
        }
        for (int i = 0; i < Math.Max(stored.Count, plan.Count); i++)
        {
            string? Name(IReadOnlyList<DealRequest> list) => i < list.Count ? list[i].ToString() : null;
            if (Name(stored) != Name(plan.Requests))
                throw new InvalidDataException($"The stored material was made for another program: its request {i + 1} is " +
                    $"{Name(stored) ?? "missing"} where this run takes {Name(plan.Requests) ?? "nothing"}.");
        }
        lock (_gate)
        {
            RequireUsedUp();
            _plan = plan.Requests;
            _material = material;
            _segmentStarts = [0, material.Length];
            _segments = [Task.CompletedTask];
            _next = 0;
            _masks.Clear();
            _maskOrdinals.Clear();
            foreach (var item in material)
                if (item is MatrixMask mask)
                {
                    _maskOrdinals[mask] = _masks.Count;
                    _masks.Add(mask);
                }
        }
    }

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.Triples, 0, count), () => source.TakeTriplesAsync(count, ct));

    /// <inheritdoc />
    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.MatrixTriple, 0, rows, inner, columns),
            () => source.TakeMatrixTripleAsync(rows, inner, columns, ct));

    /// <inheritdoc />
    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.MatrixMask, 0, rows, columns), () => source.TakeMatrixMaskAsync(rows, columns, ct));

    /// <inheritdoc />
    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int ordinal;
        lock (_gate) ordinal = _maskOrdinals.TryGetValue(mask.Whole, out int m) ? m : -1;
        return Serve(new DealRequest(DealKind.MatrixTripleForMask, 0, ordinal, mask.Whole.Rows, mask.Columns, mask.FirstRow, mask.Rows,
            transposed ? 1 : 0, columns), () => source.TakeMatrixTripleForAsync(mask, transposed, columns, ct));
    }

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.TruncationMasks, 0, count, bits), () => source.TakeTruncationMasksAsync(count, bits, ct));

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.BitMasks, 0, count, bits), () => source.TakeBitMasksAsync(count, bits, ct));

    /// <inheritdoc />
    public ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
        CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.ComparisonMasks, 0, count, bits, withProducts ? 1 : 0),
            () => Offering<IBinaryPreprocessing>().TakeComparisonMasksAsync(count, bits, withProducts, ct));

    /// <inheritdoc />
    public int WidestGate => (source as IBinaryPreprocessing)?.WidestGate ?? 8;

    /// <inheritdoc />
    public ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.AndTuples, 0, fanIn, words),
            () => Offering<IBinaryPreprocessing>().TakeAndTuplesAsync(fanIn, words, ct));

    /// <inheritdoc />
    public ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.PowerMasks, 0, count, degree),
            () => Offering<IPowerPreprocessing>().TakePowerMasksAsync(count, degree, ct));

    /// <inheritdoc />
    public ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree, CancellationToken ct = default) =>
        Serve(new DealRequest(DealKind.TruncationPowerMasks, 0, count, bits, degree),
            () => Offering<IPowerPreprocessing>().TakeTruncationPowerMasksAsync(count, bits, degree, ct));

    /// <summary>
    /// The next planned item if the plan has one (it must be <paramref name="asked"/>), else the source's, on demand. The
    /// item's place is taken now, in call order; its segment may still be in the making.
    /// </summary>
    private ValueTask<T> Serve<T>(DealRequest asked, Func<ValueTask<T>> onDemand)
    {
        int index;
        Task? pending;
        lock (_gate)
        {
            if (_next == _plan.Count)
            {
                OnDemandRequests++;
                return onDemand();
            }
            var planned = _plan[_next];
            if (planned != asked)
                throw new InvalidOperationException($"Preprocessing request {_next + 1} of the plan asks for {asked} where the plan has " +
                    $"{planned}: the program takes other material than in the rehearsal its plan was recorded from.");
            index = _next++;
            int found = Array.BinarySearch(_segmentStarts, index), segment = found >= 0 ? found : ~found - 1;
            pending = EnsureSegment(segment);
            if (pending is null) return ValueTask.FromResult(Hand<T>(index));
        }
        return AfterAsync<T>(pending, index);
    }

    private async ValueTask<T> AfterAsync<T>(Task segment, int index)
    {
        await segment.ConfigureAwait(false);
        lock (_gate) return Hand<T>(index);
    }

    // Item index, handed out once: its slot is cleared, so what was handed out can be freed.
    private T Hand<T>(int index)
    {
        var material = (T)_material[index]!;
        _material[index] = null;
        return material;
    }

    private TCapability Offering<TCapability>() where TCapability : class =>
        source as TCapability
            ?? throw new InvalidOperationException($"The {source.Name} source does not offer {typeof(TCapability).Name}.");
}
