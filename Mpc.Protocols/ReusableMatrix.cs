using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// A secret matrix prepared once (<see cref="IArithmeticSuite{T}.PrepareMatrixAsync"/>) as the left factor of many
/// products, X Y and X^T Y, as SecureML reuses its masked training matrix across epochs. The handle holds no shares
/// itself: the suite that prepared it keeps what it needs, so only that suite can multiply with it.
/// </summary>
/// <remarks>
/// <see cref="SelectRows"/> gives a view of consecutive rows (a mini-batch) that shares the preparation: products
/// with a view cost no new preparation. <see cref="ToString"/> prints the shape only.
/// </remarks>
public sealed class ReusableMatrix<T> where T : unmanaged, IRing<T>
{
    /// <summary>A handle for a whole prepared matrix of <paramref name="rows"/> x <paramref name="columns"/>; suites create it.</summary>
    public ReusableMatrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        Whole = this;
    }

    private ReusableMatrix(ReusableMatrix<T> whole, int firstRow, int rows)
    {
        Whole = whole;
        FirstRow = firstRow;
        Rows = rows;
        Columns = whole.Columns;
    }

    /// <summary>The rows of this matrix (of the view, for a selection).</summary>
    public int Rows { get; }

    /// <summary>The columns.</summary>
    public int Columns { get; }

    /// <summary>The index of this view's first row in <see cref="Whole"/> (0 for a whole matrix).</summary>
    public int FirstRow { get; }

    /// <summary>The prepared matrix this view selects from; itself when it is whole.</summary>
    public ReusableMatrix<T> Whole { get; }

    /// <summary>
    /// The rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="count"/>) of this matrix, as a view.
    /// </summary>
    public ReusableMatrix<T> SelectRows(int firstRow, int count)
    {
        if (firstRow < 0 || count < 0 || firstRow + count > Rows)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"Rows {firstRow}..{firstRow + count - 1} do not lie within the {Rows} rows of this matrix.");
        return new ReusableMatrix<T>(Whole, FirstRow + firstRow, count);
    }

    /// <summary>
    /// Checks the right operand of op(X) Y (X^T Y when <paramref name="transposed"/>) with <paramref name="columns"/>
    /// columns: it must have (transposed ? Rows : Columns) x columns elements. Returns the product's element count.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    internal int CheckRightOperand(int length, int columns, bool transposed)
    {
        long expected = (long)(transposed ? Rows : Columns) * columns;
        if (columns < 0 || length != expected)
            throw new ArgumentException($"The right operand of {(transposed ? "X^T" : "X")} Y for a {Rows}x{Columns} X "
                + $"with {columns} columns needs {expected} elements, got {length}.");
        return (transposed ? Columns : Rows) * columns;
    }

    /// <summary>
    /// op(X) Y computed locally on one party's values of the whole prepared matrix (<paramref name="whole"/>, row-major,
    /// e.g. its shares): this view's rows, times <paramref name="y"/> (X^T Y when <paramref name="transposed"/>). Checks
    /// the right operand's shape; returns the product's values.
    /// </summary>
    internal T[] LocalProduct(ReadOnlySpan<T> whole, ReadOnlySpan<T> y, int columns, bool transposed)
    {
        var product = new T[CheckRightOperand(y.Length, columns, transposed)];
        ReadOnlySpan<T> selected = whole.Slice(FirstRow * Columns, Rows * Columns);
        if (transposed) VectorMath.TransposedMatrixMultiply(selected, y, product, Rows, Columns, columns);
        else VectorMath.MatrixMultiply(selected, y, product, Rows, Columns, columns);
        return product;
    }

    /// <inheritdoc />
    public override string ToString() => $"ReusableMatrix<{typeof(T).Name}>[{Rows}x{Columns}]";
}
