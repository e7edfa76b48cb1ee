using Mpc.Core.Arithmetic;
using Mpc.Net;

namespace Mpc.Protocols.Replicated;

// Comparison: the sign bit of x = x_0 + x_1 + x_2 from boolean shares of the components, then back to the ring.
//
// A2B (ABY3, section 5.3): the components' bits are already a replicated boolean sharing of s = x_0 ^ x_1 ^ x_2, one
// word per value (64 bits packed). The carries of the three-way sum, maj(x_0, x_1, x_2) = x_0 x_1 ^ x_1 x_2 ^ x_2 x_0,
// are one term per party (x_i x_{i+1}, its own two components): a resharing makes them replicated (one round). Then
// x = s + 2t, and its bit b - 1 is s ^ 2t ^ (the carry into b - 1), the carry from a Kogge-Stone parallel prefix
// (Kogge and Stone 1973) over generate g = s & 2t and propagate p = s ^ 2t: one AND round for g, then
// ceil(log2(b - 1)) rounds of g ^= p & (g << d), p &= p << d. Every AND is the replicated product on words (one word
// to the previous party), re-randomised by a boolean zero share.
//
// Bit injection (ABY3, section 5.4, three-party OT): for the bit beta = beta_0 ^ beta_1 ^ beta_2, party 0 knows
// e = beta_0 ^ beta_1 and parties 1 and 2 both know beta_2. The result's components y_0 (parties 2 and 0) and y_1
// (0 and 1) come from PRGs; party 0 offers y_2 for both values of beta_2, C_k = (k ? 1 - e : e) - y_0 - y_1, to party 1
// masked by w_k (PRG with party 2) and to party 2 masked by w'_k (PRG with party 1); 2 and 1 send each other the mask
// of the right candidate. One round; party 0 receives nothing, and each of 1 and 2 can unmask only one candidate.
//
// Rounds for b input bits: 1 (carries) + 1 (generate) + ceil(log2(b - 1)) + 1 (injection): 9 for b = 63 or 64.
public sealed partial class ReplicatedSuite : ISpeculativeComparison<Z2kPair>
{
    /// <inheritdoc />
    /// <remarks>
    /// Always: a comparison takes all its tags when it starts, and nothing here is ever opened: every message is masked
    /// by a fresh zero share or a helper's uniform mask whatever the values, so a branch computed on values out of range
    /// and thrown away reveals nothing.
    /// </remarks>
    public ISpeculativeComparison<Z2kPair>? SpeculativeComparison => this;

