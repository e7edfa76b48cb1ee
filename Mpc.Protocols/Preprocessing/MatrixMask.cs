using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// My shares of a random matrix A (rows x columns, row-major) that masks one secret matrix X once (X - A is
/// opened a single time) and is then the fixed left factor of many matrix triples
/// (<see cref="IAdditivePreprocessing.TakeMatrixTripleForAsync"/>), as in SecureML (Mohassel and Zhang 2017).
/// </summary>
/// <remarks>
/// <see cref="SelectRows"/> gives a view of consecutive rows (a mini-batch) over the same A. Sources that must
/// remember something per mask (the dealer keeps the full A) key it on <see cref="Whole"/>.
/// </remarks>
public sealed class MatrixMask
{
    private readonly Z2k[] _shares;

    /// <summary>Wraps my shares of a whole mask; preprocessing sources create it.</summary>
    public MatrixMask(Z2k[] shares, int rows, int columns)
    {
        if (shares.Length != (long)rows * columns)
            throw new ArgumentException($"A {rows}x{columns} mask needs {(long)rows * columns} shares, got {shares.Length}.",
                nameof(shares));
        _shares = shares;
        Rows = rows;
        Columns = columns;
        Whole = this;
    }

    private MatrixMask(MatrixMask whole, int firstRow, int rows)
    {
        _shares = whole._shares;
        Whole = whole;
        FirstRow = firstRow;
        Rows = rows;
        Columns = whole.Columns;
    }

    /// <summary>Rows of this mask (of the view, for a selection).</summary>
    public int Rows { get; }

    /// <summary>Columns.</summary>
    public int Columns { get; }

    /// <summary>The index of this view's first row in <see cref="Whole"/>.</summary>
    public int FirstRow { get; }

    /// <summary>The whole mask this view selects from; itself when it is whole.</summary>
    public MatrixMask Whole { get; }

    /// <summary>My shares of this view's rows of A, row-major.</summary>
    public ReadOnlySpan<Z2k> Shares => _shares.AsSpan(FirstRow * Columns, Rows * Columns);

    /// <summary>
    /// Rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="count"/>) of this mask, as a view.
    /// </summary>
    public MatrixMask SelectRows(int firstRow, int count)
    {
        if (firstRow < 0 || count < 0 || firstRow + count > Rows)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"Rows {firstRow}..{firstRow + count - 1} do not lie within the {Rows} rows of this mask.");
        return new MatrixMask(Whole, FirstRow + firstRow, count);
    }

    /// <inheritdoc />
    public override string ToString() => $"MatrixMask[{Rows}x{Columns}]";
}
