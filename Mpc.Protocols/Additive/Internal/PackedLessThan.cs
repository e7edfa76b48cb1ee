using System.Numerics;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Protocols.Additive.Internal;

/// <summary>
/// Exact [x &lt; 0] for additive shares over Z_2^64 with the bitwise part on packed XOR shares: the same masked
/// comparison as the ring version (open c = x + 2^(l-1) + r; x &lt; 0 iff bit l-1 of c - r is 0, which takes the
/// borrow [c mod 2^(l-1) &lt; r mod 2^(l-1)] of Catrina and de Hoogh's BitLT), but every bit is one bit of a 64-bit
/// word, an AND costs one packed triple, and XOR is free, so the work and traffic of the bitwise part shrink 64-fold.
/// The XOR-shared result becomes an additive share by opening it masked with a random bit known in both forms.
/// </summary>
/// <remarks>
/// Rounds: the opening of c, the levels of AND gates for the prefix OR over the m bits compared (Kogge-Stone from the
/// top bit, one opening of the masked inputs per level with dealer tuples that hold the AND of every subset of the
/// masks: ceil(log4 m) levels of 4 inputs, or ceil(log8 m) of wider gates where they are cheap, see
/// <see cref="FanInFor"/>), and the conversion opening: five for up to 64 bits, four where two levels do. Every message
/// tag and all preprocessing are taken before the first await, so comparisons may
/// run concurrently with other operations. Semi-honest; what is opened is uniform (c by r, the AND openings by the
/// triples' a and b, the converted bit by the conversion bit).
/// </remarks>
internal static class PackedLessThan
{
    // The widest AND gate: dealer tuples hold the AND of every subset of the masks, 2^k - 1 words per gate word.
    private const int MaxFanIn = 8;

    // Gates of 4 inputs, unless wider ones that save a level deal at most this many more tuple words: a round saved is
    // worth about 0.3 ms on the 2-core machine, a tuple word (derived by every party) 15-25 ns. (Gates of 8 for 58 bits,
    // 25k words more, measured slower for 4 comparisons a step.)
    private const long WideGateExtraWords = 16 * 1024;

    /// <summary>
    /// Inputs per AND gate of the prefix over <paramref name="m"/> bits for <paramref name="words"/> words of 64
    /// comparisons: 4 (ceil(log4 m) levels), or the narrowest gates of up to 8 inputs that need fewer levels
    /// (ceil(log8 m): two for up to 64 bits) when their tuples cost at most <see cref="WideGateExtraWords"/> more; never
    /// wider than the source's <paramref name="widest"/> (<see cref="IBinaryPreprocessing.WidestGate"/>).
    /// </summary>
    public static int FanInFor(int m, int words, int widest = MaxFanIn)
    {
        if (widest < 4) return Math.Max(2, widest);
        int wide = FewestLevelsFanIn(m);
        if (wide <= 4) return wide;
        long extra = TupleWords(m, words, wide) - TupleWords(m, words, 4);
        return extra <= WideGateExtraWords ? wide : 4;
    }

    /// <summary>The narrowest gates, of at most 8 inputs, that reach over m bits in ceil(log8 m) levels (at least 2 inputs).</summary>
    public static int FewestLevelsFanIn(int m)
    {
        int levels = 0;
        for (long reach = 1; reach < m; reach *= MaxFanIn) levels++;
        for (int fanIn = 2; fanIn < MaxFanIn; fanIn++)
        {
            long reach = 1;
            for (int i = 0; i < levels; i++) reach *= fanIn;
            if (reach >= m) return fanIn;
        }
        return MaxFanIn;
    }

    // Tuple words of the prefix: its gate words times the 2^k - 1 subsets per gate.
    private static long TupleWords(int m, int words, int fanIn) => GateWords(m, words, fanIn) * ((1L << fanIn) - 1);

    // Gate words of the prefix over m bits: one per position still open at each level, for every word of comparisons.
    private static long GateWords(int m, int words, int fanIn)
    {
        long gates = 0;
        for (long stride = 1; stride < m; stride *= fanIn) gates += (m - stride) * (long)words;
        return gates;
    }

    /// <summary>
    /// [x &lt; 0] for x in [-2^(l-1), 2^(l-1) - 2^j) where the borrow compares only bits j..l-2 of c and r
    /// (j = <paramref name="ignoredBits"/>): exact for x &gt;= 0 and for x &lt; -2^j; in between it may say 0 (the low bits
    /// decide only there). Fewer bits compared, fewer gates and often a level less.
    /// </summary>
    public static async ValueTask<SharedVector<Z2k>> LessThanZeroAsync(Session session, IBinaryPreprocessing preprocessing,
        SharedVector<Z2k> x, int l, int ignoredBits, CancellationToken ct) =>
        (await LessThanZeroTimesAsync(session, preprocessing, x, l, ignoredBits, null, ct).ConfigureAwait(false)).Bits;

