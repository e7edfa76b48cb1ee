using System.Buffers;
using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.Common;

namespace Mpc.Protocols.Replicated;

/// <summary>
/// 2-out-of-3 replicated secret sharing over Z_2^64 (Araki, Furukawa, Lindell, Nof and Ohara, CCS 2016; ABY3,
/// Mohassel and Rindal, CCS 2018): exactly three parties, honest majority, semi-honest, no dealer and no
/// preprocessing. A value x = x_0 + x_1 + x_2 (mod 2^64); party i holds (x_i, x_{i+1}) as one <see cref="Z2kPair"/>,
/// so any two parties can open it and any one alone sees only uniform components.
/// </summary>
/// <remarks>
/// <para>Randomness: component j of a random sharing comes from the PRG that parties j - 1 and j share (the session's
/// pairwise seeds, keyed by the operation's tag), and party i's share of zero is F(i, i + 1) - F(i - 1, i), whose sum
/// over the parties vanishes (pseudo-random secret sharing, Cramer, Damgard and Ishai, TCC 2005). Nothing is dealt.</para>
/// <para>Inputs: one round, the owner sends the one component it does not share with a neighbour's PRG to both
/// others. Openings: one round, each party sends its first component to the next. Products: one round, the local
/// cross terms x_i y_i + x_i y_{i+1} + x_{i+1} y_i plus a zero share, sent to the previous party: one ring element per
/// product per party. Matrix products send only the result; a prepared matrix keeps its shares (no round).</para>
/// <para>Truncation (<see cref="TruncateAsync"/>, and fused with products): two rounds, error at most one unit and no
/// large error; comparisons: a parallel-prefix adder on boolean shares packed 64 to a word, then a one-round bit
/// injection (see the partial files).</para>
/// </remarks>
public sealed partial class ReplicatedSuite : IArithmeticSuite<Z2kPair>, IFusedTruncation<Z2kPair>
{
    private readonly Session _session;
    private readonly bool _zeroSharing;
    private readonly ReplicatedTruncation _truncation;

    /// <summary>
    /// A replicated suite for one of the three parties of <paramref name="session"/>, truncating as <paramref name="truncation"/> says.
    /// </summary>
    /// <exception cref="ArgumentException">The session does not have exactly three parties.</exception>
    public ReplicatedSuite(Session session, ReplicatedTruncation truncation = ReplicatedTruncation.TwoRounds)
        : this(session, truncation, zeroSharing: true)
    {
    }

    /// <summary>
    /// With <paramref name="zeroSharing"/> false, products and truncations skip the zero sharing that re-randomises
    /// what a party sends: a deliberately insecure variant for the view tests, never offered to users.
    /// </summary>
    internal ReplicatedSuite(Session session, ReplicatedTruncation truncation, bool zeroSharing)
    {
        if (session.PartyCount != 3)
            throw new ArgumentException($"Replicated sharing needs exactly three parties; the session has {session.PartyCount} "
                + "(use the shamir suite for more, the additive suite for two).", nameof(session));
        if (!Enum.IsDefined(truncation))
            throw new ArgumentOutOfRangeException(nameof(truncation), truncation, "Truncation is TwoRounds or OneRound.");
        _session = session;
        _truncation = truncation;
        _zeroSharing = zeroSharing;
    }

    /// <summary>How this suite truncates.</summary>
    public ReplicatedTruncation Truncation => _truncation;

    /// <inheritdoc />
    public Session Session => _session;

    /// <inheritdoc />
    public string Name => "replicated";

    /// <inheritdoc />
    public int TruncationInputBits => 63;

    /// <inheritdoc />
    public int TruncationErrorBound => 1;

    /// <inheritdoc />
    /// <remarks>Always: a product's additive shares feed the truncation's (first) round, so a fused product costs what
    /// the truncation does.</remarks>
    public IFusedTruncation<Z2kPair>? FusedTruncation => this;

    private int Me => _session.PartyId;

    private int Next => (_session.PartyId + 1) % 3;

    private int Previous => (_session.PartyId + 2) % 3;

