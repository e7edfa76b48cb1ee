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

    /// <summary>A fit of odd <paramref name="degree"/> on [-<paramref name="bound"/>, <paramref name="bound"/>]; the bound is a power of two.</summary>
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

    /// <summary>The polynomial of shared fixed-point values z (not clipped).</summary>
    private protected ValueTask<SharedVector<T>> EvaluatePolynomialAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, CancellationToken ct)
        where T : unmanaged, IRing<T> =>
        OddPolynomialEvaluator.EvaluateAsync(fixedPoint, z, _shift, _coefficients, ct);
}
