using System.Runtime.CompilerServices;
using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Net;
using Mpc.Protocols.Common;
using Mpc.Protocols.Shamir;
using Mpc.Protocols.Shamir.Internal;

namespace Mpc.Protocols.Malicious;

/// <summary>
/// Shamir t-out-of-n sharing over a prime field with active security with abort for an honest majority (t &lt; N/2):
/// the SPDZ-wise MACs of Chida, Genkin, Hamada, Ikarashi, Kikuchi, Lindell and Nof ("Fast large-scale honest-majority
/// MPC for malicious adversaries", CRYPTO 2018). A party that deviates in any message makes the run stop before any
/// output is released; some deviations name the party (<see cref="CheatingDetectedException.Culprit"/>).
/// </summary>
/// <remarks>
/// <para>Every value x is held with a sharing of r x for a secret MAC key r (a pseudo-random sharing nobody knows).
/// Linear operations act on both; a public constant c carries c [r]. A product computes x y and (r x) y in the same
/// resharing round (GRR degree reduction, as the semi-honest suite), so it costs one round and twice the traffic.</para>
/// <para>The semi-honest product is secure up to additive (and, for inconsistent inputs, linear) attacks (Genkin,
/// Ishai, Prabhakaran, Sahai and Tromer, STOC 2014): a cheater can only add errors it chooses without knowing r. So
/// before any output, <see cref="VerifyAsync"/> checks every product and input made since the last check at once:
/// with coins opened after they were all fixed, u = sum a_k [r z_k] and w = sum a_k [z_k], and the parties open
/// [u] - [r][w], which is zero unless some error was added. The coefficients a_k are uniform below 2^64 (cheaper to
/// draw and multiply than field elements): errors d_k = e'_k - r e_k that are not all zero sum to zero with probability
/// at most 2^-64 (the coefficient of one non-zero d_k must hit one value), and all d_k vanish with some e_k non-zero
/// only if the errors guessed r (1/p); a wrong final product [r][w] would have to guess r too. So a cheat passes with
/// probability below 2^-63, one check per batch. With N &gt; 2t + 1 the same coins also open a random combination of
/// those sharings, masked, and check its degree: honest shares off a degree-t polynomial pass with probability at most
/// 2^-64. (With N = 2t + 1 the t + 1 honest shares always define one such polynomial.)</para>
/// <para>Every opening sends every share to every party and checks that they lie on one polynomial of the sharing's
/// degree (n &gt;= t + 1 + t: the honest shares fix it, so a wrong share is always seen); opened outputs are then
/// compared by digest, so one honest party's detection stops the others' release. Inputs: the parties open a random
/// [rho] to the owner, who sends rho's masked input v - rho to all; the digests of these messages are compared in the
/// check. Rounds: input 2 (the MAC of rho in the first), product 1, output opening 3 for the check (coins; degree
/// check beside the product [r][w]; the zero opening), then 2 (the opening and its digest).</para>
/// <para>Truncation and comparison open values masked by random numbers no party can push out of range, as it could
/// deal one in the semi-honest suite: the low part made of authenticated random bits (the square-root trick), the
/// high part a pseudo-random sum of bounded integers from keys every honest party holds; see
/// <see cref="TruncateAsync"/> and <see cref="LessThanZeroAsync"/>. Their cost is in the bits: m per element
/// truncated by m bits and b - 1 per b-bit comparison, a reduction, an opening and a square root each; the high
/// part costs one product (its MAC).</para>
/// </remarks>
public sealed partial class MaliciousShamirSuite<T> : IArithmeticSuite<T>, IFusedTruncation<T> where T : unmanaged, IPrimeField<T>
{
    private readonly Session _session;
    private readonly ShamirEngine<T> _engine;
    private readonly T _key; // my share of the MAC key r
    private readonly ConditionalWeakTable<ReusableMatrix<T>, SharedVector<T>> _prepared = new();
    private List<Task<(T[] Values, T[] Macs)>> _pending = []; // sharings to check, in program order
    private List<Task<T[]>> _broadcasts = [];                   // masked inputs every party must have alike, in order
    private List<Task<(T[] A, T[] AMacs, T[] Squares)>> _squares = []; // squares opened for random bits, to confirm

    private MaliciousShamirSuite(Session session, ShamirEngine<T> engine, T key)
    {
        _session = session;
        _engine = engine;
        _key = key;
    }

