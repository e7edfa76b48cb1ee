using System.Numerics;
using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing.Dealing;
using Mpc.Protocols.Preprocessing.Internal;

namespace Mpc.Protocols.Preprocessing;

/// <remarks>
/// <para>The packed comparison's material and the power masks, with no trusted party, so that the suite runs the same
/// online protocols on this source as on a dealer's (one opening for every power, AND gates on packed bits):</para>
/// <list type="bullet">
/// <item>Comparison masks: the bits of r and the conversion bit come from <see cref="RandomSharedBits"/>, which yields
/// each bit additively and XOR-shared at once (a daBit); rho beta is one product of shares.</item>
/// <item>AND tuples: each party draws its XOR shares of the k masks; the AND of every larger subset is the AND of a
/// smaller one and a single mask, computed level by level (k - 1 rounds of <see cref="BitProducts"/>).</item>
/// <item>Powers rho^2..rho^d: products of shares by Gilboa OT, rho^k = rho^h rho^(k-h) for the largest power of two h
/// below k, so ceil(log2 d) rounds; truncation power masks likewise from L, and T L^j from T's XOR shares
/// (<see cref="RandomSharedBits.XorBitTimesAsync"/>).</item>
/// </list>
/// </remarks>
public sealed partial class OtPreprocessing : IBinaryPreprocessing, IPowerPreprocessing
{
    /// <inheritdoc />
    /// <remarks>
    /// Every AND of a subset costs an OT product here, so gates of two inputs: over 39 bits they need 171 tuple words per
    /// word of comparisons against 1056 for gates of four (11 subsets each), for two more rounds online.
    /// </remarks>
    public int WidestGate => 2;

