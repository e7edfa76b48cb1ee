using System.Buffers.Binary;
using System.Security.Cryptography;
using Mpc.Core;
using Mpc.Core.Arithmetic;
using Mpc.Net;

namespace Mpc.Protocols.SetIntersection;

/// <summary>
/// Private membership: the rows of the leader's ids with, secret-shared, whether every party holds each id and every
/// other party's values for it, so that no party learns which ids are common (circuit PSI in the manner of Pinkas,
/// Schneider, Tkachenko and Yanai, "Efficient Circuit-Based PSI with Linear Communication", EUROCRYPT 2019, with the
/// bin comparisons done by the arithmetic suite instead of an OPPRF).
/// </summary>
/// <remarks>
/// <para>The leader cuckoo-hashes its ids into 1.5 bins per id (at most one per bin; <see cref="CuckooHashing"/>) and
/// announces the hash seed; every other party puts each of its ids into all three candidate bins, up to a capacity per
/// bin computed from the public set sizes (overflow probability at most 2^-40). Every id becomes a tag of
/// <see cref="TagBits"/> bits of SHA-256; empty places hold tags no id has. The leader inputs one tag per bin, each
/// other party a tag and its values per place; one batch of comparisons gives, per place, the shared bit [leader's tag =
/// place's tag] = 1 - [d &lt; 0] - [-d &lt; 0] for d their difference; per bin, a party's bits sum to whether it holds
/// the leader's id, and the bits times its values sum to those values (zero when it does not). The indicator is the
/// product of every party's.</para>
/// <para>Security: that of the suite (semi-honest, its corruption threshold). A party's view is its own input, the
/// public sizes and seed, and the suite's messages; the outputs stay shared. Revealed: every party's set size, and the
/// cuckoo seed, which depends on the leader's ids only through whether the first seeds failed (probability about
/// 2^-30 each). Ids whose tags collide in a bin would be taken for equal: probability about 2^-59 per comparison.</para>
/// <para>Rounds: the sizes; the seed; then per chunk of bins (2^16 comparisons, so memory stays bounded) the inputs, the
/// suite's comparison and one product; N - 2 products for the indicator. Comparisons: 2 capacity per bin and party other
/// than the leader (capacity 20-25 from a few hundred to a million ids); products: capacity times the party's values.</para>
/// </remarks>
public sealed class PrivateMembership<T>(IArithmeticSuite<T> suite, int leader = 0) where T : unmanaged, IRing<T>
{
    private Session Session => suite.Session;

    /// <summary>A broken variant for the security tests: every party also sends its places' tags in the clear to the others.</summary>
    internal bool TagsInTheClearForTests { get; init; }

    /// <summary>Bits of an id's tag: the suite's comparisons take differences of tags and dummies (three bits more).</summary>
    public int TagBits => Math.Min(62, suite.TruncationInputBits) - 3;

