using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>
/// A suite that stalls its caller's thread for a random moment before it hands an operation on, as the scheduler does
/// to a thread it preempts: whatever the caller started before runs on meanwhile (its later steps on other threads),
/// so an operation that takes a tag or a preprocessing request late, beside one started after it, takes it in another
/// order than at the other parties. Paired with <see cref="DelayingNetwork"/> in the stress tests.
/// </summary>
public sealed class DelayingSuite<T>(IArithmeticSuite<T> inner, int seed) : IArithmeticSuite<T> where T : unmanaged, IRing<T>
{
    private readonly Random _random = new(seed);   // test timing only, not a protocol's randomness
    private readonly Lock _gate = new();

    private TResult Stalled<TResult>(Func<TResult> call)
    {
        int pause;
        // Mostly nothing or a millisecond or two; now and then as long as a loaded machine keeps a thread waiting.
        lock (_gate) pause = _random.Next(20) switch { 0 => _random.Next(10, 40), < 7 => _random.Next(1, 3), _ => 0 };
        if (pause > 0) Thread.Sleep(pause);
        return call();
    }

    public Session Session => inner.Session;
    public string Name => inner.Name;
    public int TruncationErrorBound => inner.TruncationErrorBound;
    public int TruncationInputBits => inner.TruncationInputBits;
    public bool AllowsSpeculativeEvaluation => inner.AllowsSpeculativeEvaluation;

    public ValueTask<SharedVector<T>> InputAsync(int owner, ReadOnlyMemory<T> values, int length, CancellationToken ct = default) =>
        Stalled(() => inner.InputAsync(owner, values, length, ct));
    public ValueTask<T[]> OpenAsync(SharedVector<T> x, CancellationToken ct = default) => Stalled(() => inner.OpenAsync(x, ct));
    public ValueTask<T[]?> OpenToAsync(int receiver, SharedVector<T> x, CancellationToken ct = default) => Stalled(() => inner.OpenToAsync(receiver, x, ct));
    public SharedVector<T> Constant(ReadOnlySpan<T> values) => inner.Constant(values);
    public SharedVector<T> Add(SharedVector<T> x, SharedVector<T> y) => inner.Add(x, y);
    public SharedVector<T> Subtract(SharedVector<T> x, SharedVector<T> y) => inner.Subtract(x, y);
    public SharedVector<T> AddPublic(SharedVector<T> x, ReadOnlySpan<T> c) => inner.AddPublic(x, c);
    public SharedVector<T> MultiplyPublic(SharedVector<T> x, ReadOnlySpan<T> c) => inner.MultiplyPublic(x, c);
    public SharedVector<T> Scale(SharedVector<T> x, T c) => inner.Scale(x, c);
    public ValueTask<SharedVector<T>> MultiplyAsync(SharedVector<T> x, SharedVector<T> y, CancellationToken ct = default) => Stalled(() => inner.MultiplyAsync(x, y, ct));
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner1, int columns, CancellationToken ct = default) =>
        Stalled(() => inner.MatrixMultiplyAsync(x, y, rows, inner1, columns, ct));
    public ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default) => Stalled(() => inner.TruncateAsync(x, bits, ct));
    public ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default) =>
        Stalled(() => inner.LessThanZeroAsync(x, inputBits, ct));
    public ValueTask<SharedVector<T>> LessThanZeroCoarseAsync(SharedVector<T> x, int inputBits, int ignoredBits, CancellationToken ct = default) =>
        Stalled(() => inner.LessThanZeroCoarseAsync(x, inputBits, ignoredBits, ct));
    public ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> LessThanZeroAndProductAsync(SharedVector<T> x, int inputBits, int ignoredBits,
        Task<SharedVector<T>> multiplicand, CancellationToken ct = default) =>
        Stalled(() => inner.LessThanZeroAndProductAsync(x, inputBits, ignoredBits, multiplicand, ct));
    public ValueTask<SharedVector<T>> PowersAsync(SharedVector<T> x, int degree, CancellationToken ct = default) => Stalled(() => inner.PowersAsync(x, degree, ct));
    public ValueTask<SharedVector<T>> TruncatedPowersAsync(SharedVector<T> x, int bits, int degree, CancellationToken ct = default) =>
        Stalled(() => inner.TruncatedPowersAsync(x, bits, degree, ct));
    public ValueTask<SharedVector<T>> MultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int bits, CancellationToken ct = default) =>
        Stalled(() => inner.MultiplyAndTruncateAsync(x, y, bits, ct));
    public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner1, int columns, int bits, CancellationToken ct = default) =>
        Stalled(() => inner.MatrixMultiplyAndTruncateAsync(x, y, rows, inner1, columns, bits, ct));
    public ValueTask<ReusableMatrix<T>> PrepareMatrixAsync(SharedVector<T> x, int rows, int columns, CancellationToken ct = default) =>
        Stalled(() => inner.PrepareMatrixAsync(x, rows, columns, ct));
    public ValueTask<SharedVector<T>> MatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, CancellationToken ct = default) =>
        Stalled(() => inner.MatrixMultiplyAsync(x, y, columns, ct));
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, CancellationToken ct = default) =>
        Stalled(() => inner.TransposedMatrixMultiplyAsync(x, y, columns, ct));
    public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits, CancellationToken ct = default) =>
        Stalled(() => inner.MatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct));
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits, CancellationToken ct = default) =>
        Stalled(() => inner.TransposedMatrixMultiplyAndTruncateAsync(x, y, columns, bits, ct));
}
