using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// What protocol authors need beyond the core, on any suite, for integers and fixed-point values alike (comparisons
/// give shared 0/1 integers, whose products with a value need no truncation). Rounds are stated per operation in terms of
/// the suite's comparison (C, about log2 b + 3) and product (1).
/// </summary>
/// <remarks>
/// Each operation starts its own work as it goes: start nothing beside one of them but operations started before it
/// (see <see cref="Session"/>). Values compared must lie in the suite's comparison range.
/// </remarks>
public static class VectorAlgorithms
{
    /// <summary>The running sums x0, x0 + x1, ...: local, in every suite.</summary>
    public static SharedVector<T> PrefixSums<T>(this IArithmeticSuite<T> suite, SharedVector<T> x) where T : unmanaged, IRing<T>
    {
        ArgumentNullException.ThrowIfNull(suite);
        var shares = new T[x.Length];
        T running = T.Zero;
        for (int i = 0; i < shares.Length; i++) shares[i] = running += x.Shares[i];
        if (x.Macs is null) return new SharedVector<T>(shares);
        var macs = new T[x.Length];
        T mac = T.Zero;
        for (int i = 0; i < macs.Length; i++) macs[i] = mac += x.Macs[i];
        return new SharedVector<T>(shares, macs);
    }

    /// <summary>[x = y] elementwise as shared 0/1: 1 - [x &lt; y] - [y &lt; x], both in one comparison. C rounds.</summary>
    public static async ValueTask<SharedVector<T>> EqualAsync<T>(this IArithmeticSuite<T> suite, SharedVector<T> x, SharedVector<T> y,
        CancellationToken ct = default) where T : unmanaged, IRing<T>
    {
        int n = x.Length;
        var both = await suite.LessThanZeroAsync(SharedVector<T>.Concat(suite.Subtract(x, y), suite.Subtract(y, x)), ct: ct)
            .ConfigureAwait(false);
        var differ = suite.Add(both.Slice(0, n), both.Slice(n, n));
        return suite.AddPublic(suite.Scale(differ, T.FromInt64(-1)), Ones<T>(n));
    }

    /// <summary>
    /// The largest value and the index of its first occurrence (a shared integer), by a tournament: ceil(log2 n) levels
    /// of one comparison and one product each, (C + 1) ceil(log2 n) rounds.
    /// </summary>
    public static async ValueTask<(SharedVector<T> Max, SharedVector<T> Index)> ArgMaxAsync<T>(this IArithmeticSuite<T> suite,
        SharedVector<T> x, CancellationToken ct = default) where T : unmanaged, IRing<T>
    {
        if (x.Length == 0) throw new ArgumentException("The maximum of no values.", nameof(x));
        var values = x;
        var indices = suite.Constant([.. Enumerable.Range(0, x.Length).Select(i => T.FromInt64(i))]);
        while (values.Length > 1)
        {
            int pairs = values.Length / 2;
            bool odd = values.Length % 2 == 1;
            var (a, b) = Halves(values, pairs);
            var (ia, ib) = Halves(indices, pairs);
            // keep a where a >= b: c = 1 - [a < b]; winner = b + c (a - b), for the value and its index in one product.
            var less = await suite.LessThanZeroAsync(suite.Subtract(a, b), ct: ct).ConfigureAwait(false);
            var keepA = suite.AddPublic(suite.Scale(less, T.FromInt64(-1)), Ones<T>(pairs));
            var chosen = await suite.MultiplyAsync(SharedVector<T>.Concat(keepA, keepA),
                SharedVector<T>.Concat(suite.Subtract(a, b), suite.Subtract(ia, ib)), ct).ConfigureAwait(false);
            var winners = suite.Add(b, chosen.Slice(0, pairs));
            var winnerIndices = suite.Add(ib, chosen.Slice(pairs, pairs));
            values = odd ? SharedVector<T>.Concat(winners, values.Slice(values.Length - 1, 1)) : winners;
            indices = odd ? SharedVector<T>.Concat(winnerIndices, indices.Slice(indices.Length - 1, 1)) : winnerIndices;
        }
        return (values, indices);
    }

