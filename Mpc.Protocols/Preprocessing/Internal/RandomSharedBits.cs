using Mpc.Core.Arithmetic;
using Mpc.Core.Random;

namespace Mpc.Protocols.Preprocessing.Internal;

/// <summary>
/// Uniformly random bits shared additively mod 2^64 (each a 0/1 ring element) with no trusted party: every party
/// picks a private random bit, and the parties fold them in with x XOR b = x + b - 2 b x, one party per step.
/// The product b_j [x] needs no triple: party j multiplies its own share, and every other party i gets a share of
/// b_j x_i by one correlated OT in which j chooses with b_j and i correlates with x_i.
/// </summary>
/// <remarks>
/// Security: the result is uniform as long as one party's bits are; a coalition of up to N-1 parties learns
/// nothing, since the missing party's bit masks the XOR and its OTs hide it. Cost: N-1 sequential steps (rounds),
/// each with N-1 correlated OTs of one word per bit.
/// <para>Each party's own bits are its XOR shares of the same bits, so the bits come in both forms at once (daBits,
/// Rotaru and Wood, INDOCRYPT 2019): <see cref="GenerateBothAsync"/>.</para>
/// </remarks>
internal static class RandomSharedBits
{
    /// <summary><paramref name="count"/> random bits, my additive shares of each.</summary>
    public static async ValueTask<Z2k[]> GenerateAsync(Session session, PairwiseOt ots, AesCtrPrg random, int count,
        CancellationToken ct) =>
        (await GenerateBothAsync(session, ots, random, count, ct).ConfigureAwait(false)).Additive;

    /// <summary>
    /// <paramref name="count"/> random bits, my additive shares of each and my XOR shares of the same bits, packed (bit e
    /// is bit e % 64 of word e / 64).
    /// </summary>
    public static async ValueTask<(Z2k[] Additive, ulong[] Xor)> GenerateBothAsync(Session session, PairwiseOt ots, AesCtrPrg random,
        int count, CancellationToken ct)
    {
        int me = session.PartyId, n = session.PartyCount;
        var myBits = new ulong[(count + 63) / 64];
        random.Fill<ulong>(myBits);
        if (count % 64 != 0) myBits[^1] &= (1UL << (count % 64)) - 1;

        // x starts as party 0's bit, shared trivially.
        var x = new Z2k[count];
        if (me == 0) for (int e = 0; e < count; e++) x[e] = new Z2k(Bit(myBits, e));

        for (int j = 1; j < n; j++)
        {
            var product = (await PrivateBitTimesAsync(session, ots, j, myBits, [x], ct).ConfigureAwait(false))[0];

            // x <- x XOR b_j = x + b_j - 2 b_j x.
            for (int e = 0; e < count; e++)
            {
                var bit = me == j ? new Z2k(Bit(myBits, e)) : default;
                x[e] = x[e] + bit - product[e] - product[e];
            }
        }
        return (x, myBits);
    }

    /// <summary>
    /// My shares of b y_v for every vector y_v, where b = XOR over parties of their private bits (mine packed in
    /// <paramref name="myBits"/>): folded in party by party as the bits themselves are, b' y = b y + b_j y - 2 b_j (b y).
    /// </summary>
    public static async Task<Z2k[][]> XorBitTimesAsync(Session session, PairwiseOt ots, ulong[] myBits, Z2k[][] vectors,
        CancellationToken ct)
    {
        int width = vectors.Length, count = vectors[0].Length;
        var u = await PrivateBitTimesAsync(session, ots, 0, myBits, vectors, ct).ConfigureAwait(false);
        for (int j = 1; j < session.PartyCount; j++)
        {
            var products = await PrivateBitTimesAsync(session, ots, j, myBits, [.. vectors, .. u], ct).ConfigureAwait(false);
            for (int v = 0; v < width; v++)
                for (int e = 0; e < count; e++) u[v][e] = u[v][e] + products[v][e] - products[width + v][e] - products[width + v][e];
        }
        return u;
    }

    /// <summary>
    /// My shares of b_owner y_v for every vector, b_owner the owner's private bits: the owner multiplies its own shares
    /// and chooses with its bits in one correlated OT per element with every other party, which correlates with its
    /// shares of all the vectors at once (one word each).
    /// </summary>
    public static async Task<Z2k[][]> PrivateBitTimesAsync(Session session, PairwiseOt ots, int owner, ulong[] myBits,
        Z2k[][] vectors, CancellationToken ct)
    {
        int width = vectors.Length, count = vectors[0].Length, me = session.PartyId;
        var result = new Z2k[width][];
        for (int v = 0; v < width; v++) result[v] = new Z2k[count];
        if (me == owner)
        {
            for (int e = 0; e < count; e++)
                if (Bit(myBits, e) == 1)
                    for (int v = 0; v < width; v++) result[v][e] = vectors[v][e];
            var pending = new List<Task<ulong[]>>();
            for (int peer = 0; peer < session.PartyCount; peer++)
            {
                if (peer == me) continue;
                var receiver = ots.ReceiverFrom(peer);
                pending.Add(Task.Run(async () =>
                {
                    var y = new ulong[count * width];
                    await receiver.ReceiveCorrelatedAsync(myBits, width, y, ct).ConfigureAwait(false);
                    return y;
                }, ct));
            }
            foreach (var y in await Task.WhenAll(pending).ConfigureAwait(false))
                for (int e = 0; e < count; e++)
                    for (int v = 0; v < width; v++) result[v][e] += new Z2k(y[e * width + v]);
        }
        else
        {
            var correlations = new ulong[count * width];
            for (int e = 0; e < count; e++)
                for (int v = 0; v < width; v++) correlations[e * width + v] = vectors[v][e].Value;
            var mine = new ulong[count * width];
            await ots.SenderTo(owner).SendCorrelatedAsync(correlations, width, mine, ct).ConfigureAwait(false);
            for (int e = 0; e < count; e++)
                for (int v = 0; v < width; v++) result[v][e] = new Z2k(0UL - mine[e * width + v]);
        }
        return result;
    }

    private static ulong Bit(ulong[] bits, int index) => (bits[index >> 6] >> (index & 63)) & 1;
}