    /// <summary>
    /// As <see cref="LessThanZeroAsync"/>, and with a <paramref name="multiplicand"/> y (same length) also [x &lt; 0] y,
    /// in the conversion's round: beside s XOR rho, y - beta is opened (beta uniform, from the dealer with rho beta), and
    /// [x &lt; 0] y = e y + (1 - 2e)(delta rho + rho beta) for the opened bit e and delta, since [x &lt; 0] = e + (1 - 2e) rho
    /// and rho y = rho (delta + beta). No round beyond the comparison's. y is awaited only for that last round, so it
    /// may be computed meanwhile.
    /// </summary>
    public static async ValueTask<(SharedVector<Z2k> Bits, SharedVector<Z2k>? Products)> LessThanZeroTimesAsync(Session session,
        IBinaryPreprocessing preprocessing,
        SharedVector<Z2k> x, int l, int ignoredBits, Task<SharedVector<Z2k>>? multiplicand, CancellationToken ct)
    {
        int n = x.Length, skip = Math.Clamp(ignoredBits, 0, l - 2), m = l - 1 - skip, words = (n + 63) >> 6;
        int fanIn = FanInFor(m, words, preprocessing.WidestGate);
        bool leader = session.PartyId == 0;

        // Every tag and all material now, before any await.
        var openTag = session.NextTag();
        int levels = 0, andWords = checked((int)GateWords(m, words, fanIn));
        for (long stride = 1; stride < m; stride *= fanIn) levels++;
        var levelTags = new StreamTag[levels];
        for (int i = 0; i < levels; i++) levelTags[i] = session.NextTag();
        var convertTag = session.NextTag();
        var masksTask = preprocessing.TakeComparisonMasksAsync(n, l, withProducts: multiplicand is not null, ct);
        var tuplesTask = preprocessing.TakeAndTuplesAsync(fanIn, andWords, ct);
        var masks = await masksTask.ConfigureAwait(false);
        var tuples = await tuplesTask.ConfigureAwait(false);

        // Round 1: open c = x + 2^m + r.
        var masked = GC.AllocateUninitializedArray<Z2k>(n);
        VectorMath.Add<Z2k>(x.Shares, masks.R, masked);
        if (leader)
            for (int i = 0; i < n; i++) masked[i] = new Z2k(masked[i].Value + (1UL << (l - 1)));
        var c = await OpenAsync(session, openTag, masked, ct).ConfigureAwait(false);
        // Bits skip .. l-1 of c (public) and of r (shared), bit-sliced: positions 0 .. m from here on.
        var a = Pack(c, l, words)[(skip * words)..];
        var r = masks.Bits.AsSpan(skip * words, (m + 1) * words).ToArray();

        // g_i = NOT d_i with d_i = a_i XOR r_i for the low m bits; then the prefix AND from the top, P_i = AND of g_j for
        // j >= i, by levels of fan-in k (after stride s, P_i covers positions i .. i + ks - 1), so that the prefix OR of
        // the d is e_i = NOT P_i.
        var prefix = new ulong[m * words];
        r.AsSpan(0, m * words).CopyTo(prefix);
        if (leader)
            for (int k = 0; k < prefix.Length; k++) prefix[k] ^= ~a[k];
        int offset = 0, level = 0;
        var d = new ulong[fanIn];
        var coefficient = new ulong[1 << fanIn];
        for (int stride = 1; stride < m; stride *= fanIn, level++)
        {
            int count = (m - stride) * words, shift = stride * words;

            // Round: open every input XOR its mask (positions past the top are the constant 1).
            var mine = GC.AllocateUninitializedArray<ulong>(fanIn * count);
            for (int input = 0; input < fanIn; input++)
            {
                var mask = tuples.Subset(1 << input);
                for (int k = 0; k < count; k++)
                {
                    int position = k + input * shift;
                    ulong value = position < prefix.Length ? prefix[position] : leader ? ulong.MaxValue : 0;
                    mine[input * count + k] = value ^ mask[offset + k];
                }
            }
            var opened = await OpenXorAsync(session, levelTags[level], mine, ct).ConfigureAwait(false);

            // AND of the inputs = XOR over subsets S of (AND of the opened d outside S) AND a_S; the empty S at the leader.
            // The coefficients come from the full set down: coefficient[S] = coefficient[S + i] AND d_i, i the lowest
            // input outside S, one AND per subset.
            int all = (1 << fanIn) - 1;
            coefficient[all] = ulong.MaxValue;
            for (int k = 0; k < count; k++)
            {
                for (int input = 0; input < fanIn; input++) d[input] = opened[input * count + k];
                ulong and = 0;
                for (int subset = all - 1; subset >= 0; subset--)
                {
                    int input = BitOperations.TrailingZeroCount(~subset);
                    ulong term = coefficient[subset] = coefficient[subset | 1 << input] & d[input];
                    if (subset != 0) and ^= term & tuples[subset, offset + k];
                    else if (leader) and ^= term;
                }
                and ^= tuples[all, offset + k];
                prefix[k] = and;
            }
            offset += count;
        }
        if (leader)
            for (int k = 0; k < prefix.Length; k++) prefix[k] = ~prefix[k];

        // borrow = XOR over the positions where a_i = 0 of (e_i XOR e_(i+1)) (at most one is set); then
        // [x < 0] = 1 XOR c_(l-1) XOR r_(l-1) XOR borrow, all linear in XOR shares.
        var sign = new ulong[words];
        r.AsSpan(m * words, words).CopyTo(sign);
        for (int i = 0; i < m; i++)
            for (int w = 0; w < words; w++)
            {
                ulong above = i + 1 < m ? prefix[(i + 1) * words + w] : 0;
                sign[w] ^= (prefix[i * words + w] ^ above) & ~a[i * words + w];
            }
        if (leader)
            for (int w = 0; w < words; w++) sign[w] ^= ~a[m * words + w];

        // Round: open s XOR rho (rho a random bit in both forms); s = rho + e - 2 e rho, linear since e is public. With a
        // multiplicand, y - beta is opened in the same message (after the packed words, summed instead of XORed).
        for (int w = 0; w < words; w++) sign[w] ^= masks.ConversionBits[w];
        Z2k[]? y = null;
        var message = sign;
        if (multiplicand is not null)
        {
            y = (await multiplicand.ConfigureAwait(false)).Shares;
            if (y.Length != n)
                throw new ArgumentException($"The multiplicand has {y.Length} elements, the comparison {n}.", nameof(multiplicand));
            message = new ulong[words + n];
            sign.CopyTo(message, 0);
            for (int e = 0; e < n; e++) message[words + e] = unchecked(y[e].Value - masks.ProductMasks![e].Value);
        }
        var converted = await OpenMixedAsync(session, convertTag, message, words, ct).ConfigureAwait(false);
        var result = new Z2k[n];
        var products = y is null ? null : new Z2k[n];
        for (int e = 0; e < n; e++)
        {
            var rho = masks.ConversionValues[e];
            bool set = ((converted[e >> 6] >> (e & 63)) & 1) != 0;
            result[e] = set ? (leader ? Z2k.One : Z2k.Zero) - rho : rho;
            if (products is not null)
            {
                // e y + (1 - 2e)(delta rho + rho beta)
                var term = masks.ConversionProducts![e] + new Z2k(converted[words + e]) * rho;
                products[e] = set ? y![e] - term : term;
            }
        }
        return (new SharedVector<Z2k>(result), products is null ? null : new SharedVector<Z2k>(products));
    }