    private IPartyNetwork Network => _session.Network;

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> InputAsync(int owner, ReadOnlyMemory<Z2kPair> values, int length,
        CancellationToken ct = default)
    {
        CheckParty(owner, nameof(owner));
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var tag = _session.NextTag();
        var shares = new Z2kPair[length];
        if (Me == owner)
        {
            if (values.Length != length)
                throw new ArgumentException($"Party {owner} inputs {values.Length} values where the program says {length}.",
                    nameof(values));
            // Component o comes from the PRG shared with o - 1, component o + 1 from the one shared with o + 1; the
            // third, v - x_o - x_{o+1}, goes to both neighbours.
            var third = OwnerComponents(values.Span, shares, tag);
            var toNext = Network.SendAsync<ulong>(Next, tag, third, ct);
            var toPrevious = Network.SendAsync<ulong>(Previous, tag, third, ct);
            await toNext.ConfigureAwait(false);
            await toPrevious.ConfigureAwait(false);
        }
        else
        {
            var third = new ulong[length];
            var known = new ulong[length];
            await Network.ReceiveAsync<ulong>(owner, tag, third, ct).ConfigureAwait(false);
            using (var prg = PairStream(owner, tag)) prg.Fill<ulong>(known);
            // The owner's next party holds (x_{o+1}, third); its previous party holds (third, x_o).
            bool ownersNext = owner == Previous;
            for (int i = 0; i < length; i++)
                shares[i] = ownersNext ? new Z2kPair(known[i], third[i]) : new Z2kPair(third[i], known[i]);
        }
        Network.CountRound();
        return new SharedVector<Z2kPair>(shares);
    }

    /// <inheritdoc />
    public async ValueTask<Z2kPair[]> OpenAsync(SharedVector<Z2kPair> x, CancellationToken ct = default)
    {
        var tag = _session.NextTag();
        int n = x.Length;
        var first = FirstComponents(x.Shares);
        var missing = new ulong[n];
        var send = Network.SendAsync<ulong>(Next, tag, first, ct);
        await Network.ReceiveAsync<ulong>(Previous, tag, missing, ct).ConfigureAwait(false);
        await send.ConfigureAwait(false);
        Network.CountRound();
        return Reconstruct(x.Shares, missing);
    }

    /// <inheritdoc />
    public async ValueTask<Z2kPair[]?> OpenToAsync(int receiver, SharedVector<Z2kPair> x, CancellationToken ct = default)
    {
        CheckParty(receiver, nameof(receiver));
        var tag = _session.NextTag();
        int n = x.Length;
        // The receiver lacks component r + 2 = r - 1, the first component of its previous party.
        if (Me == receiver)
        {
            var missing = new ulong[n];
            await Network.ReceiveAsync<ulong>(Previous, tag, missing, ct).ConfigureAwait(false);
            Network.CountRound();
            return Reconstruct(x.Shares, missing);
        }
        if (Next == receiver)
        {
            await Network.SendAsync<ulong>(receiver, tag, FirstComponents(x.Shares), ct).ConfigureAwait(false);
            Network.CountRound();
        }
        return null;
    }

    /// <summary>The value from my two components and the one I lacked: on the diagonal, as public values are.</summary>
    private static Z2kPair[] Reconstruct(Z2kPair[] shares, ulong[] missing)
    {
        var opened = new Z2kPair[shares.Length];
        for (int i = 0; i < opened.Length; i++) opened[i] = Z2kPair.Diagonal(unchecked(shares[i].First + shares[i].Second + missing[i]));
        return opened;
    }

    /// <summary>My share of a public value: component 0 holds it, so party 0 has it first, party 2 second, party 1 not at all.</summary>
    private Z2kPair PublicShare(ulong value) => Me switch
    {
        0 => new Z2kPair(value, 0),
        2 => new Z2kPair(0, value),
        _ => default,
    };

    /// <inheritdoc />
    public SharedVector<Z2kPair> Constant(ReadOnlySpan<Z2kPair> values)
    {
        var shares = new Z2kPair[values.Length];
        for (int i = 0; i < shares.Length; i++) shares[i] = PublicShare(values[i].First);
        return new SharedVector<Z2kPair>(shares);
    }

    /// <inheritdoc />
    public SharedVector<Z2kPair> Add(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y) => LocalOperations.Add(x, y);

    /// <inheritdoc />
    public SharedVector<Z2kPair> Subtract(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y) => LocalOperations.Subtract(x, y);

