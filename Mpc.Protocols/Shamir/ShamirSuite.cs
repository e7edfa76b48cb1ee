using System.Runtime.CompilerServices;
using Mpc.Core.Arithmetic;
using Mpc.Core.Sharing;
using Mpc.Net;
using Mpc.Protocols.Common;
using Mpc.Protocols.Shamir.Internal;

namespace Mpc.Protocols.Shamir;

/// <summary>
/// Shamir t-out-of-n sharing over a prime field (2^127-1 for fixed point): N >= 3, t &lt; N/2, semi-honest,
/// no trusted party and no preprocessing source.
/// </summary>
/// <remarks>
/// <para>Input: the owner deals shares, one round. Open: all-to-all exchange, reconstructed from every share with
/// a consistency check (all n shares must lie on one degree-t polynomial), one round.</para>
/// <para>Multiplication: the local product is a degree-2t sharing; the first 2t + 1 parties reshare it (Gennaro,
/// Rabin and Rabin 1998), each dealing compressed by pairwise keys, and everyone combines with the Lagrange weights
/// at zero: one round, N - 1 - t elements per party. Double sharings drawn ahead
/// (<see cref="PrepareMultiplicationMasksAsync"/>, by pseudo-random secret sharing) are used instead when present
/// ([r] of degree 2t, [r] of degree t: Damgard and Nielsen 2007; product + [r]_2t opened, [r]_t subtracted), which
/// sends fewer elements online for long vectors. Matrix products reduce only the rows x columns result, so traffic
/// does not grow with the inner dimension.</para>
/// <para>Truncation: Catrina and Saxena (FC 2010) probabilistic truncation; see <see cref="TruncateAsync"/>.</para>
/// <para>Comparison: one opening of x + R, then a binary adder over bits shared in GF(2^8), with masks (edaBits and
/// daBits) dealt by parties 0..t; see <see cref="LessThanZeroAsync"/>. Masks made ahead (truncation masks in batches,
/// comparison masks once a width repeats) are kept until <see cref="DiscardPreparedMasks"/>.</para>
/// </remarks>
public sealed partial class ShamirSuite<T> : IArithmeticSuite<T>, IFusedTruncation<T> where T : unmanaged, IPrimeField<T>
{
    private readonly Session _session;
    private readonly ShamirEngine<T> _engine; // its Scheme has degree t, its ProductScheme 2t (products, their masks)
    private readonly ConditionalWeakTable<ReusableMatrix<T>, T[]> _prepared = new(); // my shares of each prepared matrix

    /// <summary>A suite for the session's N parties with threshold t (default: the largest t with 2t &lt; N).</summary>
    /// <param name="session">The session.</param>
    /// <param name="threshold">t; at most t parties may collude. Null picks floor((N - 1) / 2).</param>
    /// <param name="statisticalSecurity">Bits of statistical hiding for truncation masks (at least 40).</param>
    /// <param name="truncation">How truncation masks are drawn.</param>
    public ShamirSuite(Session session, int? threshold = null, int statisticalSecurity = 40,
        ShamirTruncation truncation = ShamirTruncation.SummedMasks)
    {
        int n = session.PartyCount, t = ResolveThreshold(n, threshold);
        if (statisticalSecurity < 40)
            throw new ArgumentOutOfRangeException(nameof(statisticalSecurity), statisticalSecurity,
                "Statistical security below 40 bits is refused.");

        _session = session;
        _engine = new ShamirEngine<T>(session, t);
        StatisticalSecurity = statisticalSecurity;
        Truncation = truncation;
        TruncationErrorBound = truncation == ShamirTruncation.RandomBits ? 1 : (t + 2) / 2;

        // Truncation masks y + r' + 2^m r'' must stay below p: y < 2^k, r'' a sum of N terms below 2^(k+s-m).
        int headroom = statisticalSecurity + (int)Math.Ceiling(Math.Log2(n)) + 2;
        TruncationInputBits = (int)(T.Modulus - 1).GetBitLength() - 1 - headroom;
        if (TruncationInputBits < 8)
            throw new ArgumentException(
                $"{typeof(T).Name} is too small for truncation with {statisticalSecurity}-bit masks; use Mersenne127.");
    }

