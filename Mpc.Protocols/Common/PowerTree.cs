using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Common;

/// <summary>
/// x^1 .. x^d by products only: level i forms every power in (2^(i-1), 2^i] as x^(2^(i-1)) x^(k - 2^(i-1)), all in
/// one batched multiplication, so ceil(log2 d) rounds. Any suite; exact, as its multiplication is.
/// </summary>
internal static class PowerTree
{
    public static async ValueTask<SharedVector<T>> PowersAsync<T>(IArithmeticSuite<T> suite, SharedVector<T> x,
        int degree, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        CheckDegree(degree);
        var powers = new List<SharedVector<T>>(degree) { x }; // x^1 .. x^k so far
        for (int low = 1; low < degree; low *= 2)
        {
            // Powers low + 1 .. min(2 low, degree): x^low times x^1 .. x^(high - low).
            int high = Math.Min(2 * low, degree), count = high - low;
            var left = SharedVector<T>.Concat([.. Enumerable.Repeat(powers[low - 1], count)]);
            var right = SharedVector<T>.Concat([.. powers.Take(count)]);
            var product = await suite.MultiplyAsync(left, right, ct).ConfigureAwait(false);
            for (int j = 0; j < count; j++) powers.Add(product.Slice(j * x.Length, x.Length));
        }
        return SharedVector<T>.Concat([.. powers]);
    }

    public static void CheckDegree(int degree)
    {
        if (degree is < 1 or > Preprocessing.IPowerPreprocessing.MaxDegree)
            throw new ArgumentOutOfRangeException(nameof(degree), degree,
                $"Powers go up to degree 1 to {Preprocessing.IPowerPreprocessing.MaxDegree}.");
    }
}
