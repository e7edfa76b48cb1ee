using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;
using Mpc.Net;

namespace Mpc.Protocols.Replicated;

// Matrix products: the cross terms of a product are bilinear, so a matrix product's are two local matrix products,
// X_i (Y_i + Y_{i+1}) + X_{i+1} Y_i, and only the result is reshared: traffic proportional to the result.
public sealed partial class ReplicatedSuite
{
    // Matrices this suite prepared, with their shares: preparing costs nothing, as the shares are already random.
    private readonly ConditionalWeakTable<ReusableMatrix<Z2kPair>, Z2kPair[]> _prepared = new();

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MatrixMultiplyAsync(SharedVector<Z2kPair> x, SharedVector<Z2kPair> y, int rows, int inner,
        int columns, CancellationToken ct = default)
    {
        CheckShape(x.Length, y.Length, rows, inner, columns);
        var tag = _session.NextTag();
        var z = MatrixCrossTerms(x.Shares, y.Shares, rows, inner, columns, transposed: false, tag);
        return await ReshareAsync(z, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>No round: the shares are kept as they are.</remarks>
    public ValueTask<ReusableMatrix<Z2kPair>> PrepareMatrixAsync(SharedVector<Z2kPair> x, int rows, int columns,
        CancellationToken ct = default)
    {
        if ((long)rows * columns != x.Length)
            throw new ArgumentException($"A {rows}x{columns} matrix needs {(long)rows * columns} elements, got {x.Length}.", nameof(x));
        var matrix = new ReusableMatrix<Z2kPair>(rows, columns);
        _prepared.Add(matrix, x.Shares);
        return ValueTask.FromResult(matrix);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> MatrixMultiplyAsync(ReusableMatrix<Z2kPair> x, SharedVector<Z2kPair> y, int columns,
        CancellationToken ct = default)
    {
        var tag = _session.NextTag();
        var z = PreparedCrossTerms(x, y, columns, transposed: false, tag);
        return await ReshareAsync(z, tag, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<Z2kPair>> TransposedMatrixMultiplyAsync(ReusableMatrix<Z2kPair> x, SharedVector<Z2kPair> y,
        int columns, CancellationToken ct = default)
    {
        var tag = _session.NextTag();
        var z = PreparedCrossTerms(x, y, columns, transposed: true, tag);
        return await ReshareAsync(z, tag, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// My additive share of op(X) Y for a prepared X (or a row view of it), with a zero share under <paramref name="tag"/>.
    /// </summary>
    private ulong[] PreparedCrossTerms(ReusableMatrix<Z2kPair> x, SharedVector<Z2kPair> y, int columns, bool transposed, StreamTag tag)
    {
        if (!_prepared.TryGetValue(x.Whole, out var whole))
            throw new ArgumentException("This matrix was prepared by another suite.", nameof(x));
        x.CheckRightOperand(y.Length, columns, transposed);
        var rows = whole.AsSpan(x.FirstRow * x.Columns, x.Rows * x.Columns);
        return MatrixCrossTerms(rows, y.Shares, x.Rows, x.Columns, columns, transposed, tag);
    }

    /// <summary>
    /// My additive share of X Y (X is rows x inner) or, when <paramref name="transposed"/>, of X^T Y (Y is rows x
    /// columns): X_i (Y_i + Y_{i+1}) + X_{i+1} Y_i plus a zero share.
    /// </summary>
    private ulong[] MatrixCrossTerms(ReadOnlySpan<Z2kPair> x, ReadOnlySpan<Z2kPair> y, int rows, int inner, int columns,
        bool transposed, StreamTag tag)
    {
        int yRows = transposed ? rows : inner, resultRows = transposed ? inner : rows;
        var sum = new Z2k[yRows * columns];   // Y_i + Y_{i+1}
        var own = new Z2k[yRows * columns];   // Y_i
        for (int k = 0; k < sum.Length; k++)
        {
            sum[k] = new Z2k(unchecked(y[k].First + y[k].Second));
            own[k] = new Z2k(y[k].First);
        }
        var z = ZeroShares(resultRows * columns, tag);
        var result = MemoryMarshal.Cast<ulong, Z2k>(z.AsSpan());
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < inner; k++)
            {
                var a = x[i * inner + k];
                // X Y: row i of the result gathers row k of Y; X^T Y: row k of the result gathers row i of Y.
                int yRow = transposed ? i : k, zRow = transposed ? k : i;
                var target = result.Slice(zRow * columns, columns);
                VectorMath.AddScaled<Z2k>(sum.AsSpan(yRow * columns, columns), new Z2k(a.First), target);
                VectorMath.AddScaled<Z2k>(own.AsSpan(yRow * columns, columns), new Z2k(a.Second), target);
            }
        }
        return z;
    }

    private static void CheckShape(int xLength, int yLength, int rows, int inner, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (xLength != (long)rows * inner) throw new ArgumentException($"Left matrix has {xLength} elements, expected {rows}x{inner}.");
        if (yLength != (long)inner * columns)
            throw new ArgumentException($"Right matrix has {yLength} elements, expected {inner}x{columns}.");
    }
}