    /// <inheritdoc />
    public SharedVector<Z2kPair> AddPublic(SharedVector<Z2kPair> x, ReadOnlySpan<Z2kPair> c)
    {
        if (c.Length != x.Length) throw new ArgumentException($"Adding {c.Length} public values to {x.Length} shares.", nameof(c));
        var z = new Z2kPair[x.Length];
        for (int i = 0; i < z.Length; i++) z[i] = x.Shares[i] + PublicShare(c[i].First);
        return new SharedVector<Z2kPair>(z);
    }

    /// <inheritdoc />
    public SharedVector<Z2kPair> MultiplyPublic(SharedVector<Z2kPair> x, ReadOnlySpan<Z2kPair> c) => LocalOperations.MultiplyPublic(x, c);

    /// <inheritdoc />
    public SharedVector<Z2kPair> Scale(SharedVector<Z2kPair> x, Z2kPair c) => LocalOperations.Scale(x, c);

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MultiplyAsync(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y,
        CancellationToken ct = default)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        return await MultiplyAsync(x, y, _session.NextTag(), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// x y under a tag taken earlier (by an operation that takes all its tags when it starts). One round. My share of
    /// the 3-out-of-3 product lives in a pooled buffer until it is sent: fresh pages for every product cost more than
    /// the arithmetic.
    /// </summary>
    private async ValueTask<SharedVector<Z2kPair>> MultiplyAsync(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y,
        StreamTag tag, CancellationToken ct)
    {
        int n = x.Length;
        var mine = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            CrossTerms(x.Shares, y.Shares, tag, mine.AsSpan(0, n));
            return await ReshareAsync(mine.AsMemory(0, n), tag, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(mine);
        }
    }

    /// <summary>
    /// My additive share of x y: x_i y_i + x_i y_{i+1} + x_{i+1} y_i plus my share of zero (under <paramref name="tag"/>).
    /// The three parties' shares sum to x y; each is uniform to the other two.
    /// </summary>
    private ulong[] CrossTerms(Z2kPair[] x, Z2kPair[] y, StreamTag tag)
    {
        var z = GC.AllocateUninitializedArray<ulong>(x.Length);
        CrossTerms(x, y, tag, z);
        return z;
    }

    /// <summary>As <see cref="CrossTerms(Z2kPair[], Z2kPair[], StreamTag)"/>, into <paramref name="z"/>.</summary>
    private void CrossTerms(Z2kPair[] x, Z2kPair[] y, StreamTag tag, Span<ulong> z)
    {
        int n = x.Length;
        ZeroShares(z, tag);
        for (int i = 0; i < n; i++)
        {
            var (a, b) = (x[i], y[i]);
            z[i] = unchecked(z[i] + a.First * (b.First + b.Second) + a.Second * b.First);
        }
    }

    /// <summary>
    /// Turns a 3-out-of-3 additive sharing (my share <paramref name="mine"/>, re-randomised by a zero share) into the
    /// replicated one: my share goes to the previous party, the next party's comes to me. One round.
    /// </summary>
    private async ValueTask<SharedVector<Z2kPair>> ReshareAsync(ReadOnlyMemory<ulong> mine, StreamTag tag, CancellationToken ct)
    {
        int n = mine.Length;
        var next = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            await ExchangeAsync(mine, next.AsMemory(0, n), tag, ct).ConfigureAwait(false);
            var shares = GC.AllocateUninitializedArray<Z2kPair>(n);
            var own = mine.Span;
            for (int i = 0; i < n; i++) shares[i] = new Z2kPair(own[i], next[i]);
            return new SharedVector<Z2kPair>(shares);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(next);
        }
    }

    /// <summary>
    /// Sends <paramref name="mine"/> to the previous party and receives the next party's message into
    /// <paramref name="next"/>: the resharing of a 3-out-of-3 sharing into the replicated one. One round.
    /// </summary>
    private async ValueTask ExchangeAsync(ReadOnlyMemory<ulong> mine, Memory<ulong> next, StreamTag tag, CancellationToken ct)
    {
        var send = Network.SendAsync(Previous, tag, mine, ct);
        await Network.ReceiveAsync(Next, tag, next, ct).ConfigureAwait(false);
        await send.ConfigureAwait(false);
        Network.CountRound();
    }