    /// <summary>
    /// A suite for the session's N parties with threshold t (default: the largest t with 2t &lt; N). Hands out the
    /// pseudo-random sharing and resharing keys and draws the MAC key: two rounds.
    /// </summary>
    public static async ValueTask<MaliciousShamirSuite<T>> CreateAsync(Session session, int? threshold = null,
        CancellationToken ct = default)
    {
        int t = ShamirSuite<T>.ResolveThreshold(session.PartyCount, threshold);
        // The engine opens only masked products through kings (a lie there is caught by the check); outputs and the check's
        // own openings are all-to-all (OpenCheckedAsync).
        var engine = new ShamirEngine<T>(session, t);
        var keys = engine.EstablishResharingKeysAsync(ct);
        var key = await engine.RandomsAsync(1, ct).ConfigureAwait(false);
        await keys.ConfigureAwait(false);
        return new MaliciousShamirSuite<T>(session, engine, key[0]);
    }

    /// <summary>
    /// Tests only: changes my local (degree-2t) products before they are reduced, the values and their MACs, as a party
    /// that computes a wrong product or MAC and then follows the protocol would.
    /// </summary>
    internal Action<T[], T[]>? ProductTamper { get; set; }

    /// <summary>
    /// False only in tests: inputs masked by zero instead of a random [rho], so the owner sends its values in the clear
    /// (a deliberately broken variant for the view tests; results stay right).
    /// </summary>
    internal bool RandomInputMasks { get; set; } = true;

    /// <summary>Tests only: changes my local share of a^2 for the random bits (degree 2t) before it is reduced.</summary>
    internal Action<T[]>? SquareTamper { get; set; }

    /// <summary>
    /// Tests only: changes my local (degree-2t) share of the MAC r r'' of a mask's bounded high part before it is
    /// reduced, as a party that reshares a wrong MAC would.
    /// </summary>
    internal Action<T[]>? MaskMacTamper { get; set; }

    /// <summary>
    /// Tests only: the bits of each term of a truncation mask's high part r'' instead of k + s - m (a deliberately
    /// broken variant when too small: the opened value then shows the truncated one).
    /// </summary>
    internal int? HighMaskBits { get; set; }

    /// <summary>Tests only: sees every value this party opens with its check (what it opens, the values).</summary>
    internal Action<string, T[]>? OpenedTap { get; set; }

    /// <summary>
    /// Tests only: changes what this party sends in the suite's own messages (a copy: the kind, the receiver, the
    /// elements), as a party that lies in them would.
    /// </summary>
    internal Func<SentMessage, int, T[], T[]>? SendTamper { get; set; }

    private ReadOnlyMemory<T> Outgoing(SentMessage kind, int receiver, ReadOnlyMemory<T> elements) =>
        SendTamper is { } tamper ? tamper(kind, receiver, elements.ToArray()) : elements;

    /// <inheritdoc />
    public Session Session => _session;

    /// <inheritdoc />
    public string Name => "shamir";

    /// <inheritdoc />
    /// <remarks>The product, then the truncation, as one operation that takes every tag when it starts.</remarks>
    public IFusedTruncation<T>? FusedTruncation => this;

    /// <summary>t: the number of parties that may collude, and cheat.</summary>
    public int Threshold => _engine.Scheme.Threshold;

    /// <summary>Elements of products and inputs made since the last <see cref="VerifyAsync"/>, still to be checked.</summary>
    public long Unchecked { get; private set; }

    private int Me => _session.PartyId;

    private IPartyNetwork Network => _session.Network;

