using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;
using Mpc.Net;

namespace Mpc.Protocols.Replicated;

// Truncation with a helper: one party h (rotating by tag) masks the value for the other two, who open it between
// them, truncate, and reshare. Two rounds; the helper receives nothing and the two who see the masked value never
// see the mask.
//
// The masked-value truncation is Escudero, Ghosh, Keller, Rachuri and Scholl's probabilistic truncation with the
// mask's top bit (CRYPTO 2020, section 5.1; also Dalskov, Escudero and Keller, PETS 2020): for x' = x + 2^62 in
// [0, 2^63) and c = x' + r (mod 2^64), with r'' = r mod 2^63 and e = msb(c) xor msb(r),
//   x' = (c mod 2^63) + 2^63 e - r'',   so   floor(x' / 2^m) = (c'' >> m) + 2^(63-m) e - (r'' >> m) - {0 or 1}.
// The result is within one unit below floor(x / 2^m), never further: no large error, whatever x in range and r.
// Here the mask r is drawn by the helper, who never sees c; the two others see c, uniform because r is.
//
// Round 1 (tag 1): the helper sends z_h + r to a = h + 1 and b = h + 2, and to b its corrections (msb(r), r'' >> m)
// minus a's PRG shares of them; a and b exchange their additive shares z_a, z_b (each carrying a zero share, so
// neither learns the other's component). Both then know c = z_h + z_a + z_b + r + 2^62 and hold additive shares of
// the result y. Round 2 (tag 2): the result's components y_h (shared by h and b) and y_a (h and a) come from PRGs; a
// and b exchange their shares minus those, and both hold y_b = y - y_h - y_a.
public sealed partial class ReplicatedSuite
{
    private const ulong Low63 = (1UL << 63) - 1;
    private const ulong Offset = 1UL << 62;

