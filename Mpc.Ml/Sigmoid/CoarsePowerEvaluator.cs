using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// An odd polynomial p(u) = c_0 + sum over odd k of c_k u^k, u = z / 2^b, on |z| &lt;= 2^b only, in two rounds when
/// the suite raises a truncation to powers in one (<see cref="IFastPowers{T}.TruncatedPowersAsync"/>, the additive
/// suite with a dealer): z is rounded to a grid of 2^-q and every power of the rounded t is formed exactly as an
/// integer (t^k &lt; 2^62 on the interval), the terms are weighted by integer multipliers round(c_k 2^(F - (b + q) k))
/// and summed, and one truncation by E = F - f brings the sum to f fractional bits. A tree of fixed-point products
/// truncates after every level instead: 7 rounds for degree 5 with N > 2.
/// </summary>
/// <remarks>
/// The grid's rounding is the suite's truncation: probabilistic, so unbiased, within one unit (2^-q in z, 2^-(q+b)
/// in u), which moves p by at most its slope times that (degree 5 on [-8, 8]: q = 6, at most 0.004). F leaves the
/// sum inside the truncation's input range; q is the finest grid whose top power fits the ring and whose top
/// multiplier keeps at least <see cref="MultiplierBits"/> bits. Outside the interval the powers wrap and the result
/// is meaningless: callers select it away (<see cref="ClippedPolynomialSigmoid"/>), before the truncation where the
/// suite's truncation hides only values in its range (<see cref="OddTermsAsync"/>).
/// </remarks>
internal sealed class CoarsePowerEvaluator
{
    private const int MinGridBits = 4;
    private const int MultiplierBits = 10;

    private readonly double[] _coefficients;
    private readonly int _shift;

    private CoarsePowerEvaluator(double[] coefficients, int shift, int gridBits, int sumBits)
    {
        _coefficients = coefficients;
        _shift = shift;
        GridBits = gridBits;
        SumBits = sumBits;
    }

    /// <summary>F: the fractional bits of the weighted sum before its truncation.</summary>
    public int SumBits { get; }

    /// <summary>q: the rounded input keeps q fractional bits.</summary>
    public int GridBits { get; }

    /// <summary>
    /// The plan for <paramref name="coefficients"/> (index k: c_k) on |z| &lt;= 2^<paramref name="shift"/>, or null where
    /// the ring or the format leaves no grid of at least 2^-4 (then evaluate by a tree of fixed-point products).
    /// </summary>
    public static CoarsePowerEvaluator? TryPlan<T>(double[] coefficients, int shift, int fractionalBits, int inputBits,
        int truncationInputBits)
        where T : unmanaged, IRing<T>
    {
        int degree = coefficients.Length - 1;
        if (degree < 1) return null;
        double magnitude = 0;
        for (int k = 1; k <= degree; k += 2) magnitude += Math.Abs(coefficients[k]);
        // |u| may exceed 1 by one grid unit: (1 + 2^-(b+q))^d <= 1.25 for the grids allowed here.
        int sumBits = truncationInputBits - 2 - (int)Math.Ceiling(Math.Log2(Math.Max(1.25 * magnitude, 1)));
        if (sumBits <= fractionalBits) return null;
        for (int q = Math.Min(inputBits, sumBits); q >= MinGridBits; q--)
        {
            int top = (shift + q) * degree;
            if (top > T.SignedBits - 2 || sumBits - top < MultiplierBits) continue;
            return new CoarsePowerEvaluator(coefficients, shift, q, sumBits);
        }
        return null;
    }

    /// <summary>
    /// The plan on a given grid of 2^-<paramref name="gridBits"/> whose weighted sum has as few fractional bits as the
    /// multipliers allow (the top one keeps <see cref="MultiplierBits"/> bits), so that the one truncation shifts by as
    /// few bits as it can: for a suite whose truncation costs a random bit per bit shifted (the actively secure one).
    /// Null where the grid's top power does not fit the ring or the sum the truncation's input range.
    /// </summary>
    public static CoarsePowerEvaluator? TryPlanOnGrid<T>(double[] coefficients, int shift, int gridBits, int fractionalBits,
        int truncationInputBits)
        where T : unmanaged, IRing<T>
    {
        int degree = coefficients.Length - 1;
        if (degree < 1 || gridBits < MinGridBits) return null;
        double magnitude = 0;
        for (int k = 1; k <= degree; k += 2) magnitude += Math.Abs(coefficients[k]);
        int top = (shift + gridBits) * degree;
        int sumBits = Math.Max(top + MultiplierBits, fractionalBits + 1);
        int largest = truncationInputBits - 2 - (int)Math.Ceiling(Math.Log2(Math.Max(1.25 * magnitude, 1)));
        if (top > T.SignedBits - 2 || sumBits > largest) return null;
        return new CoarsePowerEvaluator(coefficients, shift, gridBits, sumBits);
    }

    /// <summary>p(z / 2^b) with f fractional bits, for shared z with <paramref name="scaleBits"/> fractional bits.</summary>
    public async ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, int scaleBits,
        CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var sum = await OddTermsAsync(fixedPoint.Suite, z, scaleBits, ct).ConfigureAwait(false);
        var terms = await fixedPoint.Suite.TruncateAsync(sum, SumBits - fixedPoint.Format.FractionalBits, ct).ConfigureAwait(false);
        return fixedPoint.AddPublic(terms, Enumerable.Repeat(_coefficients[0], z.Length).ToArray());
    }

    /// <summary>
    /// p(z / 2^b) - c_0 with <see cref="SumBits"/> fractional bits, before the truncation: the powers and their weighted
    /// sum (the rounds of the grid's truncation and of the powers).
    /// </summary>
    public async ValueTask<SharedVector<T>> OddTermsAsync<T>(IArithmeticSuite<T> suite, SharedVector<T> z, int scaleBits,
        CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int n = z.Length, degree = _coefficients.Length - 1, unit = _shift + GridBits;
        if (scaleBits < GridBits)
            throw new ArgumentOutOfRangeException(nameof(scaleBits), scaleBits, $"The input needs at least {GridBits} fractional bits.");
        var powers = scaleBits == GridBits
            ? await suite.PowersAsync(z, degree, ct).ConfigureAwait(false) // z is on the grid already
            : await suite.TruncatedPowersAsync(z, scaleBits - GridBits, degree, ct).ConfigureAwait(false);

        SharedVector<T>? sum = null;
        for (int k = 1; k <= degree; k += 2)
        {
            var multiplier = T.FromInt128((Int128)Math.Round(Math.ScaleB(_coefficients[k], SumBits - unit * k)));
            var term = suite.Scale(powers.Slice((k - 1) * n, n), multiplier);
            sum = sum is null ? term : suite.Add(sum, term);
        }
        return sum!;
    }
}
