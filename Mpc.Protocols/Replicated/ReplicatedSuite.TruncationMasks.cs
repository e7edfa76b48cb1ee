using Mpc.Core.Arithmetic;
using Mpc.Net;

namespace Mpc.Protocols.Replicated;

// Truncation masks, made by the three parties together in batches ahead of the truncations that use them, with no
// dealer: a uniform r in Z_2^64 that no party knows, shared three ways,
//   [r], [r'' >> m] with r'' = r mod 2^63, and [msb(r)],
// the material of Escudero, Ghosh, Keller, Rachuri and Scholl's probabilistic truncation with the mask's top bit
// (CRYPTO 2020, section 5.1; in the replicated ring as ABY3's truncation pairs, Mohassel and Rindal, CCS 2018,
// section 5.1, extended by the top bit so that the online wrap-around is corrected exactly).
//
// Generation (ABY3, section 5.3, boolean to arithmetic): r starts as a random boolean sharing, each party's two
// components from the PRGs it shares with its neighbours (no message), so r'' >> m and msb(r) are boolean sharings
// too, by shifts. Each of the three words w is converted: parties 0 and 1 draw a_1, parties 1 and 2 draw a_2 from
// their shared PRGs; both are boolean-shared for free (each is one component, held by the two who know it), and
// a_0 = w - a_1 - a_2 is computed on boolean shares by a three-operand adder: the majority carries
// maj(w, -a_1, -a_2) = ((w ^ -a_2) & (-a_1 ^ -a_2)) ^ -a_2 (one AND round), then a Kogge-Stone parallel prefix over
// the 64 bits (1 + 6 AND rounds, as in the comparisons). a_0 is opened to parties 2 and 0, the two that hold
// component 0 (one round: party 1 sends each the component it lacks); it is uniform to each, who misses a_1 or a_2.
// The arithmetic sharing is (a_0, a_1, a_2). Nine rounds per batch and about 30 words sent per mask per party, spent
// once per batch of 2^15 to 2^16 masks, not per truncation.
public sealed partial class ReplicatedSuite
{
    /// <summary>
    /// Masks in a shift's first batch (or the request, if longer): enough that a run needs few batches, so few of their rounds.
    /// </summary>
    internal int FirstMaskBatch { get; init; } = 1 << 15;

    /// <summary>Masks in a batch at most: each batch doubles the last, to this.</summary>
    internal int LargestMaskBatch { get; init; } = 1 << 16;
    private const int RingLevels = 6; // Kogge-Stone levels for the carries into all 64 bits

    /// <summary>One party's shares of n masks for a shift of m bits: r, r'' &gt;&gt; m and msb(r).</summary>
    internal sealed record TruncationMasks(Z2kPair[] Mask, Z2kPair[] ShiftedLow, Z2kPair[] TopBit);

    /// <summary>A batch being made or made, and how many of its masks are promised to truncations already.</summary>
    private sealed class MaskBatch(Task<TruncationMasks> masks, int length)
    {
        public Task<TruncationMasks> Masks { get; } = masks;
        public int Length { get; } = length;
        public int Taken { get; set; }
    }

    /// <summary>The batch masks for one shift are taken from, and the size of the next one.</summary>
    private sealed class MaskPool
    {
        public MaskBatch? Current { get; set; }
        public required int NextSize { get; set; }
    }

    private readonly Dictionary<int, MaskPool> _maskPools = [];

    /// <summary>
    /// Forgets the truncation masks made and not yet used, so that what follows draws only masks made from then on:
    /// a run resumed from a checkpoint then makes and uses exactly the masks the original run did. Call it between
    /// operations, at the same point at every party.
    /// </summary>
    public void DiscardTruncationMasks() => _maskPools.Clear();

    /// <summary>Masks of shares the truncations used, in order, when a test asks for them (the view tests need the receiver's).</summary>
    internal List<TruncationMasks>? UsedMasks { get; set; }

    /// <summary>
    /// Promises <paramref name="n"/> masks for a shift of <paramref name="bits"/>, taking from the current batch and
    /// starting new batches (with their tags) as needed, all before the first await: every party takes the same
    /// masks and tags whatever the order its tasks run in. Batches start at 2^15 masks (or the request, if longer) and
    /// double to 2^16: few batches, so few of their rounds, over a long run.
    /// </summary>
    private async Task<TruncationMasks> TakeMasksAsync(int n, int bits, CancellationToken ct)
    {
        if (!_maskPools.TryGetValue(bits, out var pool)) _maskPools[bits] = pool = new MaskPool { NextSize = FirstMaskBatch };
        var pieces = new List<(MaskBatch Batch, int Offset, int Count)>();
        for (int remaining = n; remaining > 0;)
        {
            if (pool.Current is not { } batch || batch.Taken == batch.Length)
            {
                int size = Math.Max(remaining, pool.NextSize);
                pool.NextSize = Math.Min(2 * pool.NextSize, LargestMaskBatch);
                var tags = new StreamTag[5 + RingLevels];
                for (int k = 0; k < tags.Length; k++) tags[k] = _session.NextTag();
                pool.Current = batch = new MaskBatch(MakeMasksAsync(size, bits, tags, ct), size);
            }
            int count = Math.Min(remaining, batch.Length - batch.Taken);
            pieces.Add((batch, batch.Taken, count));
            batch.Taken += count;
            remaining -= count;
        }
        var (mask, low, top) = (new Z2kPair[n], new Z2kPair[n], new Z2kPair[n]);
        int at = 0;
        foreach (var (batch, offset, count) in pieces)
        {
            var made = await batch.Masks.ConfigureAwait(false);
            made.Mask.AsSpan(offset, count).CopyTo(mask.AsSpan(at));
            made.ShiftedLow.AsSpan(offset, count).CopyTo(low.AsSpan(at));
            made.TopBit.AsSpan(offset, count).CopyTo(top.AsSpan(at));
            at += count;
        }
        var masks = new TruncationMasks(mask, low, top);
        UsedMasks?.Add(masks);
        return masks;
    }