    /// <summary>
    /// The owner's values, shared through a random [rho] opened to the owner (checked there against every share) and
    /// the masked value v - rho sent to all (compared by digest in the next check). Two rounds; the MAC of rho is
    /// computed in the first.
    /// </summary>
    public async ValueTask<SharedVector<T>> InputAsync(int owner, ReadOnlyMemory<T> values, int length, CancellationToken ct = default)
    {
        CheckParty(owner, nameof(owner));
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (Me == owner && values.Length != length)
            throw new ArgumentException($"Party {owner} inputs {values.Length} values where the program says {length}.", nameof(values));
        // Every tag now, in program order.
        var rho = RandomInputMasks ? _engine.RandomsAsync(length, ct).AsTask() : Task.FromResult(new T[length]);
        var openTag = _session.NextTag();
        var sendTag = _session.NextTag();
        var rhoMac = _engine.ReduceAsync(KeyProductAsync(rho), ct, beside: true).AsTask();
        var checkedPair = PairAsync(rho, rhoMac);
        Track(checkedPair, length);
        var masked = MaskedInputAsync(owner, values, length, rho, openTag, sendTag, ct);
        _broadcasts.Add(masked);

        var (rhoShares, rhoMacs) = await checkedPair.ConfigureAwait(false);
        var d = await masked.ConfigureAwait(false);
        var shares = new T[length];
        var macs = new T[length];
        VectorMath.Add<T>(rhoShares, d, shares); // d is public: a constant added to [rho]
        rhoMacs.CopyTo(macs, 0);
        VectorMath.AddScaled<T>(d, _key, macs);
        return new SharedVector<T>(shares, macs);
    }

    // Round 1: everyone sends the owner its share of rho (checked there). Round 2: the owner sends v - rho to all.
    private async Task<T[]> MaskedInputAsync(int owner, ReadOnlyMemory<T> values, int length, Task<T[]> rho,
        StreamTag openTag, StreamTag sendTag, CancellationToken ct)
    {
        var rhoShares = await rho.ConfigureAwait(false);
        if (Me != owner)
        {
            await Network.SendAsync<T>(owner, openTag, Outgoing(SentMessage.InputMaskShare, owner, rhoShares), ct)
                .ConfigureAwait(false);
            Network.CountRound();
            var d = new T[length];
            await Network.ReceiveAsync<T>(owner, sendTag, d, ct).ConfigureAwait(false);
            Network.CountRound();
            RequireElements(d, owner, "an input's masked value");
            return d;
        }
        var opened = await ReceiveAllAndReconstructAsync(rhoShares, openTag, "the mask of an input", ct).ConfigureAwait(false);
        Network.CountRound();
        var masked = new T[length];
        VectorMath.Subtract<T>(values.Span, opened, masked);
        var sends = new List<Task>();
        for (int p = 0; p < _session.PartyCount; p++)
            if (p != owner) sends.Add(Network.SendAsync<T>(p, sendTag, Outgoing(SentMessage.MaskedInput, p, masked), ct).AsTask());
        await Task.WhenAll(sends).ConfigureAwait(false);
        Network.CountRound();
        return masked;
    }

    /// <summary>
    /// Checks every product and input made since the last check (see the remarks on the class), then reveals the
    /// values with every share checked, and releases them only once every party has said it got the same. Five rounds.
    /// </summary>
    public async ValueTask<T[]> OpenAsync(SharedVector<T> x, CancellationToken ct = default)
    {
        Require(x, nameof(x));
        var verification = VerifyAsync(ct);
        var openTag = _session.NextTag();
        var agreeTag = _session.NextTag();
        await verification.ConfigureAwait(false);
        var opened = await OpenCheckedAsync(x.Shares, openTag, "an output", ct, attributable: true).ConfigureAwait(false);
        await AgreeAsync(opened, agreeTag, ct).ConfigureAwait(false);
        return opened;
    }

    /// <summary>
    /// Checks as <see cref="OpenAsync"/>, then reveals the values to <paramref name="receiver"/> only, who checks every
    /// share; others get null. Four rounds.
    /// </summary>
    public async ValueTask<T[]?> OpenToAsync(int receiver, SharedVector<T> x, CancellationToken ct = default)
    {
        CheckParty(receiver, nameof(receiver));
        Require(x, nameof(x));
        var verification = VerifyAsync(ct);
        var tag = _session.NextTag();
        await verification.ConfigureAwait(false);
        if (Me != receiver)
        {
            await Network.SendAsync<T>(receiver, tag, Outgoing(SentMessage.OpeningShare, receiver, x.Shares), ct).ConfigureAwait(false);
            Network.CountRound();
            return null;
        }
        var opened = await ReceiveAllAndReconstructAsync(x.Shares, tag, "an output", ct, attributable: true).ConfigureAwait(false);
        Network.CountRound();
        return opened;
    }