    /// <summary>Tests only: see <see cref="ShamirEngine{T}.ProductTamper"/> (products reduced by resharing).</summary>
    internal Action<T[]>? ProductTamper
    {
        get => _engine.ProductTamper;
        set => _engine.ProductTamper = value;
    }

    /// <summary>
    /// t for <paramref name="parties"/> parties: <paramref name="threshold"/>, or the largest t with 2t &lt; N; refused
    /// below 3 parties or outside 1 &lt;= t &lt; N/2.
    /// </summary>
    internal static int ResolveThreshold(int parties, int? threshold)
    {
        int t = threshold ?? (parties - 1) / 2;
        if (parties < 3) throw new ArgumentException($"The Shamir suite needs at least 3 parties; this session has {parties}.");
        if (t < 1 || 2 * t >= parties)
            throw new ArgumentOutOfRangeException(nameof(threshold), t, $"The Shamir suite needs 1 <= t < N/2 = {parties / 2.0}.");
        return t;
    }

    /// <inheritdoc />
    public Session Session => _session;

    /// <inheritdoc />
    public string Name => "shamir";

    /// <summary>t: the number of parties that may collude.</summary>
    public int Threshold => _engine.Scheme.Threshold;

    /// <summary>Bits of statistical security of truncation masks.</summary>
    public int StatisticalSecurity { get; }

    /// <inheritdoc />
    public int TruncationInputBits { get; }

    /// <summary>How truncation masks are drawn.</summary>
    public ShamirTruncation Truncation { get; }

    /// <inheritdoc />
    public int TruncationErrorBound { get; }

