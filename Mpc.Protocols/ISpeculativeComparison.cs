using Mpc.Core.Arithmetic;

namespace Mpc.Protocols;

/// <summary>
/// Comparisons a caller may run beside other work and whose result it may throw away: a suite offers them
/// (<see cref="IArithmeticSuite{T}.SpeculativeComparison"/>) when its comparison takes all its tags and preprocessing
/// when it is called (or takes them from a tag channel of its own, comparisons one at a time), and when every value it
/// opens, and every product and truncation of values outside the suite's ranges, stays uniformly masked whatever the
/// input (or the suite says where that stops: <see cref="MasksValuesOutOfRange"/>). Then both sides of a selection
/// can run at once and the unused one be multiplied by 0 (the additive suite on packed dealer bits; the Shamir suite,
/// whose comparisons run on their own channel).
/// </summary>
/// <remarks>Callers use the extensions in <see cref="SuiteOperations"/>, which fall back to the exact comparison, then
/// one product.</remarks>
public interface ISpeculativeComparison<T> where T : unmanaged, IRing<T>
{
    /// <summary>
    /// True when every value the suite opens stays uniformly masked whatever it is (a ring whose masks are uniform over
    /// it, or nothing opened); false when a truncation hides only values within
    /// <see cref="IArithmeticSuite{T}.TruncationInputBits"/> (a field with statistical masks), so that a branch computed
    /// speculatively must keep every value it truncates within them for all inputs the caller allows.
    /// </summary>
    bool MasksValuesOutOfRange => true;

    /// <summary>
    /// [x &lt; 0] where values just below zero may go either way: exact for x &gt;= 0 and for x &lt; -2^j (j =
    /// <paramref name="ignoredBits"/>), 0 or 1 in between, for x in [-2^(b-1), 2^(b-1) - 2^j) with b = <paramref name="inputBits"/>.
    /// </summary>
    ValueTask<SharedVector<T>> LessThanZeroCoarseAsync(SharedVector<T> x, int inputBits, int ignoredBits, CancellationToken ct = default);

    /// <summary>
    /// ([x &lt; 0], [x &lt; 0] y) as <see cref="LessThanZeroCoarseAsync"/> compares, with y (x's length) awaited only when
    /// needed, so that it can be computed beside the comparison; the product made in the comparison's last round.
    /// </summary>
    ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> LessThanZeroAndProductAsync(SharedVector<T> x,
        int inputBits, int ignoredBits,
        Task<SharedVector<T>> multiplicand, CancellationToken ct = default);
}
