using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;

namespace Mpc.Protocols.FixedPoint;

/// <summary>
/// Secret fixed-point reals over any suite: values are encoded with <see cref="Format"/>, products are
/// truncated by f bits after multiplying. A fixed-point product costs the suite's multiplication round plus
/// one truncation round.
/// </summary>
public sealed class FixedPointArithmetic<T>(IArithmeticSuite<T> suite, FixedPointFormat format) where T : unmanaged, IRing<T>
{
    /// <summary>The suite underneath.</summary>
    public IArithmeticSuite<T> Suite => suite;

    /// <summary>The encoding.</summary>
    public FixedPointFormat Format => format;

    /// <summary>
    /// The largest magnitude a product of two values may have: the double-width product must stay within the
    /// suite's truncation range, |x y| 2^(2f) &lt; 2^(b-2).
    /// </summary>
    public double MaxProductMagnitude => Math.ScaleB(1.0, suite.TruncationInputBits - 2 - 2 * format.FractionalBits);

    /// <summary>
    /// Encodes and shares the owner's reals; other parties' values are ignored. See <see cref="IArithmeticSuite{T}.InputAsync"/>.
    /// </summary>
    public ValueTask<SharedVector<T>> InputAsync(int owner, ReadOnlyMemory<double> values, int length, CancellationToken ct = default)
    {
        var encoded = suite.Session.PartyId == owner ? format.Encode<T>(values.Span) : [];
        return suite.InputAsync(owner, encoded, length, ct);
    }

    /// <summary>Opens and decodes. One round.</summary>
    public async ValueTask<double[]> OpenAsync(SharedVector<T> x, CancellationToken ct = default) =>
        format.Decode<T>(await suite.OpenAsync(x, ct).ConfigureAwait(false));

    /// <summary>Opens to one party and decodes there; others get null. One round.</summary>
    public async ValueTask<double[]?> OpenToAsync(int receiver, SharedVector<T> x, CancellationToken ct = default)
    {
        var opened = await suite.OpenToAsync(receiver, x, ct).ConfigureAwait(false);
        return opened is null ? null : format.Decode<T>(opened);
    }

    /// <summary>A sharing of public reals. Local.</summary>
    public SharedVector<T> Constant(ReadOnlySpan<double> values) => suite.Constant(format.Encode<T>(values));

    /// <summary>x + c for public reals c. Local.</summary>
    public SharedVector<T> AddPublic(SharedVector<T> x, ReadOnlySpan<double> c) => suite.AddPublic(x, format.Encode<T>(c));

    /// <summary>x * k for a public integer k (no truncation needed). Local.</summary>
    public SharedVector<T> ScaleByInteger(SharedVector<T> x, long k) => suite.Scale(x, T.FromInt64(k));

    /// <summary>x * c for public reals c, truncated. One round.</summary>
    public ValueTask<SharedVector<T>> MultiplyPublicAsync(SharedVector<T> x, ReadOnlySpan<double> c, CancellationToken ct = default) =>
        suite.TruncateAsync(suite.MultiplyPublic(x, format.Encode<T>(c)), format.FractionalBits, ct);

    /// <summary>x * c for one public real c, truncated. One round.</summary>
    public ValueTask<SharedVector<T>> ScaleAsync(SharedVector<T> x, double c, CancellationToken ct = default) =>
        suite.TruncateAsync(suite.Scale(x, format.Encode<T>(c)), format.FractionalBits, ct);

    /// <summary>x * y elementwise, truncated: the suite's fused multiply-and-truncate.</summary>
    public ValueTask<SharedVector<T>> MultiplyAsync(SharedVector<T> x, SharedVector<T> y, CancellationToken ct = default) =>
        suite.MultiplyAndTruncateAsync(x, y, format.FractionalBits, ct);

    /// <summary>
    /// [x &lt; y] as a shared 0/1 integer (not scaled by 2^f), exact, for values whose difference lies within
    /// the format's range. Costs the suite's comparison rounds.
    /// </summary>
    public ValueTask<SharedVector<T>> LessThanAsync(SharedVector<T> x, SharedVector<T> y, CancellationToken ct = default)
    {
        int bits = Math.Min(suite.TruncationInputBits, format.SignedBits<T>());
        return suite.LessThanZeroAsync(suite.Subtract(x, y), bits, ct);
    }

    /// <summary>The matrix product, truncated once per result element: the suite's fused form.</summary>
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner, int columns,
        CancellationToken ct = default) =>
        suite.MatrixMultiplyAndTruncateAsync(x, y, rows, inner, columns, format.FractionalBits, ct);

    /// <summary>
    /// Prepares x (rows x columns) as the reusable left factor of many products; see <see cref="IArithmeticSuite{T}.PrepareMatrixAsync"/>.
    /// </summary>
    public ValueTask<ReusableMatrix<T>> PrepareMatrixAsync(SharedVector<T> x, int rows, int columns, CancellationToken ct = default) =>
        suite.PrepareMatrixAsync(x, rows, columns, ct);

    /// <summary>X Y for a prepared X, truncated once per result element.</summary>
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        suite.MatrixMultiplyAndTruncateAsync(x, y, columns, format.FractionalBits, ct);

    /// <summary>X^T Y for a prepared X, truncated once per result element.</summary>
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        CancellationToken ct = default) =>
        suite.TransposedMatrixMultiplyAndTruncateAsync(x, y, columns, format.FractionalBits, ct);
}