    /// <summary>
    /// Shares of the leader's bins: whether every party holds the bin's id, and each other party's
    /// <paramref name="width"/> values of it (<paramref name="values"/>, row-major, one row per id; the leader gives none).
    /// </summary>
    /// <exception cref="InvalidIdException">One of this party's ids is unusable (every other party fails too).</exception>
    /// <exception cref="MpcException">Another party's ids are unusable, a party has none, or the leader's seed is malformed.</exception>
    public async Task<MembershipShares<T>> AlignAsync(IReadOnlyList<string> ids, ReadOnlyMemory<T> values, int width,
        CancellationToken ct = default)
    {
        int n = Session.PartyCount, me = Session.PartyId;
        if (leader < 0 || leader >= n) throw new ArgumentOutOfRangeException(nameof(leader), $"No party {leader} among {n}.");
        if (width < 0 || (me == leader && width != 0))
            throw new ArgumentOutOfRangeException(nameof(width), width, "The leader gives no values; the others a width of zero or more.");
        if (values.Length != (long)ids.Count * width)
            throw new ArgumentException($"{ids.Count} ids of {width} values each need {ids.Count * width} values, not {values.Length}.");
        if (TagBits < 16) throw new InvalidOperationException($"The {suite.Name} suite compares too few bits for id tags.");

        var (encoded, sizes) = await PsiInputs.PrepareAsync(Session, ids, EcdhPsi.MaxIdBytes, ct).ConfigureAwait(false);
        var widths = new long[n];
        await Session.Network.ExchangeWithAllAsync<long>(Session.NextTag(), new[] { (long)width }, widths, ct).ConfigureAwait(false);
        for (int p = 0; p < n; p++)
            if (widths[p] < 0 || widths[p] > 1 << 16 || (p == leader && widths[p] != 0))
                throw new MpcException($"Party {p} announced {widths[p]} values per id; the leader gives none, the others at most 65536.");

        int bins = CuckooHashing.BinCount(sizes[leader]);
        var (words, tags) = Digest(encoded, TagBits);
        var seedTag = Session.NextTag();
        ulong seed;
        int[] table = [];
        if (me == leader)
        {
            (seed, table, _) = CuckooHashing.Table(words, encoded.Length, bins);
            var announcement = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(announcement, seed);
            await Task.WhenAll(Enumerable.Range(0, n).Where(p => p != me)
                .Select(p => Session.Network.SendAsync(p, seedTag, announcement, ct).AsTask())).ConfigureAwait(false);
        }
        else
        {
            var announcement = new byte[sizeof(ulong)];
            await Session.Network.ReceiveAsync(leader, seedTag, announcement, ct).ConfigureAwait(false);
            seed = BinaryPrimitives.ReadUInt64LittleEndian(announcement);
            if (seed > CuckooHashing.MaxSeed)
                throw new MpcException($"Party {leader} announced cuckoo seed {seed}, beyond the last one tried.");
        }
        Session.Network.CountRound();

        var capacities = new int[n];
        for (int p = 0; p < n; p++) capacities[p] = p == leader ? 1 : CuckooHashing.Capacity(sizes[p], bins);

        // The leader's tag per bin; every other party's ids per place (capacity places per bin) and their tags.
        T[] myTags;
        int[] places = [];
        if (me == leader) myTags = LeaderTags(table, tags, bins);
        else
        {
            places = SimpleTable(words, bins, seed, capacities[me]);
            myTags = PlaceTags(places, tags);
        }
        if (TagsInTheClearForTests) await SendTagsInTheClearAsync(myTags, bins, capacities, ct).ConfigureAwait(false);

        // Bins a chunk at a time (inputs, comparisons, products), so memory stays bounded whatever the sets' sizes.
        var others = Enumerable.Range(0, n).Where(p => p != leader).ToArray();
        int comparisonsPerBin = others.Sum(p => 2 * capacities[p]);
        int chunk = Math.Max(1, ChunkComparisons / comparisonsPerBin);
        var alignedParts = others.ToDictionary(p => p, _ => new List<SharedVector<T>>());
        var heldParts = others.ToDictionary(p => p, _ => new List<SharedVector<T>>());
        for (int first = 0; first < bins; first += chunk)
        {
            var range = new BinRange(first, Math.Min(chunk, bins - first));
            var mine = new Placed(myTags, places, values, width);
            var (aligned, held) = await ChunkAsync(range, mine, capacities, widths, others, ct).ConfigureAwait(false);
            foreach (int p in others)
            {
                alignedParts[p].Add(aligned[p]);
                heldParts[p].Add(held[p]);
            }
        }
        var atBins = new SharedVector<T>[n];
        atBins[leader] = suite.Constant([]);
        SharedVector<T>? indicator = null;
        foreach (int p in others)
        {
            atBins[p] = SharedVector<T>.Concat([.. alignedParts[p]]);
            var h = SharedVector<T>.Concat([.. heldParts[p]]);
            indicator = indicator is null ? h : await suite.MultiplyAsync(indicator, h, ct).ConfigureAwait(false);
        }
        return new MembershipShares<T>(bins, indicator!, atBins, [.. widths.Select(w => (int)w)], me == leader ? table : null, sizes);
    }

    /// <summary>Comparisons per chunk of bins (each party's comparison keeps a few KiB per element while it runs).</summary>
    private const int ChunkComparisons = 1 << 16;

    private readonly record struct BinRange(int First, int Count);

    // This party's input: its tag per place (per bin at the leader), the id in each place, the ids' values.
    private readonly record struct Placed(T[] Tags, int[] Places, ReadOnlyMemory<T> Values, int Width);