    /// <summary>
    /// My share of n zeros under <paramref name="purpose"/>: F(me, next) - F(previous, me) in the ring, or with
    /// <paramref name="xor"/> F(me, next) xor F(previous, me) on words (a boolean sharing of zero). Zeros in the insecure variant.
    /// </summary>
    private ulong[] ZeroShares(int n, StreamTag purpose, bool xor = false)
    {
        var zero = GC.AllocateUninitializedArray<ulong>(n);
        ZeroShares(zero, purpose, xor);
        return zero;
    }

    /// <summary>As <see cref="ZeroShares(int, StreamTag, bool)"/>, into <paramref name="zero"/>.</summary>
    private void ZeroShares(Span<ulong> zero, StreamTag purpose, bool xor = false)
    {
        int n = zero.Length;
        if (!_zeroSharing)
        {
            zero.Clear();
            return;
        }
        var draws = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            using (var prg = PairStream(Next, purpose)) prg.Fill<ulong>(zero);
            using (var prg = PairStream(Previous, purpose)) prg.Fill<ulong>(draws.AsSpan(0, n));
            if (xor)
            {
                for (int i = 0; i < n; i++) zero[i] ^= draws[i];
                return;
            }
            var z = MemoryMarshal.Cast<ulong, Z2k>(zero);
            VectorMath.Subtract<Z2k>(z, MemoryMarshal.Cast<ulong, Z2k>(draws.AsSpan(0, n)), z);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(draws);
        }
    }

    /// <summary>
    /// The stream this party and <paramref name="peer"/> both compute for the operation under <paramref name="tag"/>:
    /// AES-CTR under a key derived once per set of pairwise seeds (HKDF, through <see cref="Session.SharedPrg"/> with
    /// a purpose no operation takes), starting at counter block tag * 2^64, so every tag has its own 2^64 blocks. The
    /// same streams as a fresh HKDF per operation would give, in the security sense, at a tenth of the cost, which
    /// matters for the many small operations of a mini-batch step.
    /// </summary>
    private AesCtrPrg PairStream(int peer, StreamTag tag)
    {
        var cache = _streamKeys;
        var seeds = _session.PairwiseSeeds;
        if (cache is null || !ReferenceEquals(cache.Seeds, seeds))
        {
            // Re-derived whenever the session is re-keyed (a run that checkpoints enters a new key phase).
            var keys = new byte[3][];
            for (int p = 0; p < 3; p++)
            {
                if (p == Me) continue;
                keys[p] = new byte[AesCtrPrg.SeedSize];
                using var prg = _session.SharedPrg(p, StreamKeyPurpose);
                prg.Fill(keys[p]);
            }
            _streamKeys = cache = new StreamKeys(seeds, keys);
        }
        Span<byte> counter = stackalloc byte[16];
        counter.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(counter[4..8], tag.Value);
        return new AesCtrPrg(cache.Keys[peer], counter);
    }

    // A purpose outside every channel's tags (channels are 0..4): the streams' keys are derived under it.
    private static readonly StreamTag StreamKeyPurpose = new(uint.MaxValue);

    private sealed record StreamKeys(byte[][] Seeds, byte[][] Keys);

    private StreamKeys? _streamKeys;

    /// <summary>The owner's two components of its input, written into <paramref name="shares"/>; returns the third.</summary>
    private ulong[] OwnerComponents(ReadOnlySpan<Z2kPair> values, Z2kPair[] shares, StreamTag tag)
    {
        int n = shares.Length;
        var own = new ulong[n];
        var next = new ulong[n];
        using (var prg = PairStream(Previous, tag)) prg.Fill<ulong>(own);
        using (var prg = PairStream(Next, tag)) prg.Fill<ulong>(next);
        var third = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            third[i] = unchecked(values[i].First - own[i] - next[i]);
            shares[i] = new Z2kPair(own[i], next[i]);
        }
        return third;
    }

    private static ulong[] FirstComponents(Z2kPair[] shares)
    {
        var first = new ulong[shares.Length];
        for (int i = 0; i < first.Length; i++) first[i] = shares[i].First;
        return first;
    }

    private void CheckParty(int party, string name)
    {
        if ((uint)party >= 3u) throw new ArgumentOutOfRangeException(name, party, "Parties are numbered 0 to 2.");
    }
}
