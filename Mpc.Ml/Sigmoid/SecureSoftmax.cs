using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// softmax(z)_k = e^(z_k - m) / Σ_j e^(z_j - m) of every row of a shared n x K score matrix, with m the row's maximum,
/// by the approximation CrypTen uses (Knott et al., "CrypTen: Secure Multi-Party Computation Meets Machine Learning",
/// NeurIPS 2021): the row maximum by a tournament of comparisons, e^d for d = z - m &lt;= 0 by the limit
/// (1 + d / 2^s)^(2^s) (s squarings; the base clipped at 0, so that d &lt; -2^s gives 0, not a large even power), and the
/// reciprocal of the row sum by Goldschmidt's iteration from the minimax line on [1 - 2^-4, K]. Semi-honest, as the suite.
/// </summary>
/// <remarks>
/// <para>Error: (1 + d / n)^n lies in [e^d - d^2 e^d / (2n), e^d] (below e^d by less than 2 e^-2 / n), n = 2^8 here.
/// Normalised, the largest error on a probability, over rows whose other classes lie at a common distance below the
/// maximum (the worst case), is 9e-4 for K = 2, 4e-3 for K = 10, 4.5e-3 for K = 12, 7.6e-3 for K = 32 and 1.7e-2 for
/// K = 256. The squarings keep f + s fractional bits, so their rounding stays near 2^-f, and the reciprocal converges
/// to 2^-(f-4) relative (each step's rounding adds about a unit): at f = 16 each probability is within 5e-3 of the
/// exact softmax for K up to 12 (<c>SecureSoftmaxTests</c>, random N and scores). The row sum is at least e^0 = 1 (the
/// maximum's own term) less the maximum's own error, at most K.</para>
/// <para>Rounds, in the suite's comparison C and fused fixed-point product M: the tournament ceil(log2 K) (C + M, the
/// product fused into the comparison's last round where the suite allows), the clip likewise, the squarings s M, the
/// reciprocal 2 M and one per Goldschmidt step (<see cref="ReciprocalSteps"/>), the probabilities M. Every operation is on all n K
/// elements (or n) at once; comparisons ignore the low f - 5 bits (coarse) where the suite allows.</para>
/// </remarks>
public static class SecureSoftmax
{
    /// <summary>log2 of the limit's n: e^d ~ (1 + d / 2^s)^(2^s).</summary>
    public const int Squarings = 8;

    // The row sum lies in [1 - error, K] (the maximum is found to within 2^-5, its own term at least e^-(1/32) less
    // the exponential's error); the minimax line for 1/x starts the iteration on it.
    private const double SmallestSum = 1 - 1.0 / 16;

    // Low bits of f a comparison may ignore: the maximum is then within 2^-5 of the true one (see the coarse comparison).
    private const int PrecisionKept = 5;

