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
        int n = x.Length;
        var powers = new T[degree * n];
        x.LocalShares.CopyTo(powers);
        for (int low = 1; low < degree; low *= 2)
        {
            // Powers low + 1 .. min(2 low, degree): x^low times x^1 .. x^(high - low).
            int high = Math.Min(2 * low, degree), count = high - low;
            var left = new T[count * n];
            for (int j = 0; j < count; j++) powers.AsSpan((low - 1) * n, n).CopyTo(left.AsSpan(j * n));
            var right = new SharedVector<T>(powers.AsSpan(0, count * n).ToArray());
            var product = await suite.MultiplyAsync(new SharedVector<T>(left), right, ct).ConfigureAwait(false);
            product.LocalShares.CopyTo(powers.AsSpan(low * n));
        }
        return new SharedVector<T>(powers);
    }

    public static void CheckDegree(int degree)
    {
        if (degree is < 1 or > Preprocessing.IPowerPreprocessing.MaxDegree)
            throw new ArgumentOutOfRangeException(nameof(degree), degree,
                $"Powers go up to degree 1 to {Preprocessing.IPowerPreprocessing.MaxDegree}.");
    }
}