    /// <inheritdoc />
    /// <remarks>Two rounds; inputs in [-2^62, 2^62); the result is floor(x / 2^bits) or one less.</remarks>
    public async ValueTask<SharedVector<Z2kPair>> TruncateAsync(SharedVector<Z2kPair> x, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        var (first, second) = (_session.NextTag(), _session.NextTag());
        // My additive share of x: my first component, re-randomised so that the party I send it to learns nothing.
        var z = ZeroShares(x.Length, first);
        for (int i = 0; i < z.Length; i++) z[i] = unchecked(z[i] + x.Shares[i].First);
        return await TruncateAdditiveAsync(z, bits, first, second, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MultiplyAndTruncateAsync(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y, int bits, CancellationToken ct = default)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        CheckShift(bits);
        var (first, second) = (_session.NextTag(), _session.NextTag());
        var z = CrossTerms(x.Shares, y.Shares, first);
        return await TruncateAdditiveAsync(z, bits, first, second, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MatrixMultiplyAndTruncateAsync(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y, int rows, int inner, int columns, int bits, CancellationToken ct = default)
    {
        CheckShape(x.Length, y.Length, rows, inner, columns);
        CheckShift(bits);
        var (first, second) = (_session.NextTag(), _session.NextTag());
        var z = MatrixCrossTerms(x.Shares, y.Shares, rows, inner, columns, transposed: false, first);
        return await TruncateAdditiveAsync(z, bits, first, second, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2kPair> x, SharedVector<Z2kPair> y, int columns, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        var (first, second) = (_session.NextTag(), _session.NextTag());
        var z = PreparedCrossTerms(x, y, columns, transposed: false, first);
        return await TruncateAdditiveAsync(z, bits, first, second, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2kPair> x, SharedVector<Z2kPair> y, int columns, int bits, CancellationToken ct = default)
    {
        CheckShift(bits);
        var (first, second) = (_session.NextTag(), _session.NextTag());
        var z = PreparedCrossTerms(x, y, columns, transposed: true, first);
        return await TruncateAdditiveAsync(z, bits, first, second, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The replicated sharing of trunc(v, bits) from a 3-out-of-3 additive sharing of v (my share <paramref name="z"/>,
    /// already re-randomised by a zero share under <paramref name="first"/>). Two rounds, under the two tags.
    /// </summary>
    private async ValueTask<SharedVector<Z2kPair>> TruncateAdditiveAsync(ulong[] z, int bits, StreamTag first, StreamTag second, CancellationToken ct)
    {
        int n = z.Length, helper = (int)(first.Value % 3);
        int a = (helper + 1) % 3, b = (helper + 2) % 3;
        var shares = new Z2kPair[n];
        if (Me == helper)
        {
            var r = new ulong[n];
            _session.Random.Fill<ulong>(r);
            // a's shares of msb(r) and r'' >> m, then y_a, from the PRG shared with a; y_h from the one shared with b.
            var fromA = new ulong[3 * n];
            var yH = new ulong[n];
            using (var prg = PairStream(a, second)) prg.Fill<ulong>(fromA);
            using (var prg = PairStream(b, second)) prg.Fill<ulong>(yH);
            var toB = new ulong[3 * n];
            for (int i = 0; i < n; i++)
            {
                ulong masked = unchecked(z[i] + r[i]);
                toB[i] = masked;
                toB[n + i] = unchecked((r[i] >> 63) - fromA[i]);
                toB[2 * n + i] = unchecked(((r[i] & Low63) >> bits) - fromA[n + i]);
                z[i] = masked; // z now holds what a receives
            }
            var sendA = Network.SendAsync<ulong>(a, first, z, ct);
            var sendB = Network.SendAsync<ulong>(b, first, toB, ct);
            await sendA.ConfigureAwait(false);
            await sendB.ConfigureAwait(false);
            Network.CountRound();
            for (int i = 0; i < n; i++) shares[i] = new Z2kPair(yH[i], fromA[2 * n + i]);
            return new SharedVector<Z2kPair>(shares);
        }

        bool isA = Me == a;
        int other = isA ? b : a;
        var fromHelper = new ulong[isA ? n : 3 * n];
        var fromOther = new ulong[n];
        var send = Network.SendAsync<ulong>(other, first, z, ct);
        var receiveHelper = Network.ReceiveAsync<ulong>(helper, first, fromHelper, ct);
        await Network.ReceiveAsync<ulong>(other, first, fromOther, ct).ConfigureAwait(false);
        await receiveHelper.ConfigureAwait(false);
        await send.ConfigureAwait(false);
        Network.CountRound();

        // a: (msb share, shifted share, y_a) from the PRG shared with the helper; b: y_h from it, the rest received.
        var drawn = new ulong[isA ? 3 * n : n];
        using (var prg = PairStream(helper, second)) prg.Fill<ulong>(drawn);
        ulong high = 1UL << (63 - bits), offset = Offset >> bits;
        var exchange = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            ulong c = unchecked(z[i] + fromOther[i] + fromHelper[i] + Offset);
            ulong cMsb = c >> 63;
            ulong coefficient = unchecked(high * (1 - 2 * cMsb));
            ulong msbShare = isA ? drawn[i] : fromHelper[n + i];
            ulong shiftedShare = isA ? drawn[n + i] : fromHelper[2 * n + i];
            ulong share = unchecked(coefficient * msbShare - shiftedShare);
            if (isA) share = unchecked(share + ((c & Low63) >> bits) + high * cMsb - offset);
            exchange[i] = unchecked(share - (isA ? drawn[2 * n + i] : drawn[i]));
        }
        var otherHalf = new ulong[n];
        var sendHalf = Network.SendAsync<ulong>(other, second, exchange, ct);
        await Network.ReceiveAsync<ulong>(other, second, otherHalf, ct).ConfigureAwait(false);
        await sendHalf.ConfigureAwait(false);
        Network.CountRound();
        for (int i = 0; i < n; i++)
        {
            ulong yB = unchecked(exchange[i] + otherHalf[i]);
            shares[i] = isA ? new Z2kPair(drawn[2 * n + i], yB) : new Z2kPair(yB, drawn[i]);
        }
        return new SharedVector<Z2kPair>(shares);
    }

    private static void CheckShift(int bits)
    {
        if (bits is < 0 or > 62) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Truncation shifts by 0 to 62 bits.");
    }
}
