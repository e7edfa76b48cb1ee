using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// softmax(z)_k = e^(z_k - m) / Σ_j e^(z_j - m) of every row of a shared n x K score matrix, with m the row's maximum,
/// after the approximation CrypTen uses (Knott et al., "CrypTen: Secure Multi-Party Computation Meets Machine Learning",
/// NeurIPS 2021): the row maximum by a tournament of comparisons, e^d for d = z - m &lt;= 0 by a power
/// (1 + y + y^2 / 2)^(2^s) of the second-order Taylor base at y = d / 2^s (CrypTen's limit (1 + y)^(2^s) needs 2^s
/// about 8 times larger for the same error: three more squarings), with 1 + y clipped at 0 so that d &lt; -2^s gives
/// (1/2)^(2^s), about 0, not a large power; and the reciprocal of the row sum by Goldschmidt's iteration from the
/// minimax line on [1 - 2^-4, K]. Semi-honest, as the suite.
/// </summary>
/// <remarks>
/// <para>Error: for y in [-1, 0], e^y &lt;= 1 + y + y^2 / 2 &lt;= e^y (1 + |y|^3 / 6), so the power exceeds e^d by at
/// most about |d|^3 e^d / (6 n^2) &lt;= 2.4e-4 with n = 2^5. Normalised, the largest error on a probability, over rows
/// whose other classes lie at a common distance below the maximum (the worst case), is 2.2e-4 for K = 2, 1.4e-3 for
/// K = 10, 1.6e-3 for K = 12, 3.3e-3 for K = 32 and 1.1e-2 for K = 256. Every value keeps f + s fractional bits, so the
/// rounding stays near 2^-f, and the reciprocal converges to 2^-(f-4) relative (each step's rounding adds about a
/// unit): at f = 16 each probability is within 5e-3 of the exact softmax for K up to 12 (<c>SecureSoftmaxTests</c>,
/// random N and scores). The row sum is at least e^0 = 1 (the maximum's own term) less the maximum's own error, at
/// most about K.</para>
/// <para>Rounds, in the suite's comparison C and fused fixed-point product M: the tournament ceil(log2 K) (C + M, the
/// product fused into the comparison's last round where the suite allows), the clip likewise (ignoring all but the bits
/// above half a unit of the base: a narrower comparison), the base's square M, the squarings s M, the reciprocal 2 M
/// and one per Goldschmidt step (<see cref="ReciprocalSteps"/>), the probabilities M. Every operation is on all n K
/// elements (or n) at once; the tournament's comparisons ignore the low f - 5 bits (coarse) where the suite allows.</para>
/// </remarks>
public static class SecureSoftmax
{
    /// <summary>log2 of the power's n: e^d ~ (1 + y + y^2 / 2)^(2^s) with y = d / 2^s.</summary>
    public const int Squarings = 5;

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
                double y = Math.Max(0, 1 + (z[k] - max) / (1 << Squarings)) - 1;
                double e = Math.Pow(1 + y + y * y / 2, 1 << Squarings);
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

        // 1 + y with y = d / 2^s, at F = f + s fractional bits so that d loses nothing, clipped at 0: y is then at least
        // -1 (a base within half a unit below 0 may stay, which the comparison may ignore: it ends as ~0 as well).
        int wide = f + Squarings;
        var shifted = suite.AddPublic(suite.Subtract(scores, broadcast), Fill<T>(Math.ScaleB(1.0, wide), n * classes));
        var (_, clip) = await suite.LessThanZeroAndProductAsync(shifted, bits, wide - 1, Task.FromResult(shifted), ct)
            .ConfigureAwait(false);
        var first = suite.Subtract(shifted, clip);
        // The base 1 + y + y^2 / 2 (y = first - 1, in [-1.5, 0]: at least 1/2, so its 2^s-th power of a clipped entry is
        // below 2^-(2^s)), then s squarings. Every value keeps F fractional bits (values at most 1, so squares of 2F bits
        // fit), so that d is resolved to 2^-f and each squaring adds about one unit of 2^-F; the exponentials and their
        // sums stay at F, and each product with them truncates by F, landing at f.
        var y = suite.AddPublic(first, Fill<T>(-Math.ScaleB(1.0, wide), n * classes));
        var halfSquare = await suite.MultiplyAndTruncateAsync(y, y, wide + 1, ct).ConfigureAwait(false);
        var power = suite.Add(first, halfSquare);
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