    /// <summary>The approximation in double precision, row by row: what the secure version computes, less its rounding.</summary>
    public static double[] Evaluate(ReadOnlySpan<double> scores, int classes)
    {
        var result = new double[scores.Length];
        for (int row = 0; row < scores.Length / classes; row++)
        {
            var z = scores.Slice(row * classes, classes);
            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in z) max = Math.Max(max, v);
            for (int k = 0; k < classes; k++)
            {
                double e = Math.Pow(Math.Max(0, 1 + (z[k] - max) / (1 << Squarings)), 1 << Squarings);
                result[row * classes + k] = e;
                sum += e;
            }
            for (int k = 0; k < classes; k++) result[row * classes + k] /= sum;
        }
        return result;
    }

    /// <summary>
    /// Steps (Newton's or Goldschmidt's: each squares the relative error) that bring the minimax line's below 2^-(f-4)
    /// for row sums in [1, K]: far below the exponential's error.
    /// </summary>
    public static int ReciprocalSteps(int classes, int fractionalBits)
    {
        var (_, _, error) = Line(classes);
        int steps = 0;
        for (double e = error; e > Math.ScaleB(1, -(fractionalBits - 4)); e *= e) steps++;
        return steps;
    }

    /// <summary>
    /// The softmax of every row of <paramref name="scores"/> (n x <paramref name="classes"/>, row-major, f fractional
    /// bits), each score at most <paramref name="scoreBound"/> in magnitude.
    /// </summary>
    public static async ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> scores,
        int classes, double scoreBound, CancellationToken ct = default) where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int f = fixedPoint.Format.FractionalBits, n = scores.Length / classes;
        // Differences of scores, and the clipped base below, span at most this many signed bits.
        int limit = Math.Min(suite.TruncationInputBits, fixedPoint.Format.SignedBits<T>());
        int bits = Math.Min(limit, (int)Math.Ceiling(Math.Log2(2 * scoreBound + Math.ScaleB(1.0, Squarings) + 1)) + f + 2);
        var columns = Enumerable.Range(0, classes).Select(k => Column(scores, k, classes)).ToArray();
        // The row maximum within 2^-5: a tournament of coarse comparisons, each fused with its product.
        var max = await suite.ElementwiseMaxAsync(columns, bits, f - PrecisionKept, ct).ConfigureAwait(false);
        var broadcast = max.Select([.. Enumerable.Range(0, n * classes).Select(i => i / classes)]);

        // base = 1 + d / 2^s, at f + s fractional bits so that d loses nothing; clipped at 0 (a base within 2^-(f + s - j)
        // below 0 may stay: its 2^s-th power is 0 in the format).
        var shifted = suite.AddPublic(suite.Subtract(scores, broadcast), Fill<T>(Math.ScaleB(1.0, f + Squarings), n * classes));
        var (_, clip) = await suite.LessThanZeroAndProductAsync(shifted, bits, f - PrecisionKept, Task.FromResult(shifted), ct)
            .ConfigureAwait(false);
        // Every squaring keeps F = f + s fractional bits (values at most 1, so squares of 2F bits fit), so that d is resolved
        // to 2^-f and the s squarings add about one unit of 2^-F each, not 2^s units of 2^-f; the exponentials and their
        // sums stay at F, and each product with them truncates by F, landing at f.
        int wide = f + Squarings;
        var power = suite.Subtract(shifted, clip);
        for (int i = 0; i < Squarings; i++) power = await suite.MultiplyAndTruncateAsync(power, power, wide, ct).ConfigureAwait(false);

        var sums = Column(power, 0, classes);
        for (int k = 1; k < classes; k++) sums = suite.Add(sums, Column(power, k, classes));
        var inverse = await ReciprocalAsync(fixedPoint, sums, wide, classes, ct).ConfigureAwait(false);
        return await suite.MultiplyAndTruncateAsync(power, inverse.Select([.. Enumerable.Range(0, n * classes).Select(i => i / classes)]),
            wide, ct).ConfigureAwait(false);
    }

    // 1/x (at f bits) for x (at `wide` bits) in [1 - 2^-4, K]: the minimax line y = c0 - c1 x (relative error E), then
    // Goldschmidt's iteration (Goldschmidt 1964): e = 1 - x y, and each step y <- y (1 + e), e <- e^2 as one product of
    // twice the length, so that after k steps y is within E^(2^k) of 1/x in one product per step (Newton's takes two).
    private static async ValueTask<SharedVector<T>> ReciprocalAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> sums,
        int wide, int classes, CancellationToken ct) where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        var format = fixedPoint.Format;
        var (c0, c1, _) = Line(classes);
        int n = sums.Length;
        var line = await suite.TruncateAsync(suite.Scale(sums, format.Encode<T>(-c1)), wide, ct).ConfigureAwait(false);
        var estimate = suite.AddPublic(line, format.Encode<T>(Enumerable.Repeat(c0, n).ToArray()));
        var ones = format.Encode<T>(Enumerable.Repeat(1.0, n).ToArray());
        var product = await suite.MultiplyAndTruncateAsync(sums, estimate, wide, ct).ConfigureAwait(false);
        var error = suite.AddPublic(suite.Scale(product, T.FromInt64(-1)), ones);
        for (int step = ReciprocalSteps(classes, format.FractionalBits); step > 0; step--)
        {
            var both = await fixedPoint.MultiplyAsync(SharedVector<T>.Concat(estimate, error),
                SharedVector<T>.Concat(suite.AddPublic(error, ones), error), ct).ConfigureAwait(false);
            (estimate, error) = (both.Slice(0, n), both.Slice(n, n));
        }
        return estimate;
    }

    // The line c0 - c1 x minimising max |1 - x (c0 - c1 x)| over [a, b]: it equioscillates at a, b and c0 / (2 c1).
    private static (double C0, double C1, double Error) Line(int classes)
    {
        double a = SmallestSum, b = Math.Max(classes, 2);
        double c1 = 8 / (4 * a * b + (a + b) * (a + b)), c0 = c1 * (a + b);
        return (c0, c1, 1 - c1 * a * b);
    }

    private static SharedVector<T> Column<T>(SharedVector<T> matrix, int k, int classes) where T : unmanaged, IRing<T> =>
        matrix.Select([.. Enumerable.Range(0, matrix.Length / classes).Select(row => row * classes + k)]);

    private static T[] Fill<T>(double value, int length) where T : unmanaged, IRing<T> =>
        Enumerable.Repeat(T.FromInt128((Int128)Math.Round(value)), length).ToArray();
}
