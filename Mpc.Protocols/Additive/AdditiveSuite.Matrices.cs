using System.Buffers;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Protocols.Additive;

// Matrix products: with matrix triples, or against a matrix masked once and reused (SecureML).
public sealed partial class AdditiveSuite
{
    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2k>> MatrixMultiplyAsync(SharedVector<Z2k> x, SharedVector<Z2k> y, int rows, int inner,
        int columns, CancellationToken ct = default)
    {
        if (x.Length != rows * inner || y.Length != inner * columns)
            throw new ArgumentException(
                $"Matrix product of {x.Length} and {y.Length} elements does not fit {rows}x{inner} times {inner}x{columns}.");
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
    public async ValueTask<ReusableMatrix<Z2k>> PrepareMatrixAsync(SharedVector<Z2k> x, int rows, int columns,
        CancellationToken ct = default)
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
    public ValueTask<SharedVector<Z2k>> MatrixMultiplyAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns,
        CancellationToken ct = default) =>
        ReusedProductAsync(x, y, columns, transposed: false, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<Z2k>> TransposedMatrixMultiplyAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns,
        CancellationToken ct = default) =>
        ReusedProductAsync(x, y, columns, transposed: true, ct);

    /// <summary>
    /// op(X) Y with X = E + A prepared: a triple (B, C = op(A) B) for the fixed A, one round to open F = Y - B, then
    /// op(X) Y = C + op(A) F + op(E) (B + F at the leader, B elsewhere).
    /// </summary>
    private async ValueTask<SharedVector<Z2k>> ReusedProductAsync(ReusableMatrix<Z2k> x, SharedVector<Z2k> y, int columns,
        bool transposed, CancellationToken ct)
    {
        if (!_prepared.TryGetValue(x.Whole, out var prepared))
            throw new ArgumentException("This matrix was not prepared by this suite.", nameof(x));
        int rows = x.Rows, width = x.Columns;
        x.CheckRightOperand(y.Length, columns, transposed);
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
}
