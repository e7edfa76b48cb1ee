using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// Powers in fewer rounds than a tree of products: a suite that offers them (<see cref="IArithmeticSuite{T}.Powers"/>)
/// gives exactly the ring or field powers the tree gives (the additive suite with power masks opens x + rho once and
/// expands: one round for any degree).
/// </summary>
/// <remarks>
/// Every operation here takes all its tags and preprocessing when it is called. Callers use the extensions in
/// <see cref="SuiteOperations"/>, which fall back to the tree (ceil(log2 degree) rounds, taking its tags level by level).
/// </remarks>
public interface IFastPowers<T> where T : unmanaged, IRing<T>
{
    /// <summary>x, x^2, ..., x^<paramref name="degree"/> elementwise, exactly, power-major: elements [(k - 1) n, k n) hold x^k.</summary>
    ValueTask<SharedVector<T>> PowersAsync(SharedVector<T> x, int degree, CancellationToken ct = default);

    /// <summary>
    /// t, t^2, ..., t^<paramref name="degree"/> for t = the truncation of x by <paramref name="bits"/>, power-major, from
    /// the truncation's own opening.
    /// </summary>
    ValueTask<SharedVector<T>> TruncatedPowersAsync(SharedVector<T> x, int bits, int degree, CancellationToken ct = default);
}
