using Mpc.Core.Arithmetic;
using Mpc.Net;

namespace Mpc.Protocols.Replicated;

// Truncation in one round online, with a mask made ahead (ReplicatedSuite.TruncationMasks.cs): a uniform r that no
// party knows, with shares of r'' >> m (r'' = r mod 2^63) and of msb(r); with ReplicatedTruncation.TwoRounds, the
// helper's truncation instead (ReplicatedSuite.HelperTruncation.cs). Making a mask costs far more computation and
// traffic than the helper's second round, so which is faster depends on what a round trip costs.
//
// The masked-value truncation is Escudero, Ghosh, Keller, Rachuri and Scholl's probabilistic truncation with the
// mask's top bit (CRYPTO 2020, section 5.1; also Dalskov, Escudero and Keller, PETS 2020): for x' = x + 2^62 in
// [0, 2^63) and c = x' + r (mod 2^64), with e = msb(c) xor msb(r) = msb(c) + (1 - 2 msb(c)) msb(r),
//   x' = (c mod 2^63) + 2^63 e - r'',   so   floor(x' / 2^m) = (c'' >> m) + 2^(63-m) e - (r'' >> m) - {0 or 1}
// (the borrow between the low m bits of c'' and r'', which no one can compute alone and which is left out).
// The result is floor(x / 2^m) or one more, never further: no large error, whatever x in range and r, so
// no failure probability to bound (the condition is the input range, |x| < 2^62). Once c is public the rest is
// linear in the shares of r'' >> m and msb(r): no second round.
//
// The round: each party adds its first component of r to its additive share of x (a product's cross terms, or x's
// first component, either way re-randomised by a zero share) and sends the sum to both others; all three learn c,
// uniform because r is. What party j receives from j + 1 is masked by the zero share's F(j + 1, j + 2), which j does
// not know, and from j - 1 by component j - 1 of r, which j does not hold.
public sealed partial class ReplicatedSuite
{
    private const ulong Low63 = (1UL << 63) - 1;
    private const ulong Offset = 1UL << 62;

    /// <inheritdoc />
    /// <remarks>Two rounds, or one with masks made ahead (<see cref="ReplicatedTruncation"/>). Inputs in [-2^62, 2^62);
    /// the result is floor(x / 2^bits) or one more.</remarks>
    public async ValueTask<SharedVector<Z2kPair>> TruncateAsync(SharedVector<Z2kPair> x, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        var tag = _session.NextTag();
        // My additive share of x: my first component, re-randomised so that the parties I send it to learn nothing.
        var z = ZeroShares(x.Length, tag);
        for (int i = 0; i < z.Length; i++) z[i] = unchecked(z[i] + x.Shares[i].First);
        return await TruncateAdditiveAsync(z, bits, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MultiplyAndTruncateAsync(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y, int bits,
        CancellationToken ct = default)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        CheckShift(bits);
        var tag = _session.NextTag();
        var z = CrossTerms(x.Shares, y.Shares, tag);
        return await TruncateAdditiveAsync(z, bits, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MatrixMultiplyAndTruncateAsync(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y, int rows,
        int inner, int columns, int bits, CancellationToken ct = default)
    {
        CheckShape(x.Length, y.Length, rows, inner, columns);
        CheckShift(bits);
        var tag = _session.NextTag();
        var z = MatrixCrossTerms(x.Shares, y.Shares, rows, inner, columns, transposed: false, tag);
        return await TruncateAdditiveAsync(z, bits, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2kPair> x, SharedVector<Z2kPair> y,
        int columns, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        var tag = _session.NextTag();
        var z = PreparedCrossTerms(x, y, columns, transposed: false, tag);
        return await TruncateAdditiveAsync(z, bits, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2kPair> x,
        SharedVector<Z2kPair> y, int columns, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        var tag = _session.NextTag();
        var z = PreparedCrossTerms(x, y, columns, transposed: true, tag);
        return await TruncateAdditiveAsync(z, bits, tag, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The replicated sharing of trunc(v, bits) from a 3-out-of-3 additive sharing of v (my share <paramref name="z"/>,
    /// already re-randomised by a zero share under <paramref name="tag"/>): one round with masks made ahead, or two with
    /// a helper. Tags and masks are taken before the first await, so in call order.
    /// </summary>
    private ValueTask<SharedVector<Z2kPair>> TruncateAdditiveAsync(ulong[] z, int bits, StreamTag tag, CancellationToken ct) =>
        _truncation == ReplicatedTruncation.OneRound
            ? TruncateWithMaskAsync(z, bits, tag, ct)
            : TruncateWithHelperAsync(z, bits, tag, _session.NextTag(), ct);

    /// <summary>trunc(v, bits) from my additive share <paramref name="z"/>: c = v + 2^62 + r opened to all. One round.</summary>
    private async ValueTask<SharedVector<Z2kPair>> TruncateWithMaskAsync(ulong[] z, int bits, StreamTag tag, CancellationToken ct)
    {
        int n = z.Length;
        var masks = await TakeMasksAsync(n, bits, ct).ConfigureAwait(false);
        for (int i = 0; i < n; i++) z[i] = unchecked(z[i] + masks.Mask[i].First);
        var (fromNext, fromPrevious) = (new ulong[n], new ulong[n]);
        var toNext = Network.SendAsync<ulong>(Next, tag, z, ct);
        var toPrevious = Network.SendAsync<ulong>(Previous, tag, z, ct);
        var receiveNext = Network.ReceiveAsync<ulong>(Next, tag, fromNext, ct);
        await Network.ReceiveAsync<ulong>(Previous, tag, fromPrevious, ct).ConfigureAwait(false);
        await receiveNext.ConfigureAwait(false);
        await toNext.ConfigureAwait(false);
        await toPrevious.ConfigureAwait(false);
        Network.CountRound();

        ulong high = 1UL << (63 - bits), offset = Offset >> bits;
        var shares = new Z2kPair[n];
        for (int i = 0; i < n; i++)
        {
            ulong c = unchecked(z[i] + fromNext[i] + fromPrevious[i] + Offset);
            ulong cMsb = c >> 63;
            ulong known = unchecked(((c & Low63) >> bits) + high * cMsb - offset);
            ulong coefficient = unchecked(high * (1 - 2 * cMsb));
            var (top, low) = (masks.TopBit[i], masks.ShiftedLow[i]);
            shares[i] = new Z2kPair(unchecked(coefficient * top.First - low.First),
                unchecked(coefficient * top.Second - low.Second)) + PublicShare(known);
        }
        return new SharedVector<Z2kPair>(shares);
    }

    private static void CheckShift(int bits)
    {
        if (bits is < 0 or > 62) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Truncation shifts by 0 to 62 bits.");
    }
}