    /// <summary>
    /// The values in ascending order, by Batcher's odd-even merge sort (Batcher, AFIPS 1968): for n up to 2^k,
    /// k (k + 1) / 2 layers of disjoint compare-exchanges, each one comparison and one product: (C + 1) k (k + 1) / 2
    /// rounds, n (k^2 - k + 4) / 4 - 1 comparisons at most. Data-oblivious: which positions are compared is public.
    /// </summary>
    public static ValueTask<SharedVector<T>> SortAsync<T>(this IArithmeticSuite<T> suite, SharedVector<T> x,
        CancellationToken ct = default) where T : unmanaged, IRing<T> => suite.SortEachAsync(x, x.Length, ct);

    /// <summary>
    /// Each of the x.Length / <paramref name="length"/> vectors of <paramref name="length"/> values laid one after another
    /// in <paramref name="x"/>, sorted ascending by one pass of the network: the rounds of one <see cref="SortAsync"/>.
    /// </summary>
    public static async ValueTask<SharedVector<T>> SortEachAsync<T>(this IArithmeticSuite<T> suite, SharedVector<T> x, int length,
        CancellationToken ct = default) where T : unmanaged, IRing<T>
    {
        if (length < 1 || x.Length % length != 0)
            throw new ArgumentException($"{x.Length} values are not vectors of {length}.", nameof(length));
        int vectors = x.Length / length;
        var values = x;
        foreach (var layer in SortingNetwork.Layers(length))
        {
            int[] low = [.. Enumerable.Range(0, vectors).SelectMany(v => layer.Select(p => v * length + p.Low))];
            int[] high = [.. Enumerable.Range(0, vectors).SelectMany(v => layer.Select(p => v * length + p.High))];
            var a = values.Select(low);
            var b = values.Select(high);
            // min = a + [b < a] (b - a); max = a + b - min.
            var swap = await suite.LessThanZeroAsync(suite.Subtract(b, a), ct: ct).ConfigureAwait(false);
            var delta = await suite.MultiplyAsync(swap, suite.Subtract(b, a), ct).ConfigureAwait(false);
            var min = suite.Add(a, delta);
            var max = suite.Subtract(suite.Add(a, b), min);
            values = Place(values, low, min, high, max);
        }
        return values;
    }

    /// <summary>
    /// The elementwise maximum of <paramref name="vectors"/> (all of one length): a tournament, ceil(log2 K) levels of
    /// one comparison and one product each.
    /// </summary>
    public static ValueTask<SharedVector<T>> ElementwiseMaxAsync<T>(this IArithmeticSuite<T> suite,
        IReadOnlyList<SharedVector<T>> vectors, CancellationToken ct = default) where T : unmanaged, IRing<T> =>
        TournamentAsync(suite, vectors, null, ct);

    /// <summary>
    /// The elementwise maximum to within 2^<paramref name="ignoredBits"/> units, of values whose differences span
    /// <paramref name="inputBits"/> signed bits: the same tournament with coarse comparisons, each level's product made in
    /// its comparison's last round where the suite allows (<see cref="SuiteOperations.LessThanZeroAndProductAsync{T}"/>).
    /// Where two values lie within the tolerance either may win, and either is within it of the maximum.
    /// </summary>
    public static ValueTask<SharedVector<T>> ElementwiseMaxAsync<T>(this IArithmeticSuite<T> suite,
        IReadOnlyList<SharedVector<T>> vectors, int inputBits, int ignoredBits, CancellationToken ct = default)
        where T : unmanaged, IRing<T> =>
        TournamentAsync(suite, vectors, (inputBits, ignoredBits), ct);

