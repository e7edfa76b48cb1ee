using Mpc.Net;
using System.Numerics;
using Mpc.Core.Arithmetic;
using Mpc.Protocols.Shamir.Internal;

namespace Mpc.Protocols.Shamir;

public sealed partial class ShamirSuite<T>
{
    /// <summary>
    /// Catrina and Saxena's probabilistic truncation (FC 2010, TruncPR). For v in [-2^(k-1), 2^(k-1)), open
    /// c = v + 2^(k-1) + R with R = r' + 2^m r'' and return floor(c / 2^m) - r'' - 2^(k-1-m), which is
    /// floor((v mod 2^m + r') / 2^m) above floor(v / 2^m). r'' (k + s - m bits per contribution) hides v
    /// statistically (distance at most 2^-s); r' is drawn as <see cref="Truncation"/> says.
    /// </summary>
    /// <remarks>
    /// Rounds: one dealing round for the masks (parties 0..t), then the opening. With
    /// <see cref="ShamirTruncation.RandomBits"/>, ceil(log2(t + 1)) multiplication rounds more for the bits.
    /// </remarks>
    public async ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        if (bits == 0) return x;
        if (Truncation == ShamirTruncation.RandomBits) return await TruncateWithRandomBitsAsync(x, bits, ct).ConfigureAwait(false);
        return new(await OpenTruncatedAsync(x.Shares, bits, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// The local product (degree 2t) truncated by one opening from its degree-2t shares: no degree reduction
    /// round. Safe because the mask R is a random degree-2t sharing, so the opened polynomial is uniform but for
    /// its value at zero (DN07's double sharings). Rounds: the mask dealing and one opening.
    /// </summary>
    public async ValueTask<SharedVector<T>> MultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int bits,
        CancellationToken ct = default)
    {
        CheckShift(bits);
        if (bits == 0 || Truncation == ShamirTruncation.RandomBits)
            return await TruncateAsync(await MultiplyAsync(x, y, ct).ConfigureAwait(false), bits, ct).ConfigureAwait(false);
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        var product = new T[x.Length];
        VectorMath.Multiply<T>(x.Shares, y.Shares, product);
        return new(await OpenTruncatedAsync(product, bits, ct).ConfigureAwait(false));
    }

    /// <summary>The matrix product truncated straight from its degree-2t shares; see <see cref="MultiplyAndTruncateAsync"/>.</summary>
    public async ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner,
        int columns, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        if (bits == 0 || Truncation == ShamirTruncation.RandomBits)
            return await TruncateAsync(await MatrixMultiplyAsync(x, y, rows, inner, columns, ct).ConfigureAwait(false),
                bits, ct).ConfigureAwait(false);
        if (x.Length != rows * inner || y.Length != inner * columns)
            throw new ArgumentException(
                $"Matrix product of {x.Length} and {y.Length} elements does not fit {rows}x{inner} times {inner}x{columns}.");
        var product = new T[rows * columns];
        VectorMath.MatrixMultiply<T>(x.Shares, y.Shares, product, rows, inner, columns);
        return new(await OpenTruncatedAsync(product, bits, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// Opens value + 2^(k-1) + R from degree-2t shares (value of degree t or 2t) and returns degree-t shares of
    /// floor(c / 2^m) - r'' - 2^(k-1-m) - correction, where the correction centres the summed-mask error.
    /// </summary>
    private async ValueTask<T[]> OpenTruncatedAsync(T[] value, int bits, CancellationToken ct)
    {
        int length = value.Length, k = TruncationInputBits;
        var tag = _session.NextTag(); // before any await, as every operation's tags
        var (wide, high) = await DoubleMasksAsync(length, bits, k, ct).ConfigureAwait(false);

        // Round: open c = value + 2^(k-1) + R, reconstructed (and checked) as a degree-2t sharing.
        var masked = new T[length];
        VectorMath.Add<T>(value, wide, masked);
        var offset = T.FromInt128(Int128.One << (k - 1));
        for (int i = 0; i < length; i++) masked[i] += offset;
        _engine.ProductTamper?.Invoke(masked); // tests: a party that opens a wrong (fused) product
        await _engine.OpenInPlaceAsync(_engine.ProductScheme, masked, tag, ct).ConfigureAwait(false);
        return ShiftOpened(masked, bits, correction: (Threshold + 1) / 2, high);
    }

    /// <summary>
    /// Shares of floor(c / 2^m) - 2^(k-1-m) - correction - r'' from the opened c and my shares of r''. c is below
    /// 2^126, so its signed lift is itself and the shift is an integer shift.
    /// </summary>
    private T[] ShiftOpened(T[] c, int bits, int correction, ReadOnlySpan<T> high)
    {
        var publicPart = T.FromInt128(-(Int128.One << (TruncationInputBits - 1 - bits)) - correction);
        var result = new T[c.Length];
        for (int i = 0; i < c.Length; i++)
            result[i] = T.FromInt128(T.ToSignedInt128(c[i]) >> bits) + publicPart - high[i];
        return result;
    }

    /// <summary>
    /// Deals truncation masks for <paramref name="count"/> elements now (an offline phase; they depend on no input).
    /// Later truncations by <paramref name="bits"/> consume them in order, each exactly once, and deal fresh ones
    /// when they run out. One dealing round.
    /// </summary>
    public async ValueTask PrepareTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        var (wide, high) = await DealDoubleMasksAsync(count, bits, TruncationInputBits, ct).ConfigureAwait(false);
        _maskBatches[bits] = new PreparedPairs<T>(wide, high);
    }

    /// <summary>
    /// A truncation that finds no masks prepared deals a batch: 64 calls' worth, and at most this many elements (or
    /// its own, if more). The truncations after it take theirs with no dealing round, until
    /// <see cref="DiscardPreparedMasks"/>.
    /// </summary>
    internal int TruncationBatch { get; init; } = 1 << 15;

    private readonly Dictionary<int, PreparedPairs<T>> _maskBatches = []; // by shift, prepared or dealt on the way

    private ValueTask<(T[] Wide, T[] High)> DoubleMasksAsync(int length, int bits, int inputBits, CancellationToken ct)
    {
        if (_maskBatches.TryGetValue(bits, out var batch) && batch.TryTake(length, out var prepared)) return prepared;
        int size = Math.Max(length, (int)Math.Min(64L * length, TruncationBatch));
        if (size == length) return DealDoubleMasksAsync(length, bits, inputBits, ct);
        _maskBatches[bits] = batch = new PreparedPairs<T>(DealDoubleMasksAsync(size, bits, inputBits, ct).AsTask(), size);
        if (!batch.TryTake(length, out prepared)) throw new InvalidOperationException("A new batch of masks is short.");
        return prepared;
    }

    /// <summary>
    /// Forgets the masks made ahead and not yet used (truncation masks, double sharings, comparison masks), so that
    /// what follows uses only masks made from then on: a run resumed from a checkpoint then makes and uses exactly the
    /// masks the original run did. Call it between operations, at the same point at every party.
    /// </summary>
    public void DiscardPreparedMasks()
    {
        _maskBatches.Clear();
        _preparedRandoms = null;
        _comparisonMasks.Clear();
        _comparedWidths.Clear();
    }

    /// <summary>
    /// Truncation masks for one dealing round: each of parties 0..t draws r'_j in [0, 2^m) and r''_j in
    /// [0, 2^(inputBits + s - m)) and deals R_j = r'_j + 2^m r''_j with degree 2t and r''_j with degree t.
    /// Returns my shares of R = sum R_j (degree 2t) and r'' = sum r''_j (degree t).
    /// </summary>
    private ValueTask<(T[] Wide, T[] High)> DealDoubleMasksAsync(int length, int bits, int inputBits, CancellationToken ct) =>
        DealPairsAsync(length, () =>
        {
            var combined = RandomBelow(length, bits);
            var high = RandomBelow(length, inputBits + StatisticalSecurity - bits);
            VectorMath.AddScaled<T>(high, T.FromInt128(Int128.One << bits), combined);
            return (combined, high);
        }, ct);

    /// <summary>
    /// One dealing round in which each of parties 0..t draws a pair of vectors and deals the first with degree 2t
    /// and the second with degree t, in one message per receiver; returns my shares of the two sums. One honest
    /// contributor among the t + 1 makes both sums unknown to any t parties (DN07-style double sharings).
    /// </summary>
    private async ValueTask<(T[] Wide, T[] Narrow)> DealPairsAsync(int length, Func<(T[] Wide, T[] Narrow)> draw, CancellationToken ct)
    {
        int n = _session.PartyCount, me = _session.PartyId, t = Threshold;
        var tag = _session.NextTag();
        var network = _session.Network;
        var wide = new T[length];
        var narrow = new T[length];
        var sends = Task.CompletedTask;
        T[]? myWide = null, myNarrow = null;
        if (me <= t)
        {
            var (wideValue, narrowValue) = draw();
            var wideDealing = GC.AllocateUninitializedArray<T>(n * length);
            var narrowDealing = GC.AllocateUninitializedArray<T>(n * length);
            _engine.ProductScheme.Share(wideValue, _session.Random, wideDealing);
            _engine.Scheme.Share(narrowValue, _session.Random, narrowDealing);
            // Party p's message: its share of the wide sharing, then of the narrow one.
            var messages = new List<Task>();
            for (int p = 0; p < n; p++)
            {
                if (p == me) continue;
                var message = GC.AllocateUninitializedArray<T>(2 * length);
                wideDealing.AsSpan(p * length, length).CopyTo(message);
                narrowDealing.AsSpan(p * length, length).CopyTo(message.AsSpan(length));
                messages.Add(network.SendAsync<T>(p, tag, message, ct).AsTask());
            }
            sends = Task.WhenAll(messages);
            myWide = wideDealing.AsSpan(me * length, length).ToArray();
            myNarrow = narrowDealing.AsSpan(me * length, length).ToArray();
        }

        var receives = new List<Task<T[]>>();
        for (int p = 0; p <= t; p++)
            if (p != me) receives.Add(ReceiveMessageAsync(p));
        foreach (var received in receives)
        {
            var message = await received.ConfigureAwait(false);
            VectorMath.Add<T>(wide, message.AsSpan(0, length), wide);
            VectorMath.Add<T>(narrow, message.AsSpan(length, length), narrow);
        }
        await sends.ConfigureAwait(false);
        network.CountRound();
        if (myWide is not null && myNarrow is not null)
        {
            VectorMath.Add<T>(wide, myWide, wide);
            VectorMath.Add<T>(narrow, myNarrow, narrow);
        }
        return (wide, narrow);

        async Task<T[]> ReceiveMessageAsync(int from)
        {
            var message = GC.AllocateUninitializedArray<T>(2 * length);
            await network.ReceiveAsync<T>(from, tag, message, ct).ConfigureAwait(false);
            return message;
        }
    }

    /// <summary>
    /// Hands out the pairwise keys of product resharing now (one round, for the field and for the field and the bits of
    /// comparisons)
    /// instead of at the first multiplication, so that a run that re-keys its randomness per phase
    /// (<see cref="EpochKeys"/>) draws them in a phase of its choosing and a resumed run draws the same ones. Does
    /// nothing once they are out.
    /// </summary>
    public async ValueTask EstablishResharingKeysAsync(CancellationToken ct = default)
    {
        var field = _engine.EstablishResharingKeysAsync(ct);
        var comparisonField = ComparisonField.EstablishResharingKeysAsync(ct);
        var bits = Bits.EstablishResharingKeysAsync(ct);
        await field.ConfigureAwait(false);
        await comparisonField.ConfigureAwait(false);
        await bits.ConfigureAwait(false);
    }

    /// <summary>
    /// Deals double sharings for <paramref name="count"/> multiplications now (input-independent preprocessing, by
    /// pseudo-random secret sharing); later multiplications consume them in order, each once, and open their products
    /// masked by them (DN07), which sends fewer elements online than resharing for long vectors. Multiplications
    /// beyond them reshare.
    /// </summary>
    public async ValueTask PrepareMultiplicationMasksAsync(int count, CancellationToken ct = default)
    {
        var (wide, narrow) = await _engine.DoubleRandomsAsync(count, ct).ConfigureAwait(false);
        _preparedRandoms = new PreparedPairs<T>(wide, narrow);
    }

    private PreparedPairs<T>? _preparedRandoms;

    /// <summary>
    /// The local product reduced to degree t: with prepared double sharings if there are enough, else by resharing;
    /// its round not counted again when it runs <paramref name="beside"/> another operation.
    /// </summary>
    private ValueTask<T[]> ReduceProductAsync(T[] product, CancellationToken ct, bool beside = false) =>
        _preparedRandoms is not null && _preparedRandoms.TryTake(product.Length, out var prepared)
            ? _engine.ReduceWithDoubleSharingAsync(product, prepared, ct, beside)
            : _engine.ReduceAsync(product, ct, beside: beside);

    /// <summary>Catrina-Saxena with r' built from m jointly random bits: error at most one unit.</summary>
    private async ValueTask<SharedVector<T>> TruncateWithRandomBitsAsync(SharedVector<T> x, int bits, CancellationToken ct)
    {
        int length = x.Length, k = TruncationInputBits;
        var (lowMask, highMask) = await MasksAsync(length, bits, k, ct).ConfigureAwait(false);

        // Round: open c = x + 2^(k-1) + 2^m r'' + r'.
        var masked = Add(Add(x, lowMask), Scale(highMask, T.FromInt128(Int128.One << bits)));
        var offset = T.FromInt128(Int128.One << (k - 1));
        var c = await OpenAsync(AddPublic(masked, Enumerable.Repeat(offset, length).ToArray()), ct).ConfigureAwait(false);

        return new(ShiftOpened(c, bits, correction: 0, highMask.Shares));
    }

    private void CheckShift(int bits)
    {
        if (bits < 0 || bits >= TruncationInputBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits,
                $"Truncation shifts by 0 to {TruncationInputBits - 1} bits in this suite.");
    }

    // Uniform integers in [0, 2^bits), bits <= 127, as field elements.
    private T[] RandomBelow(int length, int bits)
    {
        var raw = new UInt128[length];
        _session.Random.Fill<UInt128>(raw);
        UInt128 mask = bits >= 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;
        var result = new T[length];
        for (int i = 0; i < length; i++) result[i] = T.FromInt128((Int128)(raw[i] & mask));
        return result;
    }

    /// <summary>
    /// Shares of r' = sum 2^i b_i over m jointly random bits, and of r'' (the sum of every party's mask of
    /// inputBits + s - m bits).
    /// </summary>
    private async ValueTask<(SharedVector<T> Low, SharedVector<T> High)> MasksAsync(int length, int bits,
        int inputBits, CancellationToken ct)
    {
        int n = _session.PartyCount, t = Threshold, me = _session.PartyId;
        int highBits = inputBits + StatisticalSecurity - bits;
        var random = _session.Random;

        // One input round: parties 0..t deal m random bits per element; every party deals its r'' part.
        var myBits = new T[length * bits];
        var myHigh = new T[length];
        if (me <= t)
        {
            var raw = new byte[myBits.Length];
            random.Fill(raw);
            for (int i = 0; i < myBits.Length; i++) myBits[i] = (raw[i] & 1) == 0 ? T.Zero : T.One;
        }
        RandomBelow(length, highBits).CopyTo(myHigh, 0);

        var bitInputs = new List<ValueTask<SharedVector<T>>>();
        for (int p = 0; p <= t; p++)
            bitInputs.Add(InputAsync(p, p == me ? myBits : ReadOnlyMemory<T>.Empty, myBits.Length, ct));
        var highInputs = new List<ValueTask<SharedVector<T>>>();
        for (int p = 0; p < n; p++)
            highInputs.Add(InputAsync(p, p == me ? myHigh : ReadOnlyMemory<T>.Empty, length, ct));

        var contributions = new List<SharedVector<T>>();
        foreach (var input in bitInputs) contributions.Add(await input.ConfigureAwait(false));
        SharedVector<T> high = await highInputs[0].ConfigureAwait(false);
        for (int p = 1; p < n; p++) high = Add(high, await highInputs[p].ConfigureAwait(false));

        // XOR the contributions pairwise, a tree of ceil(log2(t + 1)) multiplication rounds.
        while (contributions.Count > 1)
        {
            var next = new List<SharedVector<T>>();
            var products = new List<(SharedVector<T> A, SharedVector<T> B, ValueTask<SharedVector<T>> Product)>();
            for (int i = 0; i + 1 < contributions.Count; i += 2)
                products.Add((contributions[i], contributions[i + 1], MultiplyAsync(contributions[i], contributions[i + 1], ct)));
            foreach (var (a, b, product) in products)
            {
                var ab = await product.ConfigureAwait(false);
                next.Add(Subtract(Add(a, b), Scale(ab, T.FromInt64(2))));
            }
            if (contributions.Count % 2 == 1) next.Add(contributions[^1]);
            contributions = next;
        }
        var randomBits = contributions[0];

        // r' = sum over positions of 2^i b_i.
        var low = new T[length];
        for (int i = 0; i < bits; i++)
        {
            var weight = T.FromInt128(Int128.One << i);
            for (int e = 0; e < length; e++) low[e] += weight * randomBits.Shares[e * bits + i];
        }
        return (new(low), high);
    }
}