    /// <summary>
    /// Makes <paramref name="n"/> masks for a shift of <paramref name="bits"/> under the 11 <paramref name="tags"/>. Nine rounds.
    /// </summary>
    private async Task<TruncationMasks> MakeMasksAsync(int n, int bits, StreamTag[] tags, CancellationToken ct)
    {
        // The three words per mask, r then r'' >> m then msb(r), as boolean components: component i (my first) from
        // the PRG shared with the previous party, component i + 1 (my second) from the one shared with the next.
        int words = 3 * n;
        var (w0, w1) = (new ulong[words], new ulong[words]);
        using (var prg = PairStream(Previous, tags[0])) prg.Fill<ulong>(w0.AsSpan(0, n));
        using (var prg = PairStream(Next, tags[0])) prg.Fill<ulong>(w1.AsSpan(0, n));
        for (int i = 0; i < n; i++)
        {
            (w0[n + i], w1[n + i]) = ((w0[i] & Low63) >> bits, (w1[i] & Low63) >> bits);
            (w0[2 * n + i], w1[2 * n + i]) = (w0[i] >> 63, w1[i] >> 63);
        }

        // a_1 (component 1: parties 0 and 1) and a_2 (component 2: parties 1 and 2), and my components of the boolean
        // sharings of -a_1 and -a_2: each is one component, the others zero.
        var (a1, a2) = (new ulong[words], new ulong[words]);
        if (Me != 2) using (var prg = PairStream(Me == 0 ? 1 : 0, tags[1])) prg.Fill<ulong>(a1);
        if (Me != 0) using (var prg = PairStream(Me == 1 ? 2 : 1, tags[1])) prg.Fill<ulong>(a2);
        var (x0, x1, y0, y1) = (new ulong[words], new ulong[words], new ulong[words], new ulong[words]);
        for (int i = 0; i < words; i++)
        {
            ulong minusA1 = unchecked(0 - a1[i]), minusA2 = unchecked(0 - a2[i]);
            switch (Me)
            {
                case 0: x1[i] = minusA1; break;                   // holds components 0 and 1
                case 1: (x0[i], y1[i]) = (minusA1, minusA2); break; // holds components 1 and 2
                default: y0[i] = minusA2; break;                  // holds components 2 and 0
            }
        }

        // a_0 = w + (-a_1) + (-a_2): the carry-save form s + 2t, then the prefix carries of s + 2t.
        var (s0, s1) = (Xor(Xor(w0, x0), y0), Xor(Xor(w1, x1), y1));
        var t = (await AndWordsAsync([(Xor(w0, y0), Xor(w1, y1), Xor(x0, y0), Xor(x1, y1))], tags[2], ct).ConfigureAwait(false))[0];
        var (u0, u1) = (ShiftLeft(Xor(t.First, y0), 1), ShiftLeft(Xor(t.Second, y1), 1));
        var g = await PrefixCarriesAsync(s0, s1, u0, u1, RingLevels, tags.AsMemory(3, 1 + RingLevels), ct).ConfigureAwait(false);
        var (sum0, sum1) = (new ulong[words], new ulong[words]);
        for (int i = 0; i < words; i++)
        {
            sum0[i] = s0[i] ^ u0[i] ^ (g.First[i] << 1);
            sum1[i] = s1[i] ^ u1[i] ^ (g.Second[i] << 1);
        }

        // a_0 to the holders of component 0, parties 2 and 0, from party 1, who holds the components each lacks.
        var opening = tags[4 + RingLevels];
        var a0 = new ulong[words];
        if (Me == 1)
        {
            var toTwo = Network.SendAsync<ulong>(2, opening, sum0, ct);
            var toZero = Network.SendAsync<ulong>(0, opening, sum1, ct);
            await toTwo.ConfigureAwait(false);
            await toZero.ConfigureAwait(false);
        }
        else
        {
            await Network.ReceiveAsync<ulong>(1, opening, a0, ct).ConfigureAwait(false);
            for (int i = 0; i < words; i++) a0[i] ^= sum0[i] ^ sum1[i];
        }
        Network.CountRound();

        var shares = new Z2kPair[words];
        for (int i = 0; i < words; i++)
            shares[i] = Me switch { 0 => new Z2kPair(a0[i], a1[i]), 1 => new Z2kPair(a1[i], a2[i]), _ => new Z2kPair(a2[i], a0[i]) };
        return new TruncationMasks(shares[..n], shares[n..(2 * n)], shares[(2 * n)..]);
    }
}