    // max = b + [b < a] (a - b), level by level; exact, or coarse with the product fused.
    private static async ValueTask<SharedVector<T>> TournamentAsync<T>(IArithmeticSuite<T> suite, IReadOnlyList<SharedVector<T>> vectors,
        (int InputBits, int IgnoredBits)? coarse, CancellationToken ct) where T : unmanaged, IRing<T>
    {
        if (vectors.Count == 0) throw new ArgumentException("The maximum of no vectors.", nameof(vectors));
        var round = vectors.ToList();
        while (round.Count > 1)
        {
            int pairs = round.Count / 2, n = round[0].Length;
            var a = SharedVector<T>.Concat([.. Enumerable.Range(0, pairs).Select(i => round[2 * i])]);
            var b = SharedVector<T>.Concat([.. Enumerable.Range(0, pairs).Select(i => round[2 * i + 1])]);
            SharedVector<T> gain;
            if (coarse is var (inputBits, ignoredBits))
            {
                (_, gain) = await suite.LessThanZeroAndProductAsync(suite.Subtract(b, a), inputBits, ignoredBits,
                    Task.FromResult(suite.Subtract(a, b)), ct).ConfigureAwait(false);
            }
            else
            {
                var less = await suite.LessThanZeroAsync(suite.Subtract(b, a), ct: ct).ConfigureAwait(false);
                gain = await suite.MultiplyAsync(less, suite.Subtract(a, b), ct).ConfigureAwait(false);
            }
            var winners = suite.Add(b, gain);
            var next = Enumerable.Range(0, pairs).Select(i => winners.Slice(i * n, n)).ToList();
            if (round.Count % 2 == 1) next.Add(round[^1]);
            round = next;
        }
        return round[0];
    }

    private static (SharedVector<T>, SharedVector<T>) Halves<T>(SharedVector<T> x, int pairs) where T : unmanaged, IRing<T> =>
        (x.Select([.. Enumerable.Range(0, pairs).Select(i => 2 * i)]), x.Select([.. Enumerable.Range(0, pairs).Select(i => 2 * i + 1)]));

    private static SharedVector<T> Place<T>(SharedVector<T> values, int[] low, SharedVector<T> min, int[] high, SharedVector<T> max)
        where T : unmanaged, IRing<T>
    {
        // Positions not in this layer keep their value; the layer's pairs take their min and max.
        var source = Enumerable.Range(0, values.Length).ToArray();
        for (int i = 0; i < low.Length; i++)
        {
            source[low[i]] = values.Length + i;
            source[high[i]] = values.Length + low.Length + i;
        }
        return SharedVector<T>.Concat(values, min, max).Select(source);
    }

    private static T[] Ones<T>(int n) where T : unmanaged, IRing<T>
    {
        var ones = new T[n];
        ones.AsSpan().Fill(T.One);
        return ones;
    }
}

/// <summary>Batcher's odd-even merge sort as layers of disjoint comparators, for any length (pairs beyond it dropped).</summary>
public static class SortingNetwork
{
    /// <summary>The comparator layers sorting <paramref name="n"/> values ascending: (low, high) swaps when high's is less.</summary>
    public static IReadOnlyList<(int Low, int High)[]> Layers(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        int size = 1;
        while (size < n) size <<= 1;
        var layers = new List<(int, int)[]>();
        for (int p = 1; p < size; p <<= 1)
        {
            for (int k = p; k >= 1; k >>= 1)
            {
                var layer = new List<(int, int)>();
                for (int j = k % p; j + k < size; j += 2 * k)
                {
                    for (int i = 0; i < Math.Min(k, size - j - k); i++)
                    {
                        // Comparators reaching past n meet a padding +infinity there: they never swap, so they are dropped.
                        if ((i + j) / (2 * p) == (i + j + k) / (2 * p) && i + j + k < n) layer.Add((i + j, i + j + k));
                    }
                }
                if (layer.Count > 0) layers.Add([.. layer]);
            }
        }
        return layers;
    }
}
