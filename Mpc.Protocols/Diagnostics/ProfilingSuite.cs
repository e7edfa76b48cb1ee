using System.Diagnostics;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Diagnostics;

/// <summary>
/// A suite that forwards every operation to another and records its wall time in an <see cref="OperationProfile"/>:
/// where training spends its time (products, truncations, comparisons). Adds no rounds and changes no result.
/// </summary>
public sealed class ProfilingSuite<T>(IArithmeticSuite<T> inner, OperationProfile profile) : IArithmeticSuite<T> where T : unmanaged, IRing<T>
{
    private const int Input = 0, Open = 1, Multiply = 2, MatrixProduct = 3, Truncate = 4, MultiplyTruncate = 5, MatrixTruncate = 6, Compare = 7, Prepare = 8, Powers = 9;

    /// <summary>The suite that does the work.</summary>
    public IArithmeticSuite<T> Inner => inner;

    /// <summary>What has been recorded.</summary>
    public OperationProfile Profile => profile;

    /// <inheritdoc />
    public Session Session => inner.Session;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public int TruncationErrorBound => inner.TruncationErrorBound;

    /// <inheritdoc />
    public int TruncationInputBits => inner.TruncationInputBits;

    /// <inheritdoc />
    public bool AllowsSpeculativeEvaluation => inner.AllowsSpeculativeEvaluation;

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> InputAsync(int owner, ReadOnlyMemory<T> values, int length, CancellationToken ct = default) =>
        Time(Input, length, Stopwatch.GetTimestamp(), inner.InputAsync(owner, values, length, ct));

    /// <inheritdoc />
    public ValueTask<T[]> OpenAsync(SharedVector<T> x, CancellationToken ct = default) => Time(Open, x.Length, Stopwatch.GetTimestamp(), inner.OpenAsync(x, ct));

    /// <inheritdoc />
    public ValueTask<T[]?> OpenToAsync(int receiver, SharedVector<T> x, CancellationToken ct = default) => Time(Open, x.Length, Stopwatch.GetTimestamp(), inner.OpenToAsync(receiver, x, ct));

    /// <inheritdoc />
    public SharedVector<T> Constant(ReadOnlySpan<T> values) => inner.Constant(values);

    /// <inheritdoc />
    public SharedVector<T> Add(SharedVector<T> x, SharedVector<T> y) => inner.Add(x, y);

    /// <inheritdoc />
    public SharedVector<T> Subtract(SharedVector<T> x, SharedVector<T> y) => inner.Subtract(x, y);

    /// <inheritdoc />
    public SharedVector<T> AddPublic(SharedVector<T> x, ReadOnlySpan<T> c) => inner.AddPublic(x, c);

    /// <inheritdoc />
    public SharedVector<T> MultiplyPublic(SharedVector<T> x, ReadOnlySpan<T> c) => inner.MultiplyPublic(x, c);

    /// <inheritdoc />
    public SharedVector<T> Scale(SharedVector<T> x, T c) => inner.Scale(x, c);

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MultiplyAsync(SharedVector<T> x, SharedVector<T> y, CancellationToken ct = default) =>
        Time(Multiply, x.Length, Stopwatch.GetTimestamp(), inner.MultiplyAsync(x, y, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner1, int columns, CancellationToken ct = default) =>
        Time(MatrixProduct, (long)rows * columns, Stopwatch.GetTimestamp(), inner.MatrixMultiplyAsync(x, y, rows, inner1, columns, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default) =>
        Time(Truncate, x.Length, Stopwatch.GetTimestamp(), inner.TruncateAsync(x, bits, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default) =>
        Time(Compare, x.Length, Stopwatch.GetTimestamp(), inner.LessThanZeroAsync(x, inputBits, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> PowersAsync(SharedVector<T> x, int degree, CancellationToken ct = default) =>
        Time(Powers, (long)x.Length * degree, Stopwatch.GetTimestamp(), inner.PowersAsync(x, degree, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> LessThanZeroCoarseAsync(SharedVector<T> x, int inputBits, int ignoredBits, CancellationToken ct = default) =>
        Time(Compare, x.Length, Stopwatch.GetTimestamp(), inner.LessThanZeroCoarseAsync(x, inputBits, ignoredBits, ct));

    /// <inheritdoc />
    public ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> LessThanZeroAndProductAsync(SharedVector<T> x, int inputBits, int ignoredBits,
        Task<SharedVector<T>> multiplicand, CancellationToken ct = default) =>
        Time(Compare, x.Length, Stopwatch.GetTimestamp(), inner.LessThanZeroAndProductAsync(x, inputBits, ignoredBits, multiplicand, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TruncatedPowersAsync(SharedVector<T> x, int bits, int degree, CancellationToken ct = default) =>
        Time(Powers, (long)x.Length * degree, Stopwatch.GetTimestamp(), inner.TruncatedPowersAsync(x, bits, degree, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int bits, CancellationToken ct = default) =>
        Time(MultiplyTruncate, x.Length, Stopwatch.GetTimestamp(), inner.MultiplyAndTruncateAsync(x, y, bits, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner1, int columns, int bits, CancellationToken ct = default) =>
        Time(MatrixTruncate, (long)rows * columns, Stopwatch.GetTimestamp(), inner.MatrixMultiplyAndTruncateAsync(x, y, rows, inner1, columns, bits, ct));

    /// <inheritdoc />
    public ValueTask<ReusableMatrix<T>> PrepareMatrixAsync(SharedVector<T> x, int rows, int columns, CancellationToken ct = default) =>
        Time(Prepare, x.Length, Stopwatch.GetTimestamp(), inner.PrepareMatrixAsync(x, rows, columns, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, CancellationToken ct = default) =>
        Time(MatrixProduct, (long)x.Rows * columns, Stopwatch.GetTimestamp(), inner.MatrixMultiplyAsync(x, y, columns, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, CancellationToken ct = default) =>
        Time(MatrixProduct, (long)x.Columns * columns, Stopwatch.GetTimestamp(), inner.TransposedMatrixMultiplyAsync(x, y, columns, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits, CancellationToken ct = default) =>
        Time(MatrixTruncate, (long)x.Rows * columns, Stopwatch.GetTimestamp(), inner.MatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct));

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits, CancellationToken ct = default) =>
        Time(MatrixTruncate, (long)x.Columns * columns, Stopwatch.GetTimestamp(), inner.TransposedMatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct));

    // The start is read before the operation is called (arguments evaluate left to right), so its synchronous
    // part counts too; the operation takes its tags when called, so timing never reorders operations.
    private async ValueTask<TResult> Time<TResult>(int kind, long elements, long start, ValueTask<TResult> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        finally
        {
            profile.Add(kind, elements, start);
        }
    }
}
