using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Ml.Sigmoid;

/// <summary>Helpers the approximations share: interval checks, bounds, and slicing of batched vectors.</summary>
internal static class SigmoidIntervals
{
    /// <summary>s with 2^s = bound; the fit interval must be a power of two so that dividing by it is exact.</summary>
    public static int ShiftOf(double bound)
    {
        if (!(bound >= 1) || !double.IsFinite(bound) || Math.ScaleB(1, (int)Math.Round(Math.Log2(bound))) != bound)
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The interval bound must be a power of two, at least 1.");
        return (int)Math.Round(Math.Log2(bound));
    }

    /// <summary>Signed bits to compare values of magnitude up to <paramref name="magnitude"/> at f fractional bits.</summary>
    public static double ComparisonBits(double magnitude, int fractionalBits) => Math.Log2(magnitude + 1) + fractionalBits + 2;

    /// <summary>The largest |f(z) - y|, y in {0, 1}, on a fine grid of [-bound, bound].</summary>
    public static double ResidualBound(Func<double, double> f, double bound)
    {
        double worst = 0;
        for (int i = 0; i <= 4000; i++)
        {
            double v = f(-bound + 2 * bound * i / 4000);
            worst = Math.Max(worst, Math.Max(Math.Abs(v), Math.Abs(1 - v)));
        }
        return worst;
    }

    public static SharedVector<T> Concatenate<T>(SharedVector<T> a, SharedVector<T> b) where T : unmanaged, IRing<T> =>
        SharedVector<T>.Concat(a, b);

    public static SharedVector<T> Slice<T>(SharedVector<T> x, int start, int length) where T : unmanaged, IRing<T> =>
        x.Slice(start, length);
}