    // One chunk of bins: the inputs, [leader's tag = place's tag] per place of each other party from one batch of
    // comparisons of d and -d, and the equality bits times the places' values, summed per bin (each party's values at
    // the bins, and whether it holds the bin's id).
    private async Task<(Dictionary<int, SharedVector<T>> Aligned, Dictionary<int, SharedVector<T>> Held)> ChunkAsync(BinRange range,
        Placed mine, int[] capacities, long[] widths, int[] others, CancellationToken ct)
    {
        int n = Session.PartyCount, me = Session.PartyId, bins = range.Count, myPlaces = bins * capacities[me];
        var myTags = mine.Tags.AsMemory(range.First * capacities[me], myPlaces);
        T[] myValues = me == leader
            ? []
            : PlaceValues(mine.Places.AsSpan(range.First * capacities[me], myPlaces), mine.Values.Span, mine.Width);
        var tagInputs = new ValueTask<SharedVector<T>>[n];
        var valueInputs = new ValueTask<SharedVector<T>>[n];
        for (int p = 0; p < n; p++)
        {
            int k = capacities[p], w = (int)widths[p], count = bins * k;
            tagInputs[p] = suite.InputAsync(p, p == me ? myTags : ReadOnlyMemory<T>.Empty, count, ct);
            valueInputs[p] = suite.InputAsync(p, p == me ? myValues : ReadOnlyMemory<T>.Empty, count * w, ct);
        }
        var sharedTags = new SharedVector<T>[n];
        var sharedValues = new SharedVector<T>[n];
        for (int p = 0; p < n; p++)
        {
            sharedTags[p] = await tagInputs[p].ConfigureAwait(false);
            sharedValues[p] = await valueInputs[p].ConfigureAwait(false);
        }

        var differences = new List<SharedVector<T>>();
        foreach (int p in others)
        {
            var d = suite.Subtract(sharedTags[leader].RepeatEach(capacities[p]), sharedTags[p]);
            differences.Add(d);
            differences.Add(suite.Scale(d, -T.One));
        }
        var below = await suite.LessThanZeroAsync(SharedVector<T>.Concat([.. differences]), TagBits + 3, ct).ConfigureAwait(false);
        var equal = new Dictionary<int, SharedVector<T>>();
        int offset = 0;
        foreach (int p in others)
        {
            int count = bins * capacities[p];
            var unequal = suite.Add(below.Slice(offset, count), below.Slice(offset + count, count));
            equal[p] = suite.AddPublic(suite.Scale(unequal, -T.One), Ones(count));
            offset += 2 * count;
        }

        var selectors = SharedVector<T>.Concat([.. others.Select(p => equal[p].RepeatEach((int)widths[p]))]);
        var products = selectors.Length == 0
            ? selectors
            : await suite.MultiplyAsync(selectors, SharedVector<T>.Concat([.. others.Select(p => sharedValues[p])]), ct)
                .ConfigureAwait(false);
        var aligned = new Dictionary<int, SharedVector<T>>();
        var held = new Dictionary<int, SharedVector<T>>();
        offset = 0;
        foreach (int p in others)
        {
            int w = (int)widths[p], k = capacities[p];
            aligned[p] = SumPlaces(products.Slice(offset, bins * k * w), bins, k, w);
            held[p] = SumPlaces(equal[p], bins, k, 1);
            offset += bins * k * w;
        }
        return (aligned, held);
    }

