using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Diagnostics;

/// <summary>
/// A suite that hands every operation to another through one hook, <see cref="AroundAsync"/> (to time it, delay it,
/// count it), and offers exactly the capabilities the other offers, each through the same hook. Local operations
/// pass straight through.
/// </summary>
/// <param name="inner">The suite that does the work.</param>
public abstract class SuiteDecorator<T>(IArithmeticSuite<T> inner) : IArithmeticSuite<T> where T : unmanaged, IRing<T>
{
    private IFusedTruncation<T>? _fused;
    private IFastPowers<T>? _powers;
    private ISpeculativeComparison<T>? _comparison;

    /// <summary>The suite that does the work.</summary>
    public IArithmeticSuite<T> Inner => inner;

    /// <summary>
    /// Runs one operation of <paramref name="operation"/>'s kind on <paramref name="elements"/> elements: calls
    /// <paramref name="call"/> (synchronously: the operation takes its tags when called, and must still take them in
    /// program order) and returns its result.
    /// </summary>
    protected abstract ValueTask<TResult> AroundAsync<TResult>(SuiteOperation operation, long elements, Func<ValueTask<TResult>> call);

    /// <inheritdoc />
    public Session Session => inner.Session;
    /// <inheritdoc />
    public string Name => inner.Name;
    /// <inheritdoc />
    public int TruncationErrorBound => inner.TruncationErrorBound;
    /// <inheritdoc />
    public int TruncationInputBits => inner.TruncationInputBits;

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> InputAsync(int owner, ReadOnlyMemory<T> values, int length, CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.Input, length, () => inner.InputAsync(owner, values, length, ct));
    /// <inheritdoc />
    public ValueTask<T[]> OpenAsync(SharedVector<T> x, CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.Open, x.Length, () => inner.OpenAsync(x, ct));
    /// <inheritdoc />
    public ValueTask<T[]?> OpenToAsync(int receiver, SharedVector<T> x, CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.Open, x.Length, () => inner.OpenToAsync(receiver, x, ct));
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
        AroundAsync(SuiteOperation.Multiply, x.Length, () => inner.MultiplyAsync(x, y, ct));
    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner1, int columns,
        CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.MatrixProduct, (long)rows * columns, () => inner.MatrixMultiplyAsync(x, y, rows, inner1, columns, ct));
    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.Truncate, x.Length, () => inner.TruncateAsync(x, bits, ct));
    /// <inheritdoc />
    public ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.Compare, x.Length, () => inner.LessThanZeroAsync(x, inputBits, ct));
    /// <inheritdoc />
    public ValueTask<ReusableMatrix<T>> PrepareMatrixAsync(SharedVector<T> x, int rows, int columns, CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.Prepare, x.Length, () => inner.PrepareMatrixAsync(x, rows, columns, ct));
    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.MatrixProduct, (long)x.Rows * columns, () => inner.MatrixMultiplyAsync(x, y, columns, ct));
    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        AroundAsync(SuiteOperation.MatrixProduct, (long)x.Columns * columns, () => inner.TransposedMatrixMultiplyAsync(x, y, columns, ct));

    /// <inheritdoc />
    public IFusedTruncation<T>? FusedTruncation => inner.FusedTruncation is { } f ? _fused ??= new Fused(this, f) : null;
    /// <inheritdoc />
    public IFastPowers<T>? Powers => inner.Powers is { } p ? _powers ??= new FastPowers(this, p) : null;
    /// <inheritdoc />
    public ISpeculativeComparison<T>? SpeculativeComparison =>
        inner.SpeculativeComparison is { } c ? _comparison ??= new Speculative(this, c) : null;

    private sealed class Fused(SuiteDecorator<T> outer, IFusedTruncation<T> fused) : IFusedTruncation<T>
    {
        public ValueTask<SharedVector<T>> MultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int bits,
            CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.MultiplyTruncate, x.Length, () => fused.MultiplyAndTruncateAsync(x, y, bits, ct));
        public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner,
            int columns, int bits, CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.MatrixTruncate, (long)rows * columns,
                () => fused.MatrixMultiplyAndTruncateAsync(x, y, rows, inner, columns, bits, ct));
        public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits,
            CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.MatrixTruncate, (long)x.Rows * columns,
                () => fused.MatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct));
        public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
            int bits, CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.MatrixTruncate, (long)x.Columns * columns,
                () => fused.TransposedMatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct));
    }

    private sealed class FastPowers(SuiteDecorator<T> outer, IFastPowers<T> powers) : IFastPowers<T>
    {
        public ValueTask<SharedVector<T>> PowersAsync(SharedVector<T> x, int degree, CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.Powers, (long)x.Length * degree, () => powers.PowersAsync(x, degree, ct));
        public ValueTask<SharedVector<T>> TruncatedPowersAsync(SharedVector<T> x, int bits, int degree, CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.Powers, (long)x.Length * degree, () => powers.TruncatedPowersAsync(x, bits, degree, ct));
    }

    private sealed class Speculative(SuiteDecorator<T> outer, ISpeculativeComparison<T> comparison) : ISpeculativeComparison<T>
    {
        public bool MasksValuesOutOfRange => comparison.MasksValuesOutOfRange;

        public ValueTask<SharedVector<T>> LessThanZeroCoarseAsync(SharedVector<T> x, int inputBits, int ignoredBits,
            CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.Compare, x.Length, () => comparison.LessThanZeroCoarseAsync(x, inputBits, ignoredBits, ct));
        public ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> LessThanZeroAndProductAsync(SharedVector<T> x,
            int inputBits, int ignoredBits,
            Task<SharedVector<T>> multiplicand, CancellationToken ct = default) =>
            outer.AroundAsync(SuiteOperation.Compare, x.Length,
                () => comparison.LessThanZeroAndProductAsync(x, inputBits, ignoredBits, multiplicand, ct));
    }
}