    /// <inheritdoc />
    public SharedVector<T> Constant(ReadOnlySpan<T> values)
    {
        var macs = new T[values.Length];
        VectorMath.Scale<T>(values, _key, macs); // c [r]
        return new SharedVector<T>(values.ToArray(), macs);
    }

    /// <inheritdoc />
    public SharedVector<T> Add(SharedVector<T> x, SharedVector<T> y)
    {
        Require(x, nameof(x));
        Require(y, nameof(y));
        return LocalOperations.Add(x, y);
    }

    /// <inheritdoc />
    public SharedVector<T> Subtract(SharedVector<T> x, SharedVector<T> y)
    {
        Require(x, nameof(x));
        Require(y, nameof(y));
        return LocalOperations.Subtract(x, y);
    }

    /// <inheritdoc />
    public SharedVector<T> AddPublic(SharedVector<T> x, ReadOnlySpan<T> c)
    {
        Require(x, nameof(x));
        if (c.Length != x.Length) throw new ArgumentException($"Adding {c.Length} public values to {x.Length} shares.", nameof(c));
        var shares = new T[x.Length];
        VectorMath.Add<T>(x.Shares, c, shares);
        var macs = (T[])x.Macs!.Clone();
        VectorMath.AddScaled<T>(c, _key, macs);
        return new(shares, macs);
    }

    /// <inheritdoc />
    public SharedVector<T> MultiplyPublic(SharedVector<T> x, ReadOnlySpan<T> c)
    {
        Require(x, nameof(x));
        return LocalOperations.MultiplyPublic(x, c);
    }

    /// <inheritdoc />
    public SharedVector<T> Scale(SharedVector<T> x, T c)
    {
        Require(x, nameof(x));
        return LocalOperations.Scale(x, c);
    }

