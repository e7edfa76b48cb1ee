using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Core.Sharing;
using Mpc.Net;

namespace Mpc.Protocols.Shamir.Internal;

/// <summary>
/// Degree reduction by resharing (Gennaro, Rabin and Rabin, PODC 1998), with the dealings compressed by pairwise
/// pseudo-random keys: the product of two degree-t sharings is a degree-2t sharing, and since 2t + 1 &lt;= N its value
/// is sum over i of lambda_i p_i (Lagrange at zero over the first 2t + 1 parties, the dealers). Each dealer i reshares
/// its p_i with a fresh degree-t polynomial g_i; every party sums lambda_i g_i at its own point. One round, semi-honest,
/// t &lt; N/2.
/// </summary>
/// <remarks>
/// <para>Compression: g_i is fixed by g_i(0) = p_i and by its values at t designated parties i + 1, ..., i + t (mod N),
/// which dealer and receiver both draw from their pairwise key (the stream named by the operation and the dealer).
/// The dealer sends g_i only to the other N - 1 - t parties. Any t parties see t values of a polynomial whose t free
/// coefficients are pseudo-random: uniform whatever p_i is (those they hold the keys for, and those they receive).</para>
/// <para>Cost per product and party: N - 1 - t elements sent and received, t pad draws as a dealer and at most t as a
/// receiver, against DN07's double sharings from pseudo-random secret sharing (C(N - 1, t) (t + 1) draws) and an
/// opening (two rounds for long vectors). The pads and their combinations depend on no input (<see cref="DrawPads"/>);
/// what depends on the product is one scaled addition per element sent and one combination.</para>
/// </remarks>
internal sealed class ProductResharing<T> where T : unmanaged, IFiniteField<T>
{
    private readonly int _parties, _threshold, _me;
    private readonly byte[]?[] _keys;              // the pairwise key with each peer
    private readonly int[] _designated;            // the t parties my dealing's pads are drawn for
    private readonly int[] _recipients;            // the N - 1 - t parties my dealing is sent to (none unless I deal)
    private readonly T[][] _outgoingWeights;       // per recipient: g's value there from (g(0), the designated values)
    private readonly T[] _ownWeights;              // the same at my own point
    private readonly int[] _padDealers;            // dealers that draw my value from our key
    private readonly int[] _sendingDealers;        // dealers that send me my value
    private readonly T[] _padWeights;              // DrawPads' combination: my own dealing's pad part, then each pad dealer's
    private readonly T[] _combineWeights;          // Combine's: my product share, each sending dealer's value, the pads' part

    private ProductResharing(int parties, int threshold, int me, byte[]?[] keys)
    {
        _parties = parties;
        _threshold = threshold;
        _me = me;
        _keys = keys;
        var dealers = Enumerable.Range(0, 2 * threshold + 1).ToArray();
        IsDealer = me < dealers.Length;
        _designated = Designated(me);
        _recipients = IsDealer
            ? Enumerable.Range(0, parties).Where(p => p != me && Array.IndexOf(_designated, p) < 0).ToArray()
            : [];

        // Interpolation basis: x = 0, then the designated parties' points.
        var basis = new T[threshold + 1];
        basis[0] = T.Zero;
        for (int m = 0; m < threshold; m++) basis[m + 1] = ShamirScheme<T>.EvaluationPoint(_designated[m]);
        _outgoingWeights = _recipients.Select(k => ShamirScheme<T>.LagrangeWeights(basis, ShamirScheme<T>.EvaluationPoint(k)))
            .ToArray();
        _ownWeights = ShamirScheme<T>.LagrangeWeights(basis, ShamirScheme<T>.EvaluationPoint(me));

        // The dealers' weights at zero for the degree-2t product, by party (zero outside the dealers).
        var lambda = new ShamirScheme<T>(parties, 2 * threshold).LagrangeAtZero(dealers).ToArray();
        _padDealers = dealers.Where(i => i != me && Array.IndexOf(Designated(i), me) >= 0).ToArray();
        _sendingDealers = dealers.Where(i => i != me && Array.IndexOf(Designated(i), me) < 0).ToArray();
        _padWeights = [.. IsDealer ? [lambda[me]] : Array.Empty<T>(), .. _padDealers.Select(i => lambda[i])];
        _combineWeights = [IsDealer ? lambda[me] * _ownWeights[0] : T.Zero, .. _sendingDealers.Select(i => lambda[i]), T.One];
    }

    /// <summary>Whether I am one of the 2t + 1 dealers (parties 0..2t).</summary>
    public bool IsDealer { get; }

    /// <summary>The parties my dealing goes to (empty unless I deal).</summary>
    public ReadOnlySpan<int> Recipients => _recipients;

    /// <summary>The dealers whose values I receive.</summary>
    public ReadOnlySpan<int> SendingDealers => _sendingDealers;