    private async Task SendTagsInTheClearAsync(T[] mine, int bins, int[] capacities, CancellationToken ct)
    {
        int me = Session.PartyId;
        var tag = Session.NextTag();
        var words = mine.Select(t => (ulong)T.ToSignedInt128(t)).ToArray();
        var sends = new List<Task>();
        for (int p = 0; p < Session.PartyCount; p++)
            if (p != me && me != leader) sends.Add(Session.Network.SendAsync<ulong>(p, tag, words, ct).AsTask());
        for (int p = 0; p < Session.PartyCount; p++)
            if (p != me && p != leader)
                await Session.Network.ReceiveAsync<ulong>(p, tag, new ulong[bins * capacities[p]], ct).ConfigureAwait(false);
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    // Per id: two words for its bins and a tag of `bits` bits, from SHA-256 under this protocol's prefix (random oracles).
    private static (ulong[] Words, ulong[] Tags) Digest(byte[][] encoded, int bits)
    {
        var words = new ulong[encoded.Length * 2];
        var tags = new ulong[encoded.Length];
        Parallel.For(0, encoded.Length, () => new byte[EcdhPsi.MaxIdBytes + 1], (i, _, input) =>
        {
            var id = encoded[i];
            input[0] = 3;
            id.CopyTo(input, 1);
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(input.AsSpan(0, id.Length + 1), digest);
            words[2 * i] = BinaryPrimitives.ReadUInt64LittleEndian(digest);
            words[2 * i + 1] = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
            tags[i] = BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]) >> (64 - bits);
            return input;
        }, _ => { });
        return (words, tags);
    }

    // The leader's tag per bin; an empty bin's is 2^bits + b, which no id's tag and no other party's place equals.
    private T[] LeaderTags(int[] table, ulong[] tags, int bins)
    {
        var result = new T[bins];
        for (int b = 0; b < bins; b++)
            result[b] = T.FromUInt64(table[b] >= 0 ? tags[table[b]] : (1UL << TagBits) + (ulong)b);
        return result;
    }

    // Each of this party's ids in each of its candidate bins: the id per place (capacity places per bin) or -1.
    private int[] SimpleTable(ulong[] words, int bins, ulong seed, int capacity) =>
        CuckooHashing.Simple(words, words.Length / 2, bins, seed, capacity) ?? throw new MpcException(
            $"Party {Session.PartyId}: a bin of the intersection's simple hashing overflowed its {capacity} places " +
            $"(probability below 2^-{CuckooHashing.CapacitySecurity}).");

    // A party's tag per place; an empty place's is 2^(bits + 1) + its index.
    private T[] PlaceTags(int[] places, ulong[] tags)
    {
        var result = new T[places.Length];
        for (int i = 0; i < places.Length; i++)
            result[i] = T.FromUInt64(places[i] >= 0 ? tags[places[i]] : (1UL << (TagBits + 1)) + (ulong)i);
        return result;
    }

    private static T[] PlaceValues(ReadOnlySpan<int> places, ReadOnlySpan<T> values, int width)
    {
        var result = new T[(long)places.Length * width];
        for (int i = 0; i < places.Length; i++)
            if (places[i] >= 0) values.Slice(places[i] * width, width).CopyTo(result.AsSpan(i * width, width));
        return result;
    }

    // Sums the `capacity` places of each bin: bins x capacity x width in, bins x width out.
    private SharedVector<T> SumPlaces(SharedVector<T> x, int bins, int capacity, int width)
    {
        if (width == 0) return suite.Constant([]);
        var sum = x.Select(Places(bins, capacity, width, 0));
        for (int s = 1; s < capacity; s++) sum = suite.Add(sum, x.Select(Places(bins, capacity, width, s)));
        return sum;
    }

    private static int[] Places(int bins, int capacity, int width, int slot)
    {
        var indices = new int[bins * width];
        for (int b = 0; b < bins; b++)
            for (int c = 0; c < width; c++) indices[b * width + c] = (b * capacity + slot) * width + c;
        return indices;
    }

    private static T[] Ones(int count)
    {
        var ones = new T[count];
        Array.Fill(ones, T.One);
        return ones;
    }
}

/// <summary>What <see cref="PrivateMembership{T}"/> gives every party: shares over the leader's bins.</summary>
/// <param name="Bins">The number of bins (public; at least the leader's number of ids).</param>
/// <param name="Indicator">Per bin, 1 when it holds a leader's id every party holds, else 0.</param>
/// <param name="Values">
/// Per party, its values at the bins (bins x its width, row-major): those of the bin's id when it holds it, else 0;
/// empty for the leader.
/// </param>
/// <param name="Widths">Every party's number of values per id (0 for the leader).</param>
/// <param name="LeaderRows">At the leader: the row of its id in each bin, or -1 for an empty bin. Null elsewhere.</param>
/// <param name="SetSizes">Every party's number of ids (revealed).</param>
public sealed record MembershipShares<T>(int Bins, SharedVector<T> Indicator, SharedVector<T>[] Values, int[] Widths,
    int[]? LeaderRows, long[] SetSizes) where T : unmanaged, IRing<T>;