    // Bits 0..bits-1 of every value, bit-sliced: bit i of value e is bit e % 64 of word i * words + e / 64.
    private static ulong[] Pack(Z2k[] values, int bits, int words)
    {
        var packed = new ulong[bits * words];
        for (int e = 0; e < values.Length; e++)
        {
            ulong value = values[e].Value, bit = 1UL << (e & 63);
            int word = e >> 6;
            while (value != 0)
            {
                int i = BitOperations.TrailingZeroCount(value);
                if (i >= bits) break;
                packed[i * words + word] |= bit;
                value &= value - 1;
            }
        }
        return packed;
    }

    private static async ValueTask<Z2k[]> OpenAsync(Session session, StreamTag tag, Z2k[] mine, CancellationToken ct)
    {
        int parties = session.PartyCount, n = mine.Length;
        var all = GC.AllocateUninitializedArray<Z2k>(parties * n);
        await session.Network.ExchangeWithAllAsync<Z2k>(tag, mine, all, ct).ConfigureAwait(false);
        var sum = GC.AllocateUninitializedArray<Z2k>(n);
        Core.Sharing.AdditiveSharing.Reconstruct<Z2k>(all, parties, sum);
        return sum;
    }

    private static ValueTask<ulong[]> OpenXorAsync(Session session, StreamTag tag, ulong[] mine, CancellationToken ct) =>
        OpenMixedAsync(session, tag, mine, mine.Length, ct);

    // One exchange: the first xorWords words are XOR shares, the rest additive shares mod 2^64.
    private static async ValueTask<ulong[]> OpenMixedAsync(Session session, StreamTag tag, ulong[] mine, int xorWords, CancellationToken ct)
    {
        int parties = session.PartyCount, n = mine.Length;
        var all = GC.AllocateUninitializedArray<ulong>(parties * n);
        await session.Network.ExchangeWithAllAsync<ulong>(tag, mine, all, ct).ConfigureAwait(false);
        var result = all.AsSpan(0, n).ToArray();
        for (int p = 1; p < parties; p++)
        {
            var slot = all.AsSpan(p * n, n);
            for (int k = 0; k < xorWords; k++) result[k] ^= slot[k];
            for (int k = xorWords; k < n; k++) result[k] = unchecked(result[k] + slot[k]);
        }
        return result;
    }
}
