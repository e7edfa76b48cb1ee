using System.Buffers;
using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Net;
using Mpc.Protocols.Common;

namespace Mpc.Protocols.Shamir.Internal;

/// <summary>
/// Shamir sharing's interactive operations over any finite field: input, opening, and multiplication by degree
/// reduction through resharing. The arithmetic suite runs one over 2^127-1 and, for comparisons, one
/// over GF(2^8) for bits; both rest on the same arguments (t &lt; N/2, semi-honest).
/// </summary>
internal sealed class ShamirEngine<T> where T : unmanaged, IFiniteField<T>
{
    private readonly Session _session;
    private readonly ProtocolChannel _channel;
    private Task<ProductResharing<T>>? _resharing;
    private Task<PseudoRandomSharing<T>>? _pseudoRandom;

    /// <summary>An engine whose operations take their tags from <paramref name="channel"/>.</summary>
    public ShamirEngine(Session session, int threshold, ProtocolChannel channel = ProtocolChannel.Online)
    {
        _session = session;
        _channel = channel;
        Scheme = new ShamirScheme<T>(session.PartyCount, threshold);
        ProductScheme = new ShamirScheme<T>(session.PartyCount, 2 * threshold);
        AllParties = Enumerable.Range(0, session.PartyCount).ToArray();
    }

    /// <summary>
    /// Tests only: changes my local (degree-2t) product before it is reshared, as a party that computes a wrong product
    /// and then follows the protocol would.
    /// </summary>
    internal Action<T[]>? ProductTamper { get; set; }

    /// <summary>False only in tests: resharings without pads (a broken variant whose dealings show product shares).</summary>
    internal bool MaskResharing { get; init; } = true;

    /// <summary>Degree t: inputs and results.</summary>
    public ShamirScheme<T> Scheme { get; }

    /// <summary>Degree 2t: local products, and masks for opening them.</summary>
    public ShamirScheme<T> ProductScheme { get; }

    /// <summary>0 to N - 1.</summary>
    public int[] AllParties { get; }

    /// <summary>
    /// Shorter vectors than this open all-to-all in one round; longer ones by <see cref="ScatteredOpening"/>, in two
    /// rounds with each party the king of one segment: 2 (N - 1) / N of the vector sent instead of N - 1 times it,
    /// and one N-th of it interpolated.
    /// </summary>
    public int ScatteredOpeningMinimum { get; set; } = ScatteredOpening.Minimum;

    /// <summary>The owner deals degree-t shares of its values; everyone returns its share. One round.</summary>
    public async ValueTask<T[]> InputAsync(int owner, ReadOnlyMemory<T> values, int length, CancellationToken ct)
    {
        var tag = _session.NextTag(_channel);
        var network = _session.Network;
        var mine = new T[length];
        if (_session.PartyId != owner)
        {
            // Round 1: receive my share from the owner.
            await network.ReceiveAsync<T>(owner, tag, mine, ct).ConfigureAwait(false);
            network.CountRound();
            return mine;
        }
        if (values.Length != length)
            throw new ArgumentException($"Party {owner} inputs {values.Length} values where the program says {length}.", nameof(values));
        var shares = new T[_session.PartyCount * length];
        Scheme.Share(values.Span, _session.Random, shares);
        // Round 1: send each party its share.
        var sends = new List<Task>();
        for (int p = 0; p < _session.PartyCount; p++)
            if (p != owner)
                sends.Add(network.SendAsync<T>(p, tag, shares.AsMemory(p * length, length), ct).AsTask());
        await Task.WhenAll(sends).ConfigureAwait(false);
        shares.AsSpan(owner * length, length).CopyTo(mine);
        network.CountRound();
        return mine;
    }