    /// <summary>x y and its MAC (r x) y, reduced in one resharing round. One round, twice the semi-honest traffic.</summary>
    public ValueTask<SharedVector<T>> MultiplyAsync(SharedVector<T> x, SharedVector<T> y, CancellationToken ct = default)
    {
        Require(x, nameof(x));
        Require(y, nameof(y));
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        int n = x.Length;
        var values = GC.AllocateUninitializedArray<T>(n);
        var macs = GC.AllocateUninitializedArray<T>(n);
        VectorMath.Multiply<T>(x.Shares, y.Shares, values);
        VectorMath.Multiply<T>(x.Macs!, y.Shares, macs);
        return ReduceTrackedAsync(values, macs, ct);
    }

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner, int columns,
        CancellationToken ct = default)
    {
        Require(x, nameof(x));
        Require(y, nameof(y));
        if (x.Length != rows * inner || y.Length != inner * columns)
            throw new ArgumentException(
                $"Matrix product of {x.Length} and {y.Length} elements does not fit {rows}x{inner} times {inner}x{columns}.");
        var values = new T[rows * columns];
        var macs = new T[rows * columns];
        VectorMath.MatrixMultiply<T>(x.Shares, y.Shares, values, rows, inner, columns);
        VectorMath.MatrixMultiply<T>(x.Macs!, y.Shares, macs, rows, inner, columns);
        return ReduceTrackedAsync(values, macs, ct);
    }

    /// <summary>Keeps the shares and their MACs: no round.</summary>
    public ValueTask<ReusableMatrix<T>> PrepareMatrixAsync(SharedVector<T> x, int rows, int columns, CancellationToken ct = default)
    {
        Require(x, nameof(x));
        if (rows < 0 || columns < 0 || x.Length != (long)rows * columns)
            throw new ArgumentException($"A {rows}x{columns} matrix needs {(long)rows * columns} elements, got {x.Length}.");
        var matrix = new ReusableMatrix<T>(rows, columns);
        _prepared.Add(matrix, x);
        return ValueTask.FromResult(matrix);
    }

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        PreparedProductAsync(x, y, columns, transposed: false, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        PreparedProductAsync(x, y, columns, transposed: true, ct);

    private ValueTask<SharedVector<T>> PreparedProductAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, bool transposed,
        CancellationToken ct)
    {
        Require(y, nameof(y));
        if (!_prepared.TryGetValue(x.Whole, out var whole))
            throw new ArgumentException("This matrix was not prepared by this suite.", nameof(x));
        var values = x.LocalProduct(whole.Shares, y.Shares, columns, transposed);
        var macs = x.LocalProduct(whole.Macs!, y.Shares, columns, transposed);
        return ReduceTrackedAsync(values, macs, ct);
    }

    /// <summary>
    /// Reduces my degree-2t shares of x y and (r x) y in one round (two reductions beside each other, each written over
    /// its input) and tracks the pair for the next check. Its tags are taken and the pair tracked now, in program order.
    /// </summary>
    private async ValueTask<SharedVector<T>> ReduceTrackedAsync(T[] values, T[] macs, CancellationToken ct)
    {
        ProductTamper?.Invoke(values, macs);
        var pair = PairAsync(ReduceAsync(values, ct, beside: false), ReduceAsync(macs, ct, beside: true));
        Track(pair, values.Length);
        var (reduced, reducedMacs) = await pair.ConfigureAwait(false);
        return new SharedVector<T>(reduced, reducedMacs);
    }

    /// <summary>
    /// A degree-2t sharing reduced to degree t: by prepared double sharings if there are enough (DN07: the masked product
    /// opened through a king per segment; a king's lie is an additive error or an inconsistency, which the check
    /// catches), else by resharing. A king that finds the shares it got off one polynomial reports cheating, naming
    /// nobody (the share that disagrees may be an honest party's, dealt wrong by a cheater).
    /// </summary>
    private async Task<T[]> ReduceAsync(T[] local, CancellationToken ct, bool beside)
    {
        var reduced = _doubleSharings is not null && _doubleSharings.TryTake(local.Length, out var masks)
            ? _engine.ReduceWithDoubleSharingAsync(local, masks, ct, beside)
            : _engine.ReduceAsync(local, ct, beside); // every tag taken by now
        try
        {
            return await reduced.ConfigureAwait(false);
        }
        catch (ShareReconstructionException)
        {
            throw new CheatingDetectedException(IntegrityCheck.OpeningConsistency, null,
                "in a product's masked value opened through a king, the shares do not lie on one polynomial of degree 2t");
        }
    }

    /// <summary>
    /// Draws double sharings for <paramref name="count"/> products now (input-independent, by pseudo-random secret
    /// sharing: no round once the keys are out); later products use them in order, each once, for the value and for
    /// its MAC, and reshare beyond them.
    /// </summary>
    public async ValueTask PrepareMultiplicationMasksAsync(int count, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var (wide, narrow) = await _engine.DoubleRandomsAsync(2 * count, ct).ConfigureAwait(false);
        _doubleSharings = new PreparedPairs<T>(wide, narrow);
    }

    private PreparedPairs<T>? _doubleSharings;

    private static async Task<(T[] Values, T[] Macs)> PairAsync(Task<T[]> values, Task<T[]> macs) =>
        (await values.ConfigureAwait(false), await macs.ConfigureAwait(false));

    // My shares of [r] x (degree 2t) for x still being drawn: the MAC of a random value, once reduced.
    private async ValueTask<T[]> KeyProductAsync(Task<T[]> x)
    {
        var shares = await x.ConfigureAwait(false);
        var product = new T[shares.Length];
        VectorMath.Scale<T>(shares, _key, product);
        return product;
    }

    private void Track(Task<(T[] Values, T[] Macs)> pair, int length)
    {
        _pending.Add(pair);
        Unchecked += length;
    }

    /// <summary>Refuses a vector that carries no MAC: one made by another suite, or wrapped from raw shares.</summary>
    private static void Require(SharedVector<T> x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Macs is null)
            throw new ArgumentException("This vector has no MAC: it was not made by the actively secure suite " +
                "(SharedVector.FromShares and other suites' vectors cannot enter it).", name);
    }

    private void CheckParty(int party, string name)
    {
        if ((uint)party >= (uint)_session.PartyCount)
            throw new ArgumentOutOfRangeException(name, party, $"Parties are numbered 0 to {_session.PartyCount - 1}.");
    }
}

/// <summary>The messages of <see cref="MaliciousShamirSuite{T}"/> a test may make a party lie in.</summary>
internal enum SentMessage
{
    /// <summary>A share of an input's random mask, sent to the input's owner.</summary>
    InputMaskShare,

    /// <summary>The owner's masked input, sent to every party.</summary>
    MaskedInput,

    /// <summary>A share in any opening: outputs, and the check's coin, degree and zero openings.</summary>
    OpeningShare,
}
