using System.Buffers;
using System.Runtime.CompilerServices;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Protocols.Additive;

/// <summary>
/// Additive n-out-of-n sharing over Z_2^64 with Beaver multiplication: any N >= 2, semi-honest, secure against
/// up to N - 1 corrupt parties (given preprocessing that is).
/// </summary>
/// <remarks>
/// <para>Inputs are PRG-compressed: every non-owner's share comes from the PRG it shares with the owner, so an
/// input costs no communication. Openings are one all-to-all exchange; for N &gt; 2 and vectors of
/// <see cref="ScatteredOpeningMinimum"/> elements or more, a reduce-scatter and an all-gather instead (two rounds,
/// 2 (N - 1) / N of the vector sent per party instead of N - 1 times it), as bandwidth, not latency, bounds those.</para>
/// <para>Multiplication: Beaver (1991), one opening. Matrix products: SecureML matrix triples (Mohassel and Zhang
/// 2017), one round, traffic proportional to the operands. Truncation: see <see cref="AdditiveTruncation"/>.</para>
/// <para>Comparison (<see cref="LessThanZeroAsync"/>): with <see cref="ComparisonMethod.BitDecomposition"/> (the
/// default, any N), dealer bit masks and a bitwise less-than: 1 opening round plus the bitwise comparison's
/// ⌈log2(l - 1)⌉ + 1 multiplication rounds. With <see cref="ComparisonMethod.GarbledCircuit"/> (N = 2 only), a
/// garbled circuit through a <see cref="Garbling.YaoBridge"/> created on first use (base OTs, 2 rounds, once): two
/// messages per comparison, whatever l. The bridge lives as long as the suite, which does not dispose it.</para>
/// </remarks>
/// <param name="session">The session.</param>
/// <param name="preprocessing">The source of triples and masks.</param>
/// <param name="truncation">The truncation protocol.</param>
/// <param name="comparison">The comparison protocol; <see cref="ComparisonMethod.GarbledCircuit"/> needs two parties.</param>
public sealed class AdditiveSuite(Session session, IAdditivePreprocessing preprocessing,
    AdditiveTruncation truncation = AdditiveTruncation.MaskedWithWrapCorrection,
    ComparisonMethod comparison = ComparisonMethod.BitDecomposition) : IArithmeticSuite<Z2k>
{
    private readonly ComparisonMethod _comparison = comparison == ComparisonMethod.GarbledCircuit && session.PartyCount != 2
        ? throw new ArgumentException($"Garbled-circuit comparison needs two parties; the session has {session.PartyCount}.", nameof(comparison))
        : comparison;

    private Task<Garbling.YaoBridge>? _bridge;

    private const ulong Low63 = (1UL << 63) - 1;

    // Packed-bit material for comparisons, when the preprocessing source offers it.
    private readonly IBinaryPreprocessing? _binary = preprocessing as IBinaryPreprocessing;
    private readonly IPowerPreprocessing? _powers = preprocessing as IPowerPreprocessing;

    // Matrices this suite prepared, with their opened masked values and masks.
    private readonly ConditionalWeakTable<ReusableMatrix<Z2k>, Internal.PreparedMatrix> _prepared = new();

    /// <inheritdoc />
    public Session Session => session;

    /// <inheritdoc />
    public string Name => "additive";

    /// <summary>The source of triples and masks.</summary>
    public IAdditivePreprocessing Preprocessing => preprocessing;

    /// <inheritdoc />
    public int TruncationInputBits => 63;

    /// <summary>The comparison protocol this suite uses.</summary>
    public ComparisonMethod ComparisonMethod => _comparison;

    /// <inheritdoc />
    public int TruncationErrorBound => 1;

    /// <summary>
    /// True with packed comparison material (<see cref="IBinaryPreprocessing"/>): that comparison takes all its tags up
    /// front, and every opening here is masked by a value uniform over the whole ring, whatever the input.
    /// </summary>
    public bool AllowsSpeculativeEvaluation => _binary is not null;

    private bool IsLeader => session.PartyId == 0;

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> InputAsync(int owner, ReadOnlyMemory<Z2k> values, int length, CancellationToken ct = default)
    {
        CheckParty(owner, nameof(owner));
        var tag = session.NextTag();
        var mine = new Z2k[length];
        if (session.PartyId == owner)
        {
            if (values.Length != length)
                throw new ArgumentException($"Party {owner} inputs {values.Length} values where the program says {length}.", nameof(values));
            values.Span.CopyTo(mine);
            var derived = new Z2k[length];
            for (int p = 0; p < session.PartyCount; p++)
            {
                if (p == owner) continue;
                using var prg = session.SharedPrg(p, tag);
                prg.FillUniform<Z2k>(derived);
                VectorMath.Subtract<Z2k>(mine, derived, mine);
            }
        }
        else
        {
            using var prg = session.SharedPrg(owner, tag);
            prg.FillUniform<Z2k>(mine);
        }
        return ValueTask.FromResult(new SharedVector<Z2k>(mine));
    }

    /// <inheritdoc />
    public async ValueTask<Z2k[]> OpenAsync(SharedVector<Z2k> x, CancellationToken ct = default)
    {
        var tag = session.NextTag();
        return await OpenSharesAsync(x.Shares, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Z2k[]?> OpenToAsync(int receiver, SharedVector<Z2k> x, CancellationToken ct = default)
    {
        CheckParty(receiver, nameof(receiver));
        var tag = session.NextTag();
        var network = session.Network;
        // Round 1: everyone sends its share to the receiver.
        if (session.PartyId != receiver)
        {
            await network.SendAsync<Z2k>(receiver, tag, x.Shares, ct).ConfigureAwait(false);
            network.CountRound();
            return null;
        }
        var sum = (Z2k[])x.Shares.Clone();
        var incoming = new Z2k[x.Length];
        for (int p = 0; p < session.PartyCount; p++)
        {
            if (p == receiver) continue;
            await network.ReceiveAsync<Z2k>(p, tag, incoming, ct).ConfigureAwait(false);
            VectorMath.Add<Z2k>(sum, incoming, sum);
        }
        network.CountRound();
        return sum;
    }

    /// <inheritdoc />
    public SharedVector<Z2k> Constant(ReadOnlySpan<Z2k> values) => new(IsLeader ? values.ToArray() : new Z2k[values.Length]);

    /// <inheritdoc />
    public SharedVector<Z2k> Add(SharedVector<Z2k> x, SharedVector<Z2k> y) => Mpc.Protocols.Internal.LocalOperations.Add(x, y);

    /// <inheritdoc />
    public SharedVector<Z2k> Subtract(SharedVector<Z2k> x, SharedVector<Z2k> y) => Mpc.Protocols.Internal.LocalOperations.Subtract(x, y);

    /// <inheritdoc />
    public SharedVector<Z2k> AddPublic(SharedVector<Z2k> x, ReadOnlySpan<Z2k> c)
    {
        var z = (Z2k[])x.Shares.Clone();
        if (IsLeader) VectorMath.Add<Z2k>(z, c, z);
        else if (c.Length != z.Length) throw new ArgumentException($"Adding {c.Length} public values to {z.Length} shares.", nameof(c));
        return new(z);
    }

    /// <inheritdoc />
    public SharedVector<Z2k> MultiplyPublic(SharedVector<Z2k> x, ReadOnlySpan<Z2k> c) => Mpc.Protocols.Internal.LocalOperations.MultiplyPublic(x, c);

    /// <inheritdoc />
    public SharedVector<Z2k> Scale(SharedVector<Z2k> x, Z2k c) => Mpc.Protocols.Internal.LocalOperations.Scale(x, c);

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2k>> MultiplyAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, CancellationToken ct = default)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Multiplying vectors of lengths {x.Length} and {y.Length}.");
        int n = x.Length;
        var tag = session.NextTag();
        var t = await preprocessing.TakeTriplesAsync(n, ct).ConfigureAwait(false);

        // Round 1: open d = x - a and e = y - b together, in a pooled buffer (a product of 10^6 elements would
        // otherwise allocate 16 MB here and (N + 1) 16 MB more in the exchange).
        var masked = ArrayPool<Z2k>.Shared.Rent(2 * n);
        VectorMath.Subtract<Z2k>(x.Shares, t.A, masked.AsSpan(0, n));
        VectorMath.Subtract<Z2k>(y.Shares, t.B, masked.AsSpan(n, n));
        await OpenSharesInPlaceAsync(masked.AsMemory(0, 2 * n), tag, ct).ConfigureAwait(false);

        // z = c + d b + e a (+ d e at the leader), since x y = (d + a)(e + b); one pass, written over c.
        var z = t.C;
        Internal.BeaverKernel.Combine(z, masked.AsSpan(0, n), masked.AsSpan(n, n), t.A, t.B, IsLeader, z);
        ArrayPool<Z2k>.Shared.Return(masked);
        return new(z);
    }

    /// <summary>
    /// x .. x^degree. With power masks (<see cref="IPowerPreprocessing"/>): open m = x + rho (uniform, as rho is), then
    /// x^k = (m - rho)^k = sum over j of C(k, j) m^(k-j) (-rho)^j, linear in the shares of rho^j; an identity of the
    /// ring, so exact mod 2^64. One round for every degree; the message is n elements, whatever the degree. Without
    /// them, the tree of <see cref="IArithmeticSuite{T}.PowersAsync"/>.
    /// </summary>
    public async ValueTask<SharedVector<Z2k>> PowersAsync(SharedVector<Z2k> x, int degree, CancellationToken ct = default)
    {
        Mpc.Protocols.Internal.PowerTree.CheckDegree(degree);
        if (_powers is null) return await Mpc.Protocols.Internal.PowerTree.PowersAsync(this, x, degree, ct).ConfigureAwait(false);
        int n = x.Length;
        var tag = session.NextTag();
        var masks = await _powers.TakePowerMasksAsync(n, degree, ct).ConfigureAwait(false);

        // Round 1: open m = x + rho.
        var masked = GC.AllocateUninitializedArray<Z2k>(n);
        VectorMath.Add<Z2k>(x.Shares, masks.Power(1), masked);
        var m = await OpenSharesAsync(masked, tag, ct).ConfigureAwait(false);

        // x = m - rho: A = m, no T term.
        var publics = new ulong[n];
        for (int e = 0; e < n; e++) publics[e] = m[e].Value;
        return new(ExpandPowers(degree, publics, slopes: null, masks.Powers, topTimesLowPowers: null));
    }

    /// <summary>
    /// The powers of t = trunc(x, bits). With truncation power masks (<see cref="IPowerPreprocessing"/>), from the
    /// truncation's single opening c: t = A + B T - L with A and B public (<see cref="TruncationTerms"/>), so, T being a bit,
    /// t^k = sum over j of C(k, j) (-1)^j (A^(k-j) L^j + ((A + B)^(k-j) - A^(k-j)) T L^j): linear in the dealt shares.
    /// One round; the same t as <see cref="TruncateAsync"/> would give for the same mask.
    /// </summary>
    public async ValueTask<SharedVector<Z2k>> TruncatedPowersAsync(SharedVector<Z2k> x, int bits, int degree, CancellationToken ct = default)
    {
        Mpc.Protocols.Internal.PowerTree.CheckDegree(degree);
        if (bits is < 0 or > 62) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Truncation shifts by 0 to 62 bits.");
        if (bits == 0) return await PowersAsync(x, degree, ct).ConfigureAwait(false);
        if (_powers is null || truncation == AdditiveTruncation.SecureMlLocal)
        {
            var truncated = TruncateAsync(x, bits, ct);
            return await PowersAsync(await truncated.ConfigureAwait(false), degree, ct).ConfigureAwait(false);
        }
        int n = x.Length;
        var tag = session.NextTag();
        var dealt = await _powers.TakeTruncationPowerMasksAsync(n, bits, degree, ct).ConfigureAwait(false);
        var masks = dealt.Masks;

        var c = await OpenForTruncationAsync(x, masks, tag, ct).ConfigureAwait(false); // as the truncation does

        var publics = new ulong[n];
        var slopes = new ulong[n];
        for (int e = 0; e < n; e++) (publics[e], slopes[e]) = TruncationTerms(c[e].Value, bits);
        ArrayPool<Z2k>.Shared.Return(c);
        return new(ExpandPowers(degree, publics, slopes, dealt.LowPowers, dealt.TopTimesLowPowers));
    }

    /// <summary>
    /// My shares of t^k, k = 1..degree (power-major), for t = A + B T - L per element with A, B public, T a shared bit and
    /// L shared: t^k = sum over j of C(k, j) (-1)^j (A^(k-j) L^j + ((A + B)^(k-j) - A^(k-j)) T L^j), where L^0 = 1 (the
    /// leader's) and the j = k term has no T part. Blocks of <paramref name="lowPowers"/> hold L^1 .. L^degree, those of
    /// <paramref name="topTimesLowPowers"/> T, T L, .. T L^(degree-1); without <paramref name="slopes"/> B = 0 and T plays no part.
    /// </summary>
    private Z2k[] ExpandPowers(int degree, ulong[] publics, ulong[]? slopes, Z2k[] lowPowers, Z2k[]? topTimesLowPowers)
    {
        int n = publics.Length;
        var binomial = SignedBinomials(degree);
        var a = new ulong[degree + 1];
        var aPlusB = new ulong[degree + 1];
        var result = new Z2k[degree * n];
        for (int e = 0; e < n; e++)
        {
            ulong publicPart = publics[e], slope = slopes is null ? 0 : slopes[e];
            a[0] = aPlusB[0] = 1;
            for (int i = 1; i <= degree; i++)
            {
                a[i] = unchecked(a[i - 1] * publicPart);
                aPlusB[i] = unchecked(aPlusB[i - 1] * (publicPart + slope));
            }
            for (int k = 1; k <= degree; k++)
            {
                // j = 0: A^k at the leader and ((A + B)^k - A^k) T.
                ulong share = IsLeader ? a[k] : 0;
                if (topTimesLowPowers is not null) share = unchecked(share + (aPlusB[k] - a[k]) * topTimesLowPowers[e].Value);
                for (int j = 1; j <= k; j++)
                {
                    ulong term = unchecked(a[k - j] * lowPowers[(j - 1) * n + e].Value);
                    if (topTimesLowPowers is not null && j < k)
                        term = unchecked(term + (aPlusB[k - j] - a[k - j]) * topTimesLowPowers[j * n + e].Value);
                    share = unchecked(share + binomial[k, j] * term);
                }
                result[(k - 1) * n + e] = new Z2k(share);
            }
        }
        return result;
    }

    // (-1)^j C(k, j) mod 2^64, row k, column j.
    private static ulong[,] SignedBinomials(int degree)
    {
        var coefficient = new ulong[degree + 1, degree + 1];
        for (int k = 0; k <= degree; k++)
        {
            ulong c = 1;
            for (int j = 0; j <= k; j++)
            {
                coefficient[k, j] = (j & 1) == 0 ? c : unchecked(0 - c);
                c = c * (ulong)(k - j) / (ulong)(j + 1);
            }
        }
        return coefficient;
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2k>> MatrixMultiplyAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, int rows, int inner, int columns, CancellationToken ct = default)
    {
        if (x.Length != rows * inner || y.Length != inner * columns)
            throw new ArgumentException($"Matrix product of {x.Length} and {y.Length} elements does not fit {rows}x{inner} times {inner}x{columns}.");
        var tag = session.NextTag();
        var t = await preprocessing.TakeMatrixTripleAsync(rows, inner, columns, ct).ConfigureAwait(false);

        // Round 1: open D = X - A and E = Y - B together.
        int sizeX = x.Length, sizeY = y.Length;
        var masked = new Z2k[sizeX + sizeY];
        VectorMath.Subtract<Z2k>(x.Shares, t.A, masked.AsSpan(0, sizeX));
        VectorMath.Subtract<Z2k>(y.Shares, t.B, masked.AsSpan(sizeX, sizeY));
        var opened = await OpenSharesAsync(masked, tag, ct).ConfigureAwait(false);
        ReadOnlySpan<Z2k> d = opened.AsSpan(0, sizeX), e = opened.AsSpan(sizeX, sizeY);

        // Z = C + D B + A E (+ D E at the leader), since X Y = (D + A)(E + B).
        var z = t.C;
        var scratch = new Z2k[rows * columns];
        VectorMath.MatrixMultiply(d, t.B, scratch, rows, inner, columns);
        VectorMath.Add<Z2k>(z, scratch, z);
        VectorMath.MatrixMultiply(t.A, e, scratch, rows, inner, columns);
        VectorMath.Add<Z2k>(z, scratch, z);
        if (IsLeader)
        {
            VectorMath.MatrixMultiply(d, e, scratch, rows, inner, columns);
            VectorMath.Add<Z2k>(z, scratch, z);
        }
        return new(z);
    }

    /// <summary>
    /// Masks X once: takes a reusable mask A from preprocessing and opens E = X - A (uniform, so it reveals nothing).
    /// One round. Every later product with X opens only its right operand (SecureML, Mohassel and Zhang 2017, 4.2).
    /// </summary>
    public async ValueTask<ReusableMatrix<Z2k>> PrepareMatrixAsync(SharedVector<Z2k> x, int rows, int columns, CancellationToken ct = default)
    {
        if (rows < 0 || columns < 0 || x.Length != (long)rows * columns)
            throw new ArgumentException($"A {rows}x{columns} matrix needs {(long)rows * columns} elements, got {x.Length}.");
        var tag = session.NextTag();
        var mask = await preprocessing.TakeMatrixMaskAsync(rows, columns, ct).ConfigureAwait(false);

        // Round 1: open E = X - A, once for all later products.
        var masked = GC.AllocateUninitializedArray<Z2k>(x.Length);
        VectorMath.Subtract<Z2k>(x.Shares, mask.Shares, masked);
        var opened = await OpenSharesAsync(masked, tag, ct).ConfigureAwait(false);
        var matrix = new ReusableMatrix<Z2k>(rows, columns);
        _prepared.Add(matrix, new Internal.PreparedMatrix(opened, mask));
        return matrix;
    }

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> MatrixMultiplyAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns, CancellationToken ct = default) =>
        ReusedProductAsync(x, y, columns, transposed: false, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> TransposedMatrixMultiplyAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns, CancellationToken ct = default) =>
        ReusedProductAsync(x, y, columns, transposed: true, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns, int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(ReusedProductAsync(x, y, columns, transposed: false, ct), x.Rows * columns, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns, int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(ReusedProductAsync(x, y, columns, transposed: true, ct), x.Columns * columns, bits, ct);

    /// <summary>
    /// op(X) Y with X = E + A prepared: a triple (B, C = op(A) B) for the fixed A, one round to open F = Y - B, then
    /// op(X) Y = C + op(A) F + op(E) (B + F at the leader, B elsewhere).
    /// </summary>
    private async ValueTask<SharedVector<Z2k>> ReusedProductAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns, bool transposed, CancellationToken ct)
    {
        if (!_prepared.TryGetValue(x.Whole, out var prepared))
            throw new ArgumentException("This matrix was not prepared by this suite.", nameof(x));
        int rows = x.Rows, width = x.Columns;
        long expected = (long)(transposed ? rows : width) * columns;
        if (columns < 0 || y.Length != expected)
            throw new ArgumentException($"The right operand of {(transposed ? "X^T" : "X")} Y for a {rows}x{width} X with {columns} columns needs {expected} elements, got {y.Length}.");
        var tag = session.NextTag();
        var mask = prepared.Mask.SelectRows(x.FirstRow, rows);
        var t = await preprocessing.TakeMatrixTripleForAsync(mask, transposed, columns, ct).ConfigureAwait(false);

        // Round 1: open F = Y - B.
        var masked = GC.AllocateUninitializedArray<Z2k>(y.Length);
        VectorMath.Subtract<Z2k>(y.Shares, t.B, masked);
        var f = await OpenSharesAsync(masked, tag, ct).ConfigureAwait(false);

        ReadOnlySpan<Z2k> e = prepared.Masked.AsSpan(x.FirstRow * width, rows * width);
        var right = t.B;
        if (IsLeader) VectorMath.Add<Z2k>(t.B, f, right); // B is used once: write over it
        var z = t.C;
        var scratch = GC.AllocateUninitializedArray<Z2k>(z.Length);
        Product(e, right, scratch);
        VectorMath.Add<Z2k>(z, scratch, z);
        Product(mask.Shares, f, scratch);
        VectorMath.Add<Z2k>(z, scratch, z);
        return new(z);

        void Product(ReadOnlySpan<Z2k> left, ReadOnlySpan<Z2k> factor, Span<Z2k> destination)
        {
            if (transposed) VectorMath.TransposedMatrixMultiply(left, factor, destination, rows, width, columns);
            else VectorMath.MatrixMultiply(left, factor, destination, rows, width, columns);
        }
    }

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> TruncateAsync(SharedVector<Z2k> x, int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(ValueTask.FromResult(x), x.Length, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> MultiplyAndTruncateAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(MultiplyAsync(x, y, ct), x.Length, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> MatrixMultiplyAndTruncateAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, int rows, int inner, int columns, int bits, CancellationToken ct = default) =>
        TruncateWhenReadyAsync(MatrixMultiplyAsync(x, y, rows, inner, columns, ct), rows * columns, bits, ct);

    /// <summary>
    /// The truncation of <paramref name="input"/> (<paramref name="n"/> elements), which may still be computing: the
    /// truncation takes its tag and asks for its masks now, before its first await, so a product-then-truncate takes
    /// everything it needs when it starts, like every operation, whatever order the operations beside it finish in.
    /// </summary>
    private async ValueTask<SharedVector<Z2k>> TruncateWhenReadyAsync(ValueTask<SharedVector<Z2k>> input, int n, int bits, CancellationToken ct)
    {
        if (bits is < 0 or > 62) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Truncation shifts by 0 to 62 bits.");
        if (bits == 0) return await input.ConfigureAwait(false);
        if (truncation == AdditiveTruncation.SecureMlLocal)
        {
            if (session.PartyCount != 2)
                throw new InvalidOperationException($"SecureML local truncation is for 2 parties; this session has {session.PartyCount}.");
            return TruncateLocally(await input.ConfigureAwait(false), bits);
        }
        var tag = session.NextTag();
        var masks = preprocessing.TakeTruncationMasksAsync(n, bits, ct).AsTask();
        SharedVector<Z2k> x;
        try
        {
            x = await input.ConfigureAwait(false);
        }
        catch
        {
            // The operation failed before it needed its masks; whatever happens to them is not news.
            _ = masks.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
        if (x.Length != n) throw new InvalidOperationException($"A truncation of {n} elements was given {x.Length}.");
        return await TruncateWithMasksAsync(x, bits, tag, await masks.ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Masked truncation with exact wrap correction. For x in [-2^62, 2^62) let y = x + 2^62 in [0, 2^63)
    /// and open c = y + r mod 2^64 (uniform: r is uniform). Writing r = 2^63 r_msb + r_lo and c likewise,
    /// y = c_lo - r_lo + 2^63 w where w = c_msb XOR r_msb is the carry into bit 63, which is linear in the
    /// shared r_msb because c_msb is public. Then floor(y / 2^m) = (c_lo >> m) - (r_lo >> m) + 2^(63-m) w,
    /// up to one unit from the borrow of the dropped low bits, and x >> m = y >> m - 2^(62-m).
    /// </summary>
    private async ValueTask<SharedVector<Z2k>> TruncateWithMasksAsync(SharedVector<Z2k> x, int bits, StreamTag tag, TruncationMasks masks, CancellationToken ct)
    {
        int n = x.Length;
        var c = await OpenForTruncationAsync(x, masks, tag, ct).ConfigureAwait(false);

        // Written over the masks' low parts, each read just before (masks are used once).
        var z = masks.LowShifted;
        for (int i = 0; i < n; i++)
        {
            var (publicPart, slope) = TruncationTerms(c[i].Value, bits);
            ulong share = unchecked(slope * masks.TopBit[i].Value - masks.LowShifted[i].Value);
            z[i] = new Z2k(IsLeader ? unchecked(share + publicPart) : share);
        }
        ArrayPool<Z2k>.Shared.Return(c);
        return new(z);
    }

    /// <summary>
    /// The truncation's one opening: c = x + 2^62 + r, into a pooled array (at least x.Length long) that the caller
    /// returns to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    private async ValueTask<Z2k[]> OpenForTruncationAsync(SharedVector<Z2k> x, TruncationMasks masks, StreamTag tag, CancellationToken ct)
    {
        int n = x.Length;
        var masked = ArrayPool<Z2k>.Shared.Rent(n);
        VectorMath.Add<Z2k>(x.Shares, masks.R, masked.AsSpan(0, n));
        if (IsLeader)
            for (int i = 0; i < n; i++) masked[i] = new Z2k(masked[i].Value + (1UL << 62));
        await OpenSharesInPlaceAsync(masked.AsMemory(0, n), tag, ct).ConfigureAwait(false);
        return masked;
    }

    /// <summary>
    /// The public parts of a truncation from its opened c: trunc = A + B r_msb - (r mod 2^63) &gt;&gt; m, with
    /// A = (c mod 2^63) &gt;&gt; m + 2^(63-m) c_msb - 2^(62-m) and B = (1 - 2 c_msb) 2^(63-m), since the carry into bit 63
    /// is c_msb XOR r_msb = c_msb + (1 - 2 c_msb) r_msb.
    /// </summary>
    private static (ulong Public, ulong Slope) TruncationTerms(ulong c, int bits)
    {
        ulong carryWeight = 1UL << (63 - bits), cMsb = c >> 63;
        return (unchecked(((c & Low63) >> bits) + cMsb * carryWeight - (1UL << (62 - bits))), unchecked((1 - 2 * cMsb) * carryWeight));
    }

    /// <summary>
    /// Exact [x &lt; 0] for x in [-2^(l-1), 2^(l-1)). With y = x + 2^(l-1) in [0, 2^l), x &lt; 0 exactly when bit
    /// l-1 of y is 0. Open c = y + r for a dealer mask r whose low l bits are shared; then
    /// y_(l-1) = c_(l-1) XOR r_(l-1) XOR [c mod 2^(l-1) &lt; r mod 2^(l-1)] (the borrow into bit l-1).
    /// Rounds: 1 opening + ceil(log2(l-1)) for the comparison + 1 XOR. When the preprocessing source offers packed
    /// XOR-shared bits (<see cref="IBinaryPreprocessing"/>, as the dealer does), the bitwise part runs on them instead
    /// (same rounds, the XOR replaced by one conversion opening; 64 times less work and traffic).
    /// </summary>
    public async ValueTask<SharedVector<Z2k>> LessThanZeroAsync(SharedVector<Z2k> x, int? inputBits = null, CancellationToken ct = default)
    {
        int l = inputBits ?? TruncationInputBits;
        CheckComparisonBits(l);
        if (_comparison == ComparisonMethod.GarbledCircuit)
        {
            var bridge = await (_bridge ??= Garbling.YaoBridge.CreateAsync(session, ct).AsTask()).ConfigureAwait(false);
            return await bridge.LessThanZeroAsync(x, l, ct).ConfigureAwait(false);
        }
        if (_binary is not null) return await Internal.PackedLessThan.LessThanZeroAsync(session, _binary, x, l, ignoredBits: 0, ct).ConfigureAwait(false);
        int n = x.Length, m = l - 1;
        var tag = session.NextTag();
        var masks = await preprocessing.TakeBitMasksAsync(n, l, ct).ConfigureAwait(false);

        // Round 1: open c = x + 2^(l-1) + r.
        var masked = new Z2k[n];
        VectorMath.Add<Z2k>(x.Shares, masks.R, masked);
        if (IsLeader)
            for (int i = 0; i < n; i++) masked[i] = new Z2k(masked[i].Value + (1UL << m));
        var c = await OpenSharesAsync(masked, tag, ct).ConfigureAwait(false);

        var low = new UInt128[n];
        var lowBits = new Z2k[n * m];
        var topBit = new Z2k[n];
        for (int e = 0; e < n; e++)
        {
            low[e] = c[e].Value & ((1UL << m) - 1);
            masks.Bits.AsSpan(e * l, m).CopyTo(lowBits.AsSpan(e * m));
            topBit[e] = masks.Bits[e * l + m];
        }
        var borrow = await Comparison.BitwiseLessThan.PublicLessThanSharedAsync(this, low, new SharedVector<Z2k>(lowBits), m, ct).ConfigureAwait(false);
        var v = await Comparison.BitwiseLessThan.XorAsync(this, new SharedVector<Z2k>(topBit), borrow, ct).ConfigureAwait(false);

        // x < 0 iff c_(l-1) XOR v = 0: that is v where c_(l-1) = 1, and 1 - v where c_(l-1) = 0.
        var sign = new Z2k[n];
        var constant = new Z2k[n];
        for (int e = 0; e < n; e++)
        {
            bool cTop = ((c[e].Value >> m) & 1) != 0;
            sign[e] = cTop ? Z2k.One : Z2k.FromInt64(-1);
            constant[e] = cTop ? Z2k.Zero : Z2k.One;
        }
        return AddPublic(MultiplyPublic(v, sign), constant);
    }

    /// <summary>
    /// [x &lt; 0] up to values in [-2^j, 0): on packed bits (the dealer) the borrow compares bits j..l-2 only; elsewhere
    /// exact, as <see cref="LessThanZeroAsync"/>.
    /// </summary>
    public async ValueTask<SharedVector<Z2k>> LessThanZeroCoarseAsync(SharedVector<Z2k> x, int inputBits, int ignoredBits, CancellationToken ct = default)
    {
        CheckComparisonBits(inputBits);
        ArgumentOutOfRangeException.ThrowIfNegative(ignoredBits);
        if (_binary is null || _comparison == ComparisonMethod.GarbledCircuit) return await LessThanZeroAsync(x, inputBits, ct).ConfigureAwait(false);
        return await Internal.PackedLessThan.LessThanZeroAsync(session, _binary, x, inputBits, ignoredBits, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// ([x &lt; 0], [x &lt; 0] y) as <see cref="LessThanZeroCoarseAsync"/> compares; on packed bits the product is made in
    /// the comparison's conversion round (y - beta opened beside it, the dealer's rho beta): no round more.
    /// </summary>
    public async ValueTask<(SharedVector<Z2k> Bits, SharedVector<Z2k> Products)> LessThanZeroAndProductAsync(SharedVector<Z2k> x, int inputBits, int ignoredBits,
        Task<SharedVector<Z2k>> multiplicand, CancellationToken ct = default)
    {
        CheckComparisonBits(inputBits);
        ArgumentOutOfRangeException.ThrowIfNegative(ignoredBits);
        if (_binary is null || _comparison == ComparisonMethod.GarbledCircuit)
            return await Mpc.Protocols.Internal.ComparisonProduct.SequentialAsync(this, x, inputBits, ignoredBits, multiplicand, ct).ConfigureAwait(false);
        var (bits, products) = await Internal.PackedLessThan.LessThanZeroTimesAsync(session, _binary, x, inputBits, ignoredBits, multiplicand, ct).ConfigureAwait(false);
        return (bits, products!);
    }

    private static void CheckComparisonBits(int inputBits)
    {
        if (inputBits is < 2 or > 63) throw new ArgumentOutOfRangeException(nameof(inputBits), inputBits, "Comparison inputs have 2 to 63 bits in the additive suite.");
    }

    private SharedVector<Z2k> TruncateLocally(SharedVector<Z2k> x, int bits)
    {
        var z = new Z2k[x.Length];
        for (int i = 0; i < z.Length; i++)
        {
            long s = (long)x.Shares[i].Value;
            z[i] = new Z2k(IsLeader ? (ulong)(s >> bits) : unchecked((ulong)-((-s) >> bits)));
        }
        return new(z);
    }

    /// <summary>
    /// Opens share vectors into <paramref name="shares"/> itself: one all-to-all exchange through a pooled buffer, summed
    /// (or, for long vectors and N &gt; 2, the scattered opening). After a failed exchange a receive may still write
    /// into that buffer, so it is then left to the GC, not the pool.
    /// </summary>
    private async ValueTask OpenSharesInPlaceAsync(Memory<Z2k> shares, StreamTag tag, CancellationToken ct)
    {
        int n = shares.Length, parties = session.PartyCount;
        if (parties > 2 && n >= ScatteredOpeningMinimum)
        {
            await OpenScatteredAsync(shares, tag, ct).ConfigureAwait(false);
            return;
        }
        var all = ArrayPool<Z2k>.Shared.Rent(parties * n);
        await session.Network.ExchangeWithAllAsync<Z2k>(tag, shares, all.AsMemory(0, parties * n), ct).ConfigureAwait(false);
        Core.Sharing.AdditiveSharing.Reconstruct<Z2k>(all.AsSpan(0, parties * n), parties, shares.Span);
        ArrayPool<Z2k>.Shared.Return(all);
    }

    /// <summary>
    /// Vectors from this length up open in two rounds that send 2 (N - 1) / N of them instead of N - 1 times them
    /// (N &gt; 2). From here up the two rounds measured faster over loopback TLS for N = 3: products of 2^15 elements
    /// (2^16 opened) 1.2-1.35 times, of 10^6 elements 1.5-1.6 times. Shorter vectors keep one round: latency weighs
    /// more there, above all between machines.
    /// </summary>
    public const int ScatteredOpeningMinimum = 1 << 16;

    /// <summary>
    /// An opening as a reduce-scatter and an all-gather: party j sums segment j of the vector (every party sends it its
    /// share of that segment), then sends the sum to all. Each party sends 2 (N - 1) / N of the vector, not N - 1 times
    /// it, in two rounds instead of one; everyone sees what an all-to-all opening shows (each share of the opened value).
    /// </summary>
    private async ValueTask OpenScatteredAsync(Memory<Z2k> shares, StreamTag tag, CancellationToken ct)
    {
        int n = shares.Length, parties = session.PartyCount, me = session.PartyId;
        var network = session.Network;
        int Start(int j) => (int)((long)j * n / parties);
        int mine = Start(me), length = Start(me + 1) - mine;
        var incoming = ArrayPool<Z2k>.Shared.Rent(parties * length);
        var pending = new List<Task>(2 * parties);
        var gathered = new List<Task<Task>>(parties);

        // Round 1: my share of segment p to party p; every other party's share of my segment to me. Once my share of
        // segment p is sent, the receive of p's opened segment goes over it, so that a fast peer's round 2 lands in place.
        for (int p = 0; p < parties; p++)
        {
            if (p == me) continue;
            pending.Add(network.ReceiveAsync(p, tag, incoming.AsMemory(p * length, length), ct).AsTask());
            gathered.Add(SendThenReceiveAsync(p, shares.Slice(Start(p), Start(p + 1) - Start(p))));
        }
        pending.AddRange(gathered);
        await Task.WhenAll(pending).ConfigureAwait(false);
        var segment = shares.Span.Slice(mine, length);
        for (int p = 0; p < parties; p++)
            if (p != me) VectorMath.Add<Z2k>(segment, incoming.AsSpan(p * length, length), segment);
        ArrayPool<Z2k>.Shared.Return(incoming);
        network.CountRound();

        // Round 2: my opened segment to all; every other opened segment into its place.
        pending.Clear();
        for (int p = 0; p < parties; p++)
            if (p != me) pending.Add(network.SendAsync<Z2k>(p, tag, shares.Slice(mine, length), ct).AsTask());
        foreach (var receive in gathered) pending.Add(receive.Result);
        await Task.WhenAll(pending).ConfigureAwait(false);
        network.CountRound();

        async Task<Task> SendThenReceiveAsync(int p, Memory<Z2k> share)
        {
            await network.SendAsync<Z2k>(p, tag, share, ct).ConfigureAwait(false);
            return network.ReceiveAsync(p, tag, share, ct).AsTask();
        }
    }

    // The opening of share vectors that the caller keeps: opened in a copy.
    private async ValueTask<Z2k[]> OpenSharesAsync(Z2k[] mine, StreamTag tag, CancellationToken ct)
    {
        var opened = (Z2k[])mine.Clone();
        await OpenSharesInPlaceAsync(opened, tag, ct).ConfigureAwait(false);
        return opened;
    }

    private void CheckParty(int party, string name)
    {
        if ((uint)party >= (uint)session.PartyCount)
            throw new ArgumentOutOfRangeException(name, party, $"Parties are numbered 0 to {session.PartyCount - 1}.");
    }
}
