using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// What a secret-sharing suite computes, apart from how: the core every suite (additive, Shamir) implements and every
/// higher layer (fixed point, ML) is written against. All operations take whole vectors; each states its rounds.
/// Local operations cost none. What a suite may do better (fused truncation, fast powers, speculative comparisons) it
/// offers through the capability properties at the end, which callers reach through <see cref="SuiteOperations"/>.
/// </summary>
/// <remarks>
/// Every operation takes all its tags and preprocessing when it is called (see <see cref="Session"/>), except
/// <see cref="LessThanZeroAsync"/>, which may take more as it goes: start nothing beside a comparison but operations
/// started before it.
/// </remarks>
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
    ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner, int columns,
        CancellationToken ct = default);

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

    /// <summary>
    /// X^T Y for a prepared X (or a row view of it) and y (X.Rows x <paramref name="columns"/>). As
    /// <see cref="MatrixMultiplyAsync(ReusableMatrix{T}, SharedVector{T}, int, CancellationToken)"/>.
    /// </summary>
    ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default);

    /// <summary>The most <see cref="TruncateAsync"/>'s result may differ from floor(x / 2^bits), in units.</summary>
    int TruncationErrorBound { get; }

    /// <summary>Signed inputs to <see cref="TruncateAsync"/> must lie in [-2^(b-1), 2^(b-1)) for this b.</summary>
    int TruncationInputBits { get; }

    /// <summary>
    /// Fused products and truncations, if this suite has them; otherwise null, and <see cref="SuiteOperations"/>
    /// multiplies, then truncates.
    /// </summary>
    IFusedTruncation<T>? FusedTruncation => null;

    /// <summary>
    /// Powers in fewer rounds than a tree of products, if this suite has them; otherwise null, and
    /// <see cref="SuiteOperations"/> builds the tree.
    /// </summary>
    IFastPowers<T>? Powers => null;

    /// <summary>
    /// Comparisons that may run beside other work and be thrown away, if this suite has them; otherwise null, and a
    /// caller finishes one branch before it selects (see <see cref="ISpeculativeComparison{T}"/>).
    /// </summary>
    ISpeculativeComparison<T>? SpeculativeComparison => null;
}