    /// <summary>Opens degree-t shares (a copy): see <see cref="OpenInPlaceAsync"/>.</summary>
    public async ValueTask<T[]> OpenAsync(ReadOnlyMemory<T> shares, CancellationToken ct)
    {
        var tag = _session.NextTag(_channel);
        var result = shares.ToArray();
        await OpenInPlaceAsync(Scheme, result, tag, ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Opens shares of <paramref name="scheme"/>'s degree in place: all-to-all and interpolated from (and checked
    /// against) every share, one round; or, for long vectors, scattered (each segment checked by its king). Its rounds
    /// are counted unless it runs <paramref name="beside"/> another operation's, in the same rounds.
    /// </summary>
    public async ValueTask OpenInPlaceAsync(ShamirScheme<T> scheme, Memory<T> shares, StreamTag tag, CancellationToken ct,
        bool beside = false)
    {
        if (shares.Length >= ScatteredOpeningMinimum)
        {
            await ScatteredOpening.OpenInPlaceAsync(_session.Network, shares, tag,
                (all, segment) => scheme.ReconstructChecked(AllParties, all, segment), ct, countRounds: !beside).ConfigureAwait(false);
            return;
        }
        // Round 1: everyone sends its share to everyone.
        int length = shares.Length, parties = _session.PartyCount;
        var all = ArrayPool<T>.Shared.Rent(parties * length);
        await _session.Network.ExchangeWithAllAsync<T>(tag, shares, all.AsMemory(0, parties * length), ct, countRound: !beside)
            .ConfigureAwait(false);
        scheme.ReconstructChecked(AllParties, all.AsSpan(0, parties * length), shares.Span);
        ArrayPool<T>.Shared.Return(all);
    }

    /// <summary>
    /// The elementwise product of degree-t sharings: the local product, reduced
    /// (<see cref="ReduceAsync(T[], CancellationToken, bool)"/>); its round
    /// not counted again when it runs <paramref name="beside"/> another operation.
    /// </summary>
    public ValueTask<T[]> MultiplyAsync(ReadOnlySpan<T> x, ReadOnlySpan<T> y, CancellationToken ct, bool beside = false)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        var product = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Multiply(x, y, product); // degree 2t
        return ReduceAsync(product, ct, beside: beside);
    }

    /// <summary>
    /// Degree reduction by resharing (<see cref="ProductResharing{T}"/>: Gennaro, Rabin and Rabin 1998, each dealing
    /// compressed by pairwise keys): each of the first 2t + 1 parties reshares its degree-2t share with a fresh degree-t
    /// polynomial, and every party combines what it holds and receives with the Lagrange weights at zero. One round
    /// for any length. The result is written over <paramref name="product"/> (every caller's own fresh array).
    /// </summary>
    /// <param name="product">My share of the degree-2t product.</param>
    /// <param name="ct">Cancels the protocol.</param>
    /// <param name="beside">It runs beside another operation, in the same round: its round is not counted again.</param>
    public ValueTask<T[]> ReduceAsync(T[] product, CancellationToken ct, bool beside = false) =>
        ReduceAsync(new ValueTask<T[]>(product), ct, beside);

    /// <summary>
    /// As <see cref="ReduceAsync(T[], CancellationToken, bool)"/> for a product still being computed: the tags are
    /// taken now, in program order, and the product awaited after.
    /// </summary>
    public async ValueTask<T[]> ReduceAsync(ValueTask<T[]> local, CancellationToken ct, bool beside = false)
    {
        var tag = _session.NextTag(_channel); // before any await: concurrent multiplications must take tags in program order
        var purpose = _session.NextTag(_channel); // names the pad streams
        var establishing = ResharingAsync(ct);
        var product = await local.ConfigureAwait(false);
        ProductTamper?.Invoke(product);
        int length = product.Length;
        var resharing = await establishing.ConfigureAwait(false);
        if (length == 0) return product; // every party has the same length: nothing to send anywhere
        var pads = resharing.DrawPads(length, purpose, MaskResharing);
        resharing.Deal(product, pads);

        // Round 1: my dealing to the parties that do not draw it; the others' dealings to me.
        var network = _session.Network;
        var recipients = resharing.Recipients;
        var dealers = resharing.SendingDealers;
        var terms = ArrayPool<T>.Shared.Rent((dealers.Length + 2) * length);
        try
        {
            product.CopyTo(terms, 0);
            var pending = new List<Task>(recipients.Length + dealers.Length);
            for (int r = 0; r < recipients.Length; r++)
                pending.Add(network.SendAsync<T>(recipients[r], tag, pads.Outgoing.AsMemory(r * length, length), ct).AsTask());
            for (int d = 0; d < dealers.Length; d++)
                pending.Add(network.ReceiveAsync<T>(dealers[d], tag, terms.AsMemory((1 + d) * length, length), ct).AsTask());
            await Task.WhenAll(pending).ConfigureAwait(false);
            if (!beside) network.CountRound();
            resharing.Combine(terms, pads, product);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(terms);
        }
        return product;
    }

    private Task<ProductResharing<T>> ResharingAsync(CancellationToken ct) =>
        _resharing ??= ProductResharing<T>.EstablishAsync(_session, Scheme.Threshold, _session.NextTag(_channel), ct);

    /// <summary>
    /// Degree reduction by a double sharing drawn ahead (Damgard and Nielsen 2007): open c = (degree-2t product) +
    /// [r]_2t, checked against all n shares, and return c - [r]_t. The opened polynomial is uniform but for c, and c
    /// is the product masked by a uniform r. Online: one opening, two rounds for long vectors, each party the king of
    /// one segment, so each party sends 2 (N - 1) / N elements per product against resharing's N - 1 - t: the
    /// online phase of choice when the double sharings were made ahead. The result is written over
    /// <paramref name="product"/>.
    /// </summary>
    public async ValueTask<T[]> ReduceWithDoubleSharingAsync(T[] product, ValueTask<(T[] Wide, T[] Narrow)> prepared,
        CancellationToken ct, bool beside = false)
    {
        var tag = _session.NextTag(_channel); // before any await, as every operation's
        var masks = await prepared.ConfigureAwait(false);
        VectorMath.Add<T>(product, masks.Wide, product);
        await OpenInPlaceAsync(ProductScheme, product, tag, ct, beside).ConfigureAwait(false);
        VectorMath.Subtract<T>(product, masks.Narrow, product);
        return product;
    }

    /// <summary>
    /// Double sharings ([r] with degree 2t, [r] with degree t) of uniform field elements r, by pseudo-random secret
    /// sharing: no communication once the keys are out (the first call hands them out, one round).
    /// </summary>
    public async ValueTask<(T[] Wide, T[] Narrow)> DoubleRandomsAsync(int length, CancellationToken ct)
    {
        var (pending, purpose) = PseudoRandom(ct);
        return (await pending.ConfigureAwait(false)).DoubleRandoms(length, purpose);
    }

    /// <summary>
    /// Degree-t sharings of <paramref name="length"/> uniform field elements by pseudo-random secret sharing: no
    /// communication once the keys are out. Its tags are taken at the call.
    /// </summary>
    public async ValueTask<T[]> RandomsAsync(int length, CancellationToken ct)
    {
        var (pending, purpose) = PseudoRandom(ct);
        return (await pending.ConfigureAwait(false)).Randoms(length, purpose);
    }

    /// <summary>
    /// Degree-t sharings of <paramref name="length"/> sums of C(n, t) integers, each uniform below
    /// 2^<paramref name="bits"/> (<see cref="PseudoRandomSharing{T}.BoundedRandoms"/>): bounded whatever t parties do,
    /// and hiding one uniform term from any t of them. No communication once the keys are out; tags taken at the call.
    /// </summary>
    public async ValueTask<T[]> BoundedRandomsAsync(int length, int bits, CancellationToken ct)
    {
        var (pending, purpose) = PseudoRandom(ct);
        return (await pending.ConfigureAwait(false)).BoundedRandoms(length, bits, purpose);
    }

    /// <summary>
    /// Degree-2t sharings of zero for <paramref name="length"/> values by pseudo-random secret sharing: added to a local
    /// product before it is opened, they leave the opened polynomial uniform but for its value. Tags taken at the call.
    /// </summary>
    public async ValueTask<T[]> WideZerosAsync(int length, CancellationToken ct)
    {
        var (pending, purpose) = PseudoRandom(ct);
        return (await pending.ConfigureAwait(false)).WideZeros(length, purpose);
    }

    /// <summary>
    /// The pseudo-random sharing (its keys handed out by the first call, one round) and the tag that names this use's
    /// streams: both tags taken now, before any await, in program order.
    /// </summary>
    private (Task<PseudoRandomSharing<T>> Sharing, StreamTag Purpose) PseudoRandom(CancellationToken ct)
    {
        _pseudoRandom ??= PseudoRandomSharing<T>.EstablishAsync(_session, Scheme.Threshold, _session.NextTag(_channel), ct);
        return (_pseudoRandom, _session.NextTag(_channel));
    }

    /// <summary>Hands out the pairwise resharing keys now (one round); does nothing once they are out.</summary>
    public Task EstablishResharingKeysAsync(CancellationToken ct) => ResharingAsync(ct);
}