    /// <summary>Hands out the pairwise keys: one round, a key from the lower party of every pair to the higher.</summary>
    public static async Task<ProductResharing<T>> EstablishAsync(Session session, int threshold, StreamTag tag, CancellationToken ct)
    {
        int n = session.PartyCount, me = session.PartyId;
        var keys = new byte[]?[n];
        var network = session.Network;
        var sends = new List<Task>();
        for (int p = me + 1; p < n; p++)
        {
            keys[p] = new byte[AesCtrPrg.SeedSize];
            session.Random.Fill(keys[p]);
            sends.Add(network.SendAsync(p, tag, (ReadOnlyMemory<byte>)keys[p], ct).AsTask());
        }
        for (int p = 0; p < me; p++)
        {
            keys[p] = new byte[AesCtrPrg.SeedSize];
            await network.ReceiveAsync(p, tag, (Memory<byte>)keys[p], ct).ConfigureAwait(false);
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
        network.CountRound();
        return new ProductResharing<T>(n, threshold, me, keys);
    }

    /// <summary>
    /// The input-independent part of <paramref name="length"/> resharings named by <paramref name="purpose"/>: as a
    /// dealer, for each recipient (in <see cref="Recipients"/> order, recipient-major) the designated pads' part of
    /// g there; and the part of my result that does not depend on the products (pads drawn for me, weighted by the
    /// dealers' lambda, and my own dealing's pad part).
    /// </summary>
    /// <param name="length">Products to reshare.</param>
    /// <param name="purpose">The tag that names the pad streams (the same at every party).</param>
    /// <param name="masked">False only in tests: pads of zero, so that a dealing shows its product share.</param>
    public ResharingPads<T> DrawPads(int length, StreamTag purpose, bool masked = true)
    {
        int t = _threshold;
        var outgoing = GC.AllocateUninitializedArray<T>(_recipients.Length * length);
        // Incoming terms: my own dealing's pad part at my point (if I deal), then each pad dealer's draw for me.
        int ownSlots = IsDealer ? 1 : 0;
        var incomingTerms = GC.AllocateUninitializedArray<T>(_padWeights.Length * length);
        if (IsDealer)
        {
            var pads = GC.AllocateUninitializedArray<T>(t * length);
            for (int m = 0; m < t; m++)
            {
                using var prg = Stream(_designated[m], dealer: _me, purpose);
                if (masked) prg.FillUniform<T>(pads.AsSpan(m * length, length));
                else pads.AsSpan(m * length, length).Clear();
            }
            for (int r = 0; r < _recipients.Length; r++)
                VectorMath.LinearCombination<T>(pads, _outgoingWeights[r].AsSpan(1), outgoing.AsSpan(r * length, length));
            VectorMath.LinearCombination<T>(pads, _ownWeights.AsSpan(1), incomingTerms.AsSpan(0, length));
        }
        for (int d = 0; d < _padDealers.Length; d++)
        {
            int dealer = _padDealers[d];
            using var prg = Stream(dealer, dealer: dealer, purpose);
            if (masked) prg.FillUniform<T>(incomingTerms.AsSpan((ownSlots + d) * length, length));
            else incomingTerms.AsSpan((ownSlots + d) * length, length).Clear();
        }
        var incoming = GC.AllocateUninitializedArray<T>(length);
        VectorMath.LinearCombination<T>(incomingTerms, _padWeights, incoming);
        return new ResharingPads<T>(outgoing, incoming, length);
    }

    /// <summary>
    /// My dealing of <paramref name="product"/> (my degree-2t share), recipient-major in <see cref="Recipients"/>
    /// order, written over the pads' outgoing part.
    /// </summary>
    public void Deal(ReadOnlySpan<T> product, ResharingPads<T> pads)
    {
        int length = product.Length;
        for (int r = 0; r < _recipients.Length; r++)
            VectorMath.AddScaled<T>(product, _outgoingWeights[r][0], pads.Outgoing.AsSpan(r * length, length));
    }

    /// <summary>
    /// My degree-t share into <paramref name="result"/>: <paramref name="terms"/> holds my degree-2t product share,
    /// then the values received from <see cref="SendingDealers"/> (in that order), and one free slot for the pads'
    /// part; all are weighted by the dealers' Lagrange coefficients at zero and summed in one pass.
    /// </summary>
    public void Combine(Span<T> terms, ResharingPads<T> pads, Span<T> result)
    {
        int length = result.Length, received = _sendingDealers.Length;
        pads.Incoming.CopyTo(terms.Slice((1 + received) * length, length));
        VectorMath.LinearCombination<T>(terms[..(_combineWeights.Length * length)], _combineWeights, result);
    }

    // Dealer d's designated parties: the t parties after it, cyclically.
    private int[] Designated(int dealer) => Enumerable.Range(1, _threshold).Select(k => (dealer + k) % _parties).ToArray();

    // The pad stream of one dealer's dealing to one of its designated parties, as both of them derive it.
    private AesCtrPrg Stream(int peer, int dealer, StreamTag purpose)
    {
        Span<byte> info = stackalloc byte[5];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(info, purpose.Value);
        info[4] = (byte)dealer;
        return AesCtrPrg.Derive(_keys[peer]!, "mpc-resharing"u8, info);
    }

}

/// <summary>
/// The input-independent part of a run of resharings: per recipient (recipient-major, <see cref="Length"/> each) the
/// pads' part of my dealing, and the pads' part of my result. Used once.
/// </summary>
internal sealed class ResharingPads<T>(T[] outgoing, T[] incoming, int length) where T : unmanaged
{
    /// <summary>Elements covered.</summary>
    public int Length { get; } = length;

    /// <summary>Recipient r's part at [r * Length, (r + 1) * Length).</summary>
    public T[] Outgoing { get; } = outgoing;

    /// <summary>My result's pad part.</summary>
    public T[] Incoming { get; } = incoming;
}
