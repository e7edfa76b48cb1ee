using Mpc.Core.Arithmetic;
using Mpc.Protocols.Common;

namespace Mpc.Protocols;

/// <summary>
/// The operations a suite may do better than its core allows, for any suite: each asks the suite for its capability
/// (<see cref="IArithmeticSuite{T}.FusedTruncation"/>, <see cref="IArithmeticSuite{T}.Powers"/>,
/// <see cref="IArithmeticSuite{T}.SpeculativeComparison"/>) and falls back to the core operations otherwise, so every
/// generic fallback is written once, here.
/// </summary>
/// <remarks>
/// The fallbacks take tags as they go (the truncation's once the product is in; the tree's level by level): start no
/// other operation beside one of them, except ones started before it (see <see cref="Session"/>).
/// </remarks>
public static class SuiteOperations
{
    /// <summary>
    /// x * y elementwise, truncated by <paramref name="bits"/> (fused where the suite can). Rounds: the suite's fused
    /// form, or product then truncation.
    /// </summary>
    public static ValueTask<SharedVector<T>> MultiplyAndTruncateAsync<T>(this IArithmeticSuite<T> suite,
        SharedVector<T> x, SharedVector<T> y, int bits,
        CancellationToken ct = default) where T : unmanaged, IRing<T> =>
        suite.FusedTruncation is { } fused
            ? fused.MultiplyAndTruncateAsync(x, y, bits, ct)
            : TruncateWhenReadyAsync(suite, suite.MultiplyAsync(x, y, ct), bits, ct);

    /// <summary>The matrix product, truncated by <paramref name="bits"/> (fused where the suite can).</summary>
    public static ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync<T>(this IArithmeticSuite<T> suite,
        SharedVector<T> x, SharedVector<T> y,
        int rows, int inner, int columns, int bits, CancellationToken ct = default) where T : unmanaged, IRing<T> =>
        suite.FusedTruncation is { } fused
            ? fused.MatrixMultiplyAndTruncateAsync(x, y, rows, inner, columns, bits, ct)
            : TruncateWhenReadyAsync(suite, suite.MatrixMultiplyAsync(x, y, rows, inner, columns, ct), bits, ct);

    /// <summary>X Y for a prepared X, truncated by <paramref name="bits"/> (fused where the suite can).</summary>
    public static ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync<T>(this IArithmeticSuite<T> suite,
        ReusableMatrix<T> x, SharedVector<T> y,
        int columns, int bits, CancellationToken ct = default) where T : unmanaged, IRing<T> =>
        suite.FusedTruncation is { } fused
            ? fused.MatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct)
            : TruncateWhenReadyAsync(suite, suite.MatrixMultiplyAsync(x, y, columns, ct), bits, ct);

    /// <summary>X^T Y for a prepared X, truncated by <paramref name="bits"/> (fused where the suite can).</summary>
    public static ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync<T>(this IArithmeticSuite<T> suite,
        ReusableMatrix<T> x,
        SharedVector<T> y, int columns, int bits, CancellationToken ct = default) where T : unmanaged, IRing<T> =>
        suite.FusedTruncation is { } fused
            ? fused.TransposedMatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct)
            : TruncateWhenReadyAsync(suite, suite.TransposedMatrixMultiplyAsync(x, y, columns, ct), bits, ct);

    /// <summary>
    /// x, x^2, ..., x^<paramref name="degree"/> elementwise, exactly, power-major. Rounds: the suite's (one with power
    /// masks) or a tree of products, ceil(log2 degree).
    /// </summary>
    public static ValueTask<SharedVector<T>> PowersAsync<T>(this IArithmeticSuite<T> suite, SharedVector<T> x, int degree,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T> =>
        suite.Powers is { } powers ? powers.PowersAsync(x, degree, ct) : PowerTree.PowersAsync(suite, x, degree, ct);

    /// <summary>
    /// The powers of the truncation of x by <paramref name="bits"/>: from its own opening where the suite can, else truncation then powers.
    /// </summary>
    public static async ValueTask<SharedVector<T>> TruncatedPowersAsync<T>(this IArithmeticSuite<T> suite,
        SharedVector<T> x, int bits, int degree,
        CancellationToken ct = default) where T : unmanaged, IRing<T>
    {
        PowerTree.CheckDegree(degree);
        if (suite.Powers is { } powers) return await powers.TruncatedPowersAsync(x, bits, degree, ct).ConfigureAwait(false);
        var truncated = await suite.TruncateAsync(x, bits, ct).ConfigureAwait(false);
        return await PowerTree.PowersAsync(suite, truncated, degree, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// [x &lt; 0] where values just below zero may go either way (see <see cref="ISpeculativeComparison{T}"/>); exact
    /// where the suite has no coarse form.
    /// </summary>
    public static ValueTask<SharedVector<T>> LessThanZeroCoarseAsync<T>(this IArithmeticSuite<T> suite, SharedVector<T> x,
        int inputBits, int ignoredBits,
        CancellationToken ct = default) where T : unmanaged, IRing<T> =>
        suite.SpeculativeComparison is { } comparison
            ? comparison.LessThanZeroCoarseAsync(x, inputBits, ignoredBits, ct)
            : suite.LessThanZeroAsync(x, inputBits, ct);

    /// <summary>
    /// ([x &lt; 0], [x &lt; 0] y): in the comparison's last round where the suite compares speculatively; else the
    /// comparison, then y awaited, then one product (a round more).
    /// </summary>
    public static ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> LessThanZeroAndProductAsync<T>(this IArithmeticSuite<T> suite,
        SharedVector<T> x,
        int inputBits, int ignoredBits, Task<SharedVector<T>> multiplicand, CancellationToken ct = default) where T : unmanaged, IRing<T> =>
        suite.SpeculativeComparison is { } comparison
            ? comparison.LessThanZeroAndProductAsync(x, inputBits, ignoredBits, multiplicand, ct)
            : ComparisonProduct.SequentialAsync(suite, x, inputBits, ignoredBits, multiplicand, ct);

    private static async ValueTask<SharedVector<T>> TruncateWhenReadyAsync<T>(IArithmeticSuite<T> suite,
        ValueTask<SharedVector<T>> product, int bits,
        CancellationToken ct) where T : unmanaged, IRing<T> =>
        await suite.TruncateAsync(await product.ConfigureAwait(false), bits, ct).ConfigureAwait(false);
}