    /// <inheritdoc />
    public ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        return InOrderAsync(async () =>
        {
            int words = (count + 63) >> 6, maskBits = count * bits;
            // Bit i of mask e at e * bits + i, then one conversion bit per mask.
            var (additive, xor) = await RandomSharedBits.GenerateBothAsync(_session, _ots, _random, checked(maskBits + count), ct)
                .ConfigureAwait(false);
            var r = MasksFromBits(additive, count, bits);
            var packed = new ulong[bits * words];
            var conversionWords = new ulong[words];
            var conversionValues = new Z2k[count];
            for (int e = 0; e < count; e++)
            {
                ulong place = 1UL << (e & 63);
                for (int i = 0; i < bits; i++)
                    if (Bit(xor, e * bits + i)) packed[i * words + (e >> 6)] |= place;
                if (Bit(xor, maskBits + e)) conversionWords[e >> 6] |= place;
                conversionValues[e] = additive[maskBits + e];
            }
            Z2k[]? beta = null, products = null;
            if (withProducts)
            {
                beta = _random.NextUniformArray<Z2k>(count);
                products = await MultiplySharesAsync(conversionValues, beta, ct).ConfigureAwait(false);
            }
            Usage.AddBitMasks(count);
            return new PackedComparisonMasks(r, packed, conversionWords, conversionValues, bits)
            {
                ProductMasks = beta,
                ConversionProducts = products,
            };
        }, ct);
    }

    /// <inheritdoc />
    public ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fanIn, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(words);
        return InOrderAsync(async () =>
        {
            int subsets = (1 << fanIn) - 1;
            var shares = new ulong[checked(subsets * words)];
            for (int i = 0; i < fanIn; i++) _random.Fill<ulong>(shares.AsSpan(((1 << i) - 1) * words, words));
            var composite = DealRecipe.CompositeSubsets(fanIn);
            for (int size = 2; size <= fanIn; size++)
            {
                // Every subset of this size is the AND of the subset without its lowest mask (one smaller) and that mask.
                var level = composite.Where(mask => BitOperations.PopCount((uint)mask) == size).ToArray();
                var rest = new ulong[level.Length * words];
                var single = new ulong[level.Length * words];
                for (int j = 0; j < level.Length; j++)
                {
                    int low = level[j] & -level[j];
                    shares.AsSpan((level[j] - low - 1) * words, words).CopyTo(rest.AsSpan(j * words));
                    shares.AsSpan((low - 1) * words, words).CopyTo(single.AsSpan(j * words));
                }
                var and = await AndSharesAsync(rest, single, ct).ConfigureAwait(false);
                for (int j = 0; j < level.Length; j++) and.AsSpan(j * words, words).CopyTo(shares.AsSpan((level[j] - 1) * words));
            }
            Usage.AddBinaryTriples(64L * words * (subsets - fanIn));
            return new BinaryAndTuples(fanIn, words, shares);
        }, ct);
    }

    /// <inheritdoc />
    public ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, IPowerPreprocessing.MaxDegree);
        return InOrderAsync(async () =>
        {
            var powers = await PowersOfAsync(_random.NextUniformArray<Z2k>(count), degree, ct).ConfigureAwait(false);
            var shares = new Z2k[degree * count];
            for (int k = 1; k <= degree; k++) powers[k].CopyTo(shares, (k - 1) * count);
            Usage.AddPowerMasks(count);
            return new PowerMasks(shares, count, degree);
        }, ct);
    }

    /// <inheritdoc />
    public ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, IPowerPreprocessing.MaxDegree);
        return InOrderAsync(async () =>
        {
            var (masks, topBits) = await MakeTruncationMasksAsync(count, bits, ct).ConfigureAwait(false);
            var powers = await PowersOfAsync(masks.LowShifted, degree, ct).ConfigureAwait(false);
            var lowPowers = new Z2k[degree * count];
            for (int j = 1; j <= degree; j++) powers[j].CopyTo(lowPowers, (j - 1) * count);
            // T L^j for j = 1 .. d-1 by T's XOR shares (a few OTs per element, not Gilboa's 64 per product); block 0 is T.
            var topTimesLowPowers = new Z2k[degree * count];
            masks.TopBit.CopyTo(topTimesLowPowers, 0);
            if (degree > 1)
            {
                var products = await RandomSharedBits.XorBitTimesAsync(_session, _ots, topBits, powers[1..degree], ct)
                    .ConfigureAwait(false);
                for (int j = 1; j < degree; j++) products[j - 1].CopyTo(topTimesLowPowers, j * count);
            }
            Usage.AddTruncationMasks(count);
            Usage.AddPowerMasks(count);
            return new TruncationPowerMasks(masks, lowPowers, topTimesLowPowers, degree);
        }, ct);
    }

    /// <summary>
    /// My shares of x^1 .. x^degree (index k; index 0 unused): rho^k = rho^h rho^(k-h) for h the largest power of two
    /// below k, every k of one doubling in one product, so ceil(log2 degree) rounds. Inside a request.
    /// </summary>
    private async Task<Z2k[][]> PowersOfAsync(Z2k[] x, int degree, CancellationToken ct)
    {
        int count = x.Length;
        var powers = new Z2k[degree + 1][];
        powers[1] = x;
        for (int have = 1; have < degree; have *= 2)
        {
            int last = Math.Min(2 * have, degree), width = last - have;
            var left = new Z2k[width * count];
            var right = new Z2k[width * count];
            for (int k = have + 1; k <= last; k++)
            {
                powers[have].CopyTo(left, (k - have - 1) * count);
                powers[k - have].CopyTo(right, (k - have - 1) * count);
            }
            var products = await MultiplySharesAsync(left, right, ct).ConfigureAwait(false);
            for (int k = have + 1; k <= last; k++) powers[k] = products.AsSpan((k - have - 1) * count, count).ToArray();
        }
        return powers;
    }

    /// <summary>My XOR shares of x AND y, word by word, from my shares of both and a bit product with every peer.</summary>
    private async Task<ulong[]> AndSharesAsync(ulong[] x, ulong[] y, CancellationToken ct)
    {
        var z = new ulong[x.Length];
        for (int w = 0; w < z.Length; w++) z[w] = x[w] & y[w];
        var terms = new List<ulong[]>();
        var pending = new List<Task>();
        for (int peer = 0; peer < _session.PartyCount; peer++)
        {
            if (peer == _session.PartyId) continue;
            var sent = new ulong[x.Length];
            var received = new ulong[x.Length];
            terms.Add(sent);
            terms.Add(received);
            // x_me y_peer (I send with x) and x_peer y_me (I choose with y).
            pending.Add(BitProducts.SendAsync(_ots.SenderTo(peer), _session.Network, peer, _ots.CorrectionsTo(peer), x, sent, ct)
                .AsTask());
            pending.Add(BitProducts.ReceiveAsync(_ots.ReceiverFrom(peer), _session.Network, peer, _ots.CorrectionsFrom(peer), y,
                received, ct).AsTask());
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        foreach (var term in terms)
            for (int w = 0; w < z.Length; w++) z[w] ^= term[w];
        return z;
    }

    private static bool Bit(ulong[] bits, int index) => ((bits[index >> 6] >> (index & 63)) & 1) != 0;
}
