using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// What a secret-sharing suite computes, apart from how: the interface every suite (additive, Shamir)
/// implements and every higher layer (fixed point, ML) is written against. All operations take whole vectors;
/// each states its rounds. Local operations cost none.
/// </summary>
public interface IArithmeticSuite<T> where T : unmanaged, IRing<T>
{
    /// <summary>The session this suite runs in.</summary>
    Session Session { get; }

    /// <summary>A short name for reports: "additive" or "shamir".</summary>
    string Name { get; }

    /// <summary>
    /// Shares <paramref name="values"/> held by <paramref name="owner"/>. Every party passes the same
    /// <paramref name="length"/>; other parties' <paramref name="values"/> are ignored (pass your own or nothing).
    /// Additive: no round (PRG-derived shares). Shamir: one round.
    /// </summary>
    ValueTask<SharedVector<T>> InputAsync(int owner, ReadOnlyMemory<T> values, int length, CancellationToken ct = default);

    /// <summary>Reveals the values to every party. One round.</summary>
    ValueTask<T[]> OpenAsync(SharedVector<T> x, CancellationToken ct = default);

    /// <summary>Reveals the values to <paramref name="receiver"/> only; others get null. One round.</summary>
    ValueTask<T[]?> OpenToAsync(int receiver, SharedVector<T> x, CancellationToken ct = default);

    /// <summary>A sharing of public values. Local.</summary>
    SharedVector<T> Constant(ReadOnlySpan<T> values);

    /// <summary>x + y. Local.</summary>
    SharedVector<T> Add(SharedVector<T> x, SharedVector<T> y);

    /// <summary>x - y. Local.</summary>
    SharedVector<T> Subtract(SharedVector<T> x, SharedVector<T> y);

    /// <summary>x + c for public c. Local.</summary>
    SharedVector<T> AddPublic(SharedVector<T> x, ReadOnlySpan<T> c);

    /// <summary>c * x elementwise for public c. Local.</summary>
    SharedVector<T> MultiplyPublic(SharedVector<T> x, ReadOnlySpan<T> c);

    /// <summary>c * x for one public scalar c. Local.</summary>
    SharedVector<T> Scale(SharedVector<T> x, T c);

    /// <summary>
    /// x * y elementwise. One round online (additive: Beaver; Shamir: one opening, plus a dealing round for its
    /// double sharings unless they were prepared ahead).
    /// </summary>
    ValueTask<SharedVector<T>> MultiplyAsync(SharedVector<T> x, SharedVector<T> y, CancellationToken ct = default);