    /// <inheritdoc />
    /// <remarks>Takes all its tags when it starts: 3 + ceil(log2(b - 1)) rounds for b input bits.</remarks>
    public ValueTask<SharedVector<Z2kPair>> LessThanZeroAsync(SharedVector<Z2kPair> x, int? inputBits = null,
        CancellationToken ct = default)
    {
        int bits = inputBits ?? TruncationInputBits;
        CheckInputBits(bits);
        return SignBitAsync(x.Shares, bits, TakeComparisonTags(bits), ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Compares w = sum of (x_i &gt;&gt; j') + 2 with j' = j - 1: the components' dropped low bits lose a carry of 0, 1
    /// or 2, so w lies in [floor(x / 2^j'), floor(x / 2^j') + 2], which is never negative for x &gt;= 0 and always
    /// negative for x &lt; -2^j (then x / 2^j' &lt; -2, so its floor is at most -3). The adder then spans b - j' bits:
    /// fewer rounds.
    /// </remarks>
    public ValueTask<SharedVector<Z2kPair>> LessThanZeroCoarseAsync(SharedVector<Z2kPair> x, int inputBits, int ignoredBits,
        CancellationToken ct = default)
    {
        var (shifted, bits) = CoarseOperand(x, inputBits, ignoredBits);
        return SignBitAsync(shifted, bits, TakeComparisonTags(bits), ct);
    }

    /// <inheritdoc />
    /// <remarks>The coarse comparison, then one product with y: the product's tag is taken with the comparison's.</remarks>
    public async ValueTask<(SharedVector<Z2kPair> Bits, SharedVector<Z2kPair> Products)> LessThanZeroAndProductAsync(
        SharedVector<Z2kPair> x,
        int inputBits, int ignoredBits, Task<SharedVector<Z2kPair>> multiplicand, CancellationToken ct = default)
    {
        var (shifted, bits) = CoarseOperand(x, inputBits, ignoredBits);
        var comparison = SignBitAsync(shifted, bits, TakeComparisonTags(bits), ct);
        var productTag = _session.NextTag();
        var below = await comparison.ConfigureAwait(false);
        var y = await multiplicand.ConfigureAwait(false);
        if (y.Length != x.Length)
            throw new ArgumentException($"The multiplicand has {y.Length} elements, the comparison {x.Length}.", nameof(multiplicand));
        var products = await MultiplyAsync(below, y, productTag, ct).ConfigureAwait(false);
        return (below, products);
    }

    private (Z2kPair[] Shares, int Bits) CoarseOperand(SharedVector<Z2kPair> x, int inputBits, int ignoredBits)
    {
        CheckInputBits(inputBits);
        if (ignoredBits < 0 || ignoredBits >= inputBits)
            throw new ArgumentOutOfRangeException(nameof(ignoredBits), ignoredBits,
                $"Between 0 and {inputBits - 1} low bits may be ignored.");
        int shift = Math.Max(0, ignoredBits - 1);
        if (shift == 0) return (x.Shares, inputBits);
        var shares = new Z2kPair[x.Length];
        var two = PublicShare(2);
        for (int i = 0; i < shares.Length; i++) shares[i] = new Z2kPair(x.Shares[i].First >> shift, x.Shares[i].Second >> shift) + two;
        return (shares, inputBits - shift);
    }

    private static void CheckInputBits(int bits)
    {
        if (bits is < 1 or > 64) throw new ArgumentOutOfRangeException("inputBits", bits, "Comparisons take 1 to 64 input bits.");
    }

    private StreamTag[] TakeComparisonTags(int bits)
    {
        var tags = new StreamTag[3 + Levels(bits)];
        for (int k = 0; k < tags.Length; k++) tags[k] = _session.NextTag();
        return tags;
    }

    // Kogge-Stone levels for the carry into bit b - 1: prefixes over b - 1 bits.
    private static int Levels(int bits)
    {
        int levels = 0;
        while ((1 << levels) < bits - 1) levels++;
        return levels;
    }

    /// <summary>[x &lt; 0] for x (my shares) signed in <paramref name="bits"/> bits: its bit b - 1, in the ring.</summary>
    /// <remarks>
    /// Only the low b bits of the components matter (the sum's bit b - 1 depends on nothing above it), so values of
    /// at most 16 or 32 bits travel 4 or 2 to a word, each in a lane of its own: shifts clear the bits that would
    /// cross into the next lane, so every lane's adder is the b-bit adder it would be alone. Fewer words, the same
    /// rounds.
    /// </remarks>
    private async ValueTask<SharedVector<Z2kPair>> SignBitAsync(Z2kPair[] x, int bits, StreamTag[] tags, CancellationToken ct)
    {
        int levels = Levels(bits);
        int n = x.Length, lane = bits <= 16 ? 16 : bits <= 32 ? 32 : 64, perWord = 64 / lane, words = (n + perWord - 1) / perWord;
        ulong laneBits = lane == 64 ? ulong.MaxValue : (1UL << lane) - 1;
        var (s0, s1) = (new ulong[words], new ulong[words]);
        var carries = new ulong[words];
        for (int i = 0; i < n; i++)
        {
            int w = i / perWord, offset = i % perWord * lane;
            s0[w] |= (x[i].First & laneBits) << offset;
            s1[w] |= (x[i].Second & laneBits) << offset;
        }
        for (int w = 0; w < words; w++) carries[w] = s0[w] & s1[w];
        // The three-way sum's carries, reshared; shifted into place.
        var t = await ReshareWordsAsync(Xor(carries, ZeroShares(words, tags[0], xor: true)), tags[0], ct).ConfigureAwait(false);
        var (u0, u1) = (ShiftLeft(t.First, 1, lane), ShiftLeft(t.Second, 1, lane));
        var g = await PrefixCarriesAsync(s0, s1, u0, u1, levels, tags.AsMemory(1, 1 + levels), ct, lane).ConfigureAwait(false);
        // Bit b - 1 of s ^ 2t ^ (carries shifted into place), lane by lane.
        var (top0, top1) = (ShiftLeft(g.First, 1, lane), ShiftLeft(g.Second, 1, lane));
        var (bit0, bit1) = (new ulong[n], new ulong[n]);
        for (int i = 0; i < n; i++)
        {
            int w = i / perWord, top = i % perWord * lane + bits - 1;
            bit0[i] = ((s0[w] ^ u0[w] ^ top0[w]) >> top) & 1;
            bit1[i] = ((s1[w] ^ u1[w] ^ top1[w]) >> top) & 1;
        }
        return await InjectBitsAsync(bit0, bit1, tags[^1], ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The carries of a + b on replicated boolean words (my components): Kogge-Stone over generate a &amp; b and
    /// propagate a ^ b, one AND round for the generate and one per level under the 1 + <paramref name="levels"/>
    /// <paramref name="tags"/>. Bit j of the result is the carry out of bits 0..j, for j &lt; 2^levels; a + b is
    /// a ^ b ^ (result &lt;&lt; 1) there.
    /// </summary>
    private async ValueTask<(ulong[] First, ulong[] Second)> PrefixCarriesAsync(ulong[] a0, ulong[] a1, ulong[] b0, ulong[] b1, int levels,
        ReadOnlyMemory<StreamTag> tags, CancellationToken ct, int lane = 64)
    {
        var (p0, p1) = (Xor(a0, b0), Xor(a1, b1));
        var g = (await AndWordsAsync([(a0, a1, b0, b1)], tags.Span[0], ct).ConfigureAwait(false))[0];
        for (int level = 0; level < levels; level++)
        {
            int d = 1 << level;
            bool last = level == levels - 1;
            List<(ulong[], ulong[], ulong[], ulong[])> ands = [(p0, p1, ShiftLeft(g.First, d, lane), ShiftLeft(g.Second, d, lane))];
            if (!last) ands.Add((p0, p1, ShiftLeft(p0, d, lane), ShiftLeft(p1, d, lane)));
            var products = await AndWordsAsync(ands, tags.Span[1 + level], ct).ConfigureAwait(false);
            g = (Xor(g.First, products[0].First), Xor(g.Second, products[0].Second));
            if (!last) (p0, p1) = products[1];
        }
        return g;
    }

    /// <summary>
    /// Replicated ANDs of word vectors, all in one round: z_i = x_i y_i ^ x_i y_{i+1} ^ x_{i+1} y_i ^ zero, sent to the previous party.
    /// </summary>
    private async ValueTask<(ulong[] First, ulong[] Second)[]> AndWordsAsync(
        IReadOnlyList<(ulong[] X0, ulong[] X1, ulong[] Y0, ulong[] Y1)> operands, StreamTag tag, CancellationToken ct)
    {
        int n = operands[0].X0.Length, total = n * operands.Count;
        var mine = ZeroShares(total, tag, xor: true);
        for (int k = 0; k < operands.Count; k++)
        {
            var (x0, x1, y0, y1) = operands[k];
            for (int i = 0; i < n; i++) mine[k * n + i] ^= (x0[i] & (y0[i] ^ y1[i])) ^ (x1[i] & y0[i]);
        }
        var (first, second) = await ReshareWordsAsync(mine, tag, ct).ConfigureAwait(false);
        var result = new (ulong[], ulong[])[operands.Count];
        for (int k = 0; k < operands.Count; k++) result[k] = (first[(k * n)..((k + 1) * n)], second[(k * n)..((k + 1) * n)]);
        return result;
    }

    /// <summary>
    /// A 3-out-of-3 XOR sharing (already re-randomised) made replicated: mine to the previous party, the next party's to me. One round.
    /// </summary>
    private async ValueTask<(ulong[] First, ulong[] Second)> ReshareWordsAsync(ulong[] mine, StreamTag tag, CancellationToken ct)
    {
        var next = new ulong[mine.Length];
        await ExchangeAsync(mine, next, tag, ct).ConfigureAwait(false);
        return (mine, next);
    }

    /// <summary>
    /// The ring sharing of bits held as replicated boolean shares (my components <paramref name="bit0"/>,
    /// <paramref name="bit1"/>). One round.
    /// </summary>
    private async ValueTask<SharedVector<Z2kPair>> InjectBitsAsync(ulong[] bit0, ulong[] bit1, StreamTag tag, CancellationToken ct)
    {
        int n = bit0.Length;
        var shares = new Z2kPair[n];
        switch (Me)
        {
            case 0:
            {
                // y_0, w_0, w_1 with party 2; y_1, w'_0, w'_1 with party 1.
                var with2 = new ulong[3 * n];
                var with1 = new ulong[3 * n];
                using (var prg = PairStream(2, tag)) prg.Fill<ulong>(with2);
                using (var prg = PairStream(1, tag)) prg.Fill<ulong>(with1);
                var (to1, to2) = (new ulong[2 * n], new ulong[2 * n]);
                for (int i = 0; i < n; i++)
                {
                    ulong e = bit0[i] ^ bit1[i], y0 = with2[i], y1 = with1[i];
                    ulong c0 = unchecked(e - y0 - y1), c1 = unchecked(1 - e - y0 - y1);
                    to1[i] = unchecked(c0 + with2[n + i]);
                    to1[n + i] = unchecked(c1 + with2[2 * n + i]);
                    to2[i] = unchecked(c0 + with1[n + i]);
                    to2[n + i] = unchecked(c1 + with1[2 * n + i]);
                    shares[i] = new Z2kPair(y0, y1);
                }
                var send1 = Network.SendAsync<ulong>(1, tag, to1, ct);
                var send2 = Network.SendAsync<ulong>(2, tag, to2, ct);
                await send1.ConfigureAwait(false);
                await send2.ConfigureAwait(false);
                break;
            }
            default:
            {
                // Party 1 holds (beta_1, beta_2), party 2 (beta_2, beta_0): both know beta_2.
                bool one = Me == 1;
                int other = one ? 2 : 1;
                var drawn = new ulong[3 * n]; // party 1: y_1, w'_0, w'_1; party 2: y_0, w_0, w_1
                using (var prg = PairStream(0, tag)) prg.Fill<ulong>(drawn);
                var choice = one ? bit1 : bit0;
                var help = new ulong[n];
                for (int i = 0; i < n; i++) help[i] = drawn[(1 + (int)choice[i]) * n + i];
                var offered = new ulong[2 * n];
                var helped = new ulong[n];
                var send = Network.SendAsync<ulong>(other, tag, help, ct);
                var receiveOffer = Network.ReceiveAsync<ulong>(0, tag, offered, ct);
                await Network.ReceiveAsync<ulong>(other, tag, helped, ct).ConfigureAwait(false);
                await receiveOffer.ConfigureAwait(false);
                await send.ConfigureAwait(false);
                for (int i = 0; i < n; i++)
                {
                    ulong y2 = unchecked(offered[(int)choice[i] * n + i] - helped[i]);
                    shares[i] = one ? new Z2kPair(drawn[i], y2) : new Z2kPair(y2, drawn[i]);
                }
                break;
            }
        }
        Network.CountRound();
        return new SharedVector<Z2kPair>(shares);
    }

    private static ulong[] Xor(ulong[] a, ulong[] b)
    {
        var z = new ulong[a.Length];
        for (int i = 0; i < z.Length; i++) z[i] = a[i] ^ b[i];
        return z;
    }

    /// <summary>Every lane of every word shifted left by <paramref name="d"/>, the bits leaving a lane dropped.</summary>
    private static ulong[] ShiftLeft(ulong[] a, int d, int lane = 64)
    {
        var z = new ulong[a.Length];
        ulong keep = ulong.MaxValue;
        if (lane < 64)
        {
            // In every lane, all but its lowest d bits (where the previous lane's top bits land).
            ulong laneKeep = ((1UL << lane) - 1) & ~((1UL << d) - 1);
            keep = 0;
            for (int offset = 0; offset < 64; offset += lane) keep |= laneKeep << offset;
        }
        for (int i = 0; i < z.Length; i++) z[i] = (a[i] << d) & keep;
        return z;
    }
}
