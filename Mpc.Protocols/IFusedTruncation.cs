using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// Products truncated in the same step: a suite that offers them (<see cref="IArithmeticSuite{T}.FusedTruncation"/>)
/// gives the same result, within the same <see cref="IArithmeticSuite{T}.TruncationErrorBound"/>, as the product then
/// <see cref="IArithmeticSuite{T}.TruncateAsync"/>, in fewer rounds or with less work (Shamir opens the masked product
/// straight from its degree-2t shares; the additive suite asks for the truncation's masks with the product's triples).
/// </summary>
/// <remarks>
/// Every operation here takes all its tags and preprocessing when it is called, so it may run beside others. Callers
/// use the extensions in <see cref="SuiteOperations"/>, which fall back to the product then the truncation.
/// </remarks>
public interface IFusedTruncation<T> where T : unmanaged, IRing<T>
{
    /// <summary>x * y elementwise, truncated by <paramref name="bits"/>: a fixed-point product.</summary>
    ValueTask<SharedVector<T>> MultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int bits, CancellationToken ct = default);

    /// <summary>The matrix product (rows x inner times inner x columns), truncated by <paramref name="bits"/>.</summary>
    ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner, int columns,
        int bits, CancellationToken ct = default);

    /// <summary>X Y for a prepared X, truncated by <paramref name="bits"/>.</summary>
    ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits,
        CancellationToken ct = default);

    /// <summary>X^T Y for a prepared X, truncated by <paramref name="bits"/>.</summary>
    ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits,
        CancellationToken ct = default);
}
