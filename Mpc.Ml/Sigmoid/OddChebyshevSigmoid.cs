using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// What the polynomial sigmoids share: an odd polynomial of configurable degree fitted to the sigmoid on [-B, B]
/// (<see cref="ChebyshevFit"/>, in the scaled variable z / B, B a power of two so that scaling is a shift), and its
/// secure evaluation in ceil(log2 degree) levels of fixed-point products. Subclasses decide what happens outside
/// the interval.
/// </summary>
public abstract class OddChebyshevSigmoid
{
    private readonly double[] _coefficients;
    private readonly int _shift;

    /// <summary>
    /// A fit of odd <paramref name="degree"/> on [-<paramref name="bound"/>, <paramref name="bound"/>]; the bound is a
    /// power of two.
    /// </summary>
    private protected OddChebyshevSigmoid(int degree, double bound)
    {
        _shift = SigmoidIntervals.ShiftOf(bound);
        Degree = degree;
        Bound = bound;
        _coefficients = ChebyshevFit.SigmoidInScaledVariable(degree, bound);
    }

    /// <summary>The polynomial's degree.</summary>
    public int Degree { get; }

    /// <summary>B: the polynomial is fitted on [-B, B].</summary>
    public double Bound { get; }

    /// <summary>The polynomial at u = z / B, in double precision.</summary>
    private protected double Polynomial(double u) => ChebyshevFit.Evaluate(_coefficients, u);

    /// <summary>log2 of the largest coefficient (at least 0): the polynomial's own headroom.</summary>
    private protected double CoefficientBits => Math.Log2(Math.Max(1, _coefficients.Max(Math.Abs)));

    /// <summary>
    /// The polynomial of shared z with <paramref name="scaleBits"/> fractional bits where only |z| &lt;= B matters (the
    /// caller discards the rest): by exact powers of z rounded to a coarse grid and one truncation
    /// (<see cref="CoarsePowerEvaluator"/>: 2 rounds where the suite raises a truncation to powers in one) when the format allows,
    /// else truncated to f bits and evaluated by the tree of fixed-point products.
    /// </summary>
    private protected async ValueTask<SharedVector<T>> EvaluateOnIntervalAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z,
        int scaleBits, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int f = fixedPoint.Format.FractionalBits;
        var plan = PlanOnInterval<T>(f, scaleBits, suite.TruncationInputBits);
        if (plan is not null) return await plan.EvaluateAsync(fixedPoint, z, scaleBits, ct).ConfigureAwait(false);
        var t = scaleBits == f ? z : await suite.TruncateAsync(z, scaleBits - f, ct).ConfigureAwait(false);
        return await EvaluatePolynomialAsync(fixedPoint, t, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The grid's plan (<see cref="CoarsePowerEvaluator.TryPlan"/>) for inputs with <paramref name="scaleBits"/>
    /// fractional bits, or null where the format leaves none.
    /// </summary>
    private protected CoarsePowerEvaluator? PlanOnInterval<T>(int fractionalBits, int scaleBits, int truncationInputBits)
        where T : unmanaged, IRing<T> =>
        CoarsePowerEvaluator.TryPlan<T>(_coefficients, _shift, fractionalBits, scaleBits, truncationInputBits);

    /// <summary>
    /// The plan on the grid of 2^-<paramref name="gridBits"/> with the fewest bits to truncate
    /// (<see cref="CoarsePowerEvaluator.TryPlanOnGrid"/>), or null where the ring or the range leaves none.
    /// </summary>
    private protected CoarsePowerEvaluator? PlanOnGrid<T>(int gridBits, int fractionalBits, int truncationInputBits)
        where T : unmanaged, IRing<T> =>
        CoarsePowerEvaluator.TryPlanOnGrid<T>(_coefficients, _shift, gridBits, fractionalBits, truncationInputBits);

    /// <summary>The polynomial of shared fixed-point values z (not clipped).</summary>
    private protected ValueTask<SharedVector<T>> EvaluatePolynomialAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z,
        CancellationToken ct)
        where T : unmanaged, IRing<T> =>
        OddPolynomialEvaluator.EvaluateAsync(fixedPoint, z, _shift, _coefficients, ct);
}