    /// <summary>
    /// The matrix product of x (rows x inner) and y (inner x columns), row-major. One round online, as
    /// <see cref="MultiplyAsync"/>; communication proportional to the operands or the result, not to
    /// rows * inner * columns.
    /// </summary>
    ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner, int columns, CancellationToken ct = default);

    /// <summary>
    /// Divides each signed value by 2^<paramref name="bits"/> with probabilistic rounding: the result is within
    /// <see cref="TruncationErrorBound"/> units of floor(x / 2^bits). Values must lie in the suite's
    /// <see cref="TruncationInputBits"/>. Rounds: each suite documents its count (additive: one).
    /// </summary>
    ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default);

    /// <summary>
    /// [x &lt; 0] as a shared 0/1 value, exactly, for signed x in [-2^(b-1), 2^(b-1)) with b =
    /// <paramref name="inputBits"/> (default and maximum: <see cref="TruncationInputBits"/>). Fewer bits cost less.
    /// Rounds: about log2(b) + 3; each suite documents its count.
    /// </summary>
    ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default);

    /// <summary>
    /// x, x^2, ..., x^<paramref name="degree"/> elementwise, exactly (ring or field powers, no truncation), power-major:
    /// elements [(k - 1) n, k n) hold x^k. Rounds: by default a tree of products, ceil(log2 degree) (each level raises
    /// every power in (2^(i-1), 2^i] at once); the additive suite with power masks
    /// (<see cref="Preprocessing.IPowerPreprocessing"/>, the dealer) opens x + rho once: one round for every degree.
    /// </summary>
    ValueTask<SharedVector<T>> PowersAsync(SharedVector<T> x, int degree, CancellationToken ct = default) =>
        Internal.PowerTree.PowersAsync(this, x, degree, ct);

    /// <summary>
    /// [x &lt; 0] where values just below zero may go either way: exact for x &gt;= 0 and for x &lt; -2^j (j =
    /// <paramref name="ignoredBits"/>), 0 or 1 in between, for x in [-2^(b-1), 2^(b-1) - 2^j) with b =
    /// <paramref name="inputBits"/>. A suite may then compare fewer bits (the additive suite's packed comparison leaves
    /// the low j out: fewer gates, often a level less). Default: exact, as <see cref="LessThanZeroAsync"/>.
    /// </summary>
    ValueTask<SharedVector<T>> LessThanZeroCoarseAsync(SharedVector<T> x, int inputBits, int ignoredBits, CancellationToken ct = default) =>
        LessThanZeroAsync(x, inputBits, ct);

    /// <summary>
    /// <see cref="LessThanZeroCoarseAsync"/> and its bits times y elementwise: ([x &lt; 0], [x &lt; 0] y), the selection
    /// of a branch. y (x's length) may still be in the making: it is awaited only when needed, so a suite that
    /// <see cref="AllowsSpeculativeEvaluation"/> lets it be computed beside the comparison (elsewhere, finish it first:
    /// operations that take tags as they go must not overlap). Default: the comparison, then one product (a round more); the additive suite on packed
    /// bits (the dealer) multiplies in the comparison's last round.
    /// </summary>
    ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> LessThanZeroAndProductAsync(SharedVector<T> x, int inputBits, int ignoredBits,
        Task<SharedVector<T>> multiplicand, CancellationToken ct = default) =>
        Internal.ComparisonProduct.SequentialAsync(this, x, inputBits, ignoredBits, multiplicand, ct);

    /// <summary>
    /// t, t^2, ..., t^<paramref name="degree"/> for t = <see cref="TruncateAsync"/>(x, <paramref name="bits"/>): the same
    /// values, power-major as <see cref="PowersAsync"/>. Default: the truncation, then the powers; the additive suite
    /// with the dealer's truncation power masks makes them from the truncation's own opening: one round in all.
    /// </summary>
    async ValueTask<SharedVector<T>> TruncatedPowersAsync(SharedVector<T> x, int bits, int degree, CancellationToken ct = default)
    {
        Internal.PowerTree.CheckDegree(degree);
        var truncation = TruncateAsync(x, bits, ct);
        return await PowersAsync(await truncation.ConfigureAwait(false), degree, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// x * y elementwise, then truncated by <paramref name="bits"/>: a fixed-point product. Same result and bound
    /// as <see cref="MultiplyAsync"/> then <see cref="TruncateAsync"/>, but a suite may fuse the two
    /// (Shamir opens the masked product straight from its degree-2t shares: one opening instead of two rounds).
    /// </summary>
    ValueTask<SharedVector<T>> MultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int bits, CancellationToken ct = default);

    /// <summary>The matrix product, then truncated by <paramref name="bits"/>; see <see cref="MultiplyAndTruncateAsync"/>.</summary>
    ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner, int columns, int bits, CancellationToken ct = default);

    /// <summary>
    /// Prepares x (<paramref name="rows"/> x <paramref name="columns"/>, row-major) as the reusable left factor of
    /// many products (SecureML's masked-once training matrix). Additive: opens X - A once against a mask A from
    /// preprocessing, one round; later products open only their right operand. Shamir: keeps the shares, no round.
    /// </summary>
    ValueTask<ReusableMatrix<T>> PrepareMatrixAsync(SharedVector<T> x, int rows, int columns, CancellationToken ct = default);

    /// <summary>
    /// X Y for a prepared X (or a row view of it), X.Rows x X.Columns, and y (X.Columns x <paramref name="columns"/>).
    /// One round online; traffic proportional to y (additive) or to the result (Shamir).
    /// </summary>
    ValueTask<SharedVector<T>> MatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, CancellationToken ct = default);

    /// <summary>X^T Y for a prepared X (or a row view of it) and y (X.Rows x <paramref name="columns"/>). As <see cref="MatrixMultiplyAsync(ReusableMatrix{T}, SharedVector{T}, int, CancellationToken)"/>.</summary>
    ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, CancellationToken ct = default);

    /// <summary>X Y for a prepared X, truncated by <paramref name="bits"/>; see <see cref="MultiplyAndTruncateAsync"/>.</summary>
    ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits, CancellationToken ct = default);

    /// <summary>X^T Y for a prepared X, truncated by <paramref name="bits"/>; see <see cref="MultiplyAndTruncateAsync"/>.</summary>
    ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits, CancellationToken ct = default);

    /// <summary>The most <see cref="TruncateAsync"/>'s result may differ from floor(x / 2^bits), in units.</summary>
    int TruncationErrorBound { get; }

    /// <summary>Signed inputs to <see cref="TruncateAsync"/> must lie in [-2^(b-1), 2^(b-1)) for this b.</summary>
    int TruncationInputBits { get; }

    /// <summary>
    /// Whether a caller may evaluate a branch it will discard: <see cref="LessThanZeroAsync"/> takes all its tags and
    /// preprocessing when it starts, so it may run beside other operations, and products and truncations of values
    /// outside the ranges above stay hidden (their results are meaningless, but what is opened is uniformly masked).
    /// Then both sides of a selection can run at once and the unused one be multiplied by 0. False unless a suite says so.
    /// </summary>
    bool AllowsSpeculativeEvaluation => false;
}