    /// <inheritdoc />
    /// <remarks>
    /// With the default truncation: the product's degree-2t shares are truncated by one opening. Not with random-bit
    /// truncation, whose masks are made as it goes (products of random bits): the product, then the truncation.
    /// </remarks>
    public IFusedTruncation<T>? FusedTruncation => Truncation == ShamirTruncation.RandomBits ? null : this;

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> InputAsync(int owner, ReadOnlyMemory<T> values, int length, CancellationToken ct = default)
    {
        CheckParty(owner, nameof(owner));
        return new(await _engine.InputAsync(owner, values, length, ct).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public ValueTask<T[]> OpenAsync(SharedVector<T> x, CancellationToken ct = default) => _engine.OpenAsync(x.Shares, ct);

    /// <summary>
    /// Shorter vectors than this open all-to-all in one round; longer ones by <see cref="ScatteredOpening"/>, in two
    /// rounds with each party the king of one segment. Settable for tests.
    /// </summary>
    internal int ScatteredOpeningMinimum
    {
        get => _engine.ScatteredOpeningMinimum;
        init => _engine.ScatteredOpeningMinimum = value;
    }

    /// <inheritdoc />
    public async ValueTask<T[]?> OpenToAsync(int receiver, SharedVector<T> x, CancellationToken ct = default)
    {
        CheckParty(receiver, nameof(receiver));
        var tag = _session.NextTag();
        var network = _session.Network;
        int n = _session.PartyCount, length = x.Length;
        // Round 1: everyone sends its share to the receiver.
        if (_session.PartyId != receiver)
        {
            await network.SendAsync<T>(receiver, tag, x.Shares, ct).ConfigureAwait(false);
            network.CountRound();
            return null;
        }
        var all = new T[n * length];
        x.Shares.CopyTo(all, receiver * length);
        var receives = new List<Task>();
        for (int p = 0; p < n; p++)
            if (p != receiver)
                receives.Add(network.ReceiveAsync<T>(p, tag, all.AsMemory(p * length, length), ct).AsTask());
        await Task.WhenAll(receives).ConfigureAwait(false);
        network.CountRound();
        var result = new T[length];
        _engine.Scheme.ReconstructChecked(_engine.AllParties, all, result);
        return result;
    }

    /// <inheritdoc />
    public SharedVector<T> Constant(ReadOnlySpan<T> values) => new(values.ToArray()); // the constant polynomial

    /// <inheritdoc />
    public SharedVector<T> Add(SharedVector<T> x, SharedVector<T> y) => LocalOperations.Add(x, y);

    /// <inheritdoc />
    public SharedVector<T> Subtract(SharedVector<T> x, SharedVector<T> y) => LocalOperations.Subtract(x, y);

    /// <inheritdoc />
    public SharedVector<T> AddPublic(SharedVector<T> x, ReadOnlySpan<T> c)
    {
        var z = new T[x.Length];
        VectorMath.Add<T>(x.Shares, c, z);
        return new(z);
    }

    /// <inheritdoc />
    public SharedVector<T> MultiplyPublic(SharedVector<T> x, ReadOnlySpan<T> c) => LocalOperations.MultiplyPublic(x, c);

    /// <inheritdoc />
    public SharedVector<T> Scale(SharedVector<T> x, T c) => LocalOperations.Scale(x, c);

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> MultiplyAsync(SharedVector<T> x, SharedVector<T> y, CancellationToken ct = default)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        var product = GC.AllocateUninitializedArray<T>(x.Length);
        VectorMath.Multiply<T>(x.Shares, y.Shares, product); // degree 2t
        return new(await ReduceProductAsync(product, ct).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner, int columns,
        CancellationToken ct = default)
    {
        if (x.Length != rows * inner || y.Length != inner * columns)
            throw new ArgumentException(
                $"Matrix product of {x.Length} and {y.Length} elements does not fit {rows}x{inner} times {inner}x{columns}.");
        var product = new T[rows * columns];
        VectorMath.MatrixMultiply<T>(x.Shares, y.Shares, product, rows, inner, columns); // sums of degree-2t products
        return new(await ReduceProductAsync(product, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// Keeps the shares: a Shamir product needs no masking (the local product is reduced or truncated afterwards),
    /// so preparing costs no round.
    /// </summary>
    public ValueTask<ReusableMatrix<T>> PrepareMatrixAsync(SharedVector<T> x, int rows, int columns, CancellationToken ct = default)
    {
        if (rows < 0 || columns < 0 || x.Length != (long)rows * columns)
            throw new ArgumentException($"A {rows}x{columns} matrix needs {(long)rows * columns} elements, got {x.Length}.");
        var matrix = new ReusableMatrix<T>(rows, columns);
        _prepared.Add(matrix, x.Shares);
        return ValueTask.FromResult(matrix);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> MatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        new(await ReduceProductAsync(LocalProduct(x, y, columns, transposed: false), ct).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        new(await ReduceProductAsync(LocalProduct(x, y, columns, transposed: true), ct).ConfigureAwait(false));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits,
        CancellationToken ct = default) =>
        ProductAndTruncateAsync(x, y, columns, bits, transposed: false, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        int bits, CancellationToken ct = default) =>
        ProductAndTruncateAsync(x, y, columns, bits, transposed: true, ct);

    private async ValueTask<SharedVector<T>> ProductAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits,
        bool transposed, CancellationToken ct)
    {
        CheckShift(bits);
        var product = LocalProduct(x, y, columns, transposed); // degree 2t
        if (bits == 0 || Truncation == ShamirTruncation.RandomBits)
            return await TruncateAsync(new(await ReduceProductAsync(product, ct).ConfigureAwait(false)),
                bits, ct).ConfigureAwait(false);
        return new(await OpenTruncatedAsync(product, bits, ct).ConfigureAwait(false));
    }

    // op(X) Y on my shares: a degree-2t sharing of the product.
    private T[] LocalProduct(ReusableMatrix<T> x, SharedVector<T> y, int columns, bool transposed)
    {
        if (!_prepared.TryGetValue(x.Whole, out var shares))
            throw new ArgumentException("This matrix was not prepared by this suite.", nameof(x));
        return x.LocalProduct(shares, y.Shares, columns, transposed);
    }

    private void CheckParty(int party, string name)
    {
        if ((uint)party >= (uint)_session.PartyCount)
            throw new ArgumentOutOfRangeException(name, party, $"Parties are numbered 0 to {_session.PartyCount - 1}.");
    }
}
