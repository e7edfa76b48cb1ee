using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Common;

/// <summary>
/// [x &lt; 0] and [x &lt; 0] y by the suite's ordinary operations: the comparison (its tags taken at once), then one
/// product once y is ready: the comparison's rounds plus one.
/// </summary>
internal static class ComparisonProduct
{
    public static async ValueTask<(SharedVector<T> Bits, SharedVector<T> Products)> SequentialAsync<T>(IArithmeticSuite<T> suite,
        SharedVector<T> x, int inputBits, int ignoredBits, Task<SharedVector<T>> multiplicand, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var comparison = suite.LessThanZeroCoarseAsync(x, inputBits, ignoredBits, ct);
        var bits = await comparison.ConfigureAwait(false);
        var y = await multiplicand.ConfigureAwait(false);
        if (y.Length != x.Length)
            throw new ArgumentException($"The multiplicand has {y.Length} elements, the comparison {x.Length}.", nameof(multiplicand));
        return (bits, await suite.MultiplyAsync(bits, y, ct).ConfigureAwait(false));
    }
}
