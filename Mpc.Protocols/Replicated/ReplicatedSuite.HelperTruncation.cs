using Mpc.Core.Arithmetic;
using Mpc.Net;

namespace Mpc.Protocols.Replicated;

// Truncation with a helper (ReplicatedTruncation.TwoRounds, the default): one party h (rotating by tag) masks the
// value for the other two, who open it between them, truncate, and reshare. Two rounds and nothing made ahead; the
// helper receives nothing and the
// two who see the masked value never see the mask. The same truncation as with masks made ahead (the mask's top bit
// corrects the wrap-around, Escudero et al. 2020), with the mask r drawn by the helper, who never sees c; the two
// others see c, uniform because r is.
//
// Round 1 (tag 1): the helper sends z_h + r to a = h + 1 and b = h + 2, and to b its corrections (msb(r), r'' >> m)
// minus a's PRG shares of them; a and b exchange their additive shares z_a, z_b (each carrying a zero share, so
// neither learns the other's component). Both then know c = z_h + z_a + z_b + r + 2^62 and hold additive shares of
// the result y. Round 2 (tag 2): the result's components y_h (shared by h and b) and y_a (h and a) come from PRGs; a
// and b exchange their shares minus those, and both hold y_b = y - y_h - y_a.
public sealed partial class ReplicatedSuite
{
    /// <summary>
    /// The replicated sharing of trunc(v, bits) from a 3-out-of-3 additive sharing of v (my share <paramref name="z"/>,
    /// already re-randomised by a zero share under <paramref name="first"/>). Two rounds, under the two tags.
    /// </summary>
    private async ValueTask<SharedVector<Z2kPair>> TruncateWithHelperAsync(ulong[] z, int bits, StreamTag first,
        StreamTag second, CancellationToken ct)
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
}
