using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// An odd polynomial of configurable degree fitted to the sigmoid on [-B, B] (<see cref="ChebyshevFit"/>), evaluated
/// with no comparison: ceil(log2 degree) rounds of batched fixed-point products.
/// </summary>
/// <remarks>
/// Outside [-B, B] the polynomial is not a sigmoid at all: it grows like |z|^degree and turns the wrong way, and
/// training whose scores leave the interval diverges. Nothing clips it here (that needs comparisons: see
/// <see cref="ClippedPolynomialSigmoid"/>). The range analysis uses the worst-case score bound, so it refuses this
/// approximation unless that bound keeps the powers in range; use it for short runs or small learning rates, or
/// for prediction on bounded scores.
/// </remarks>
public sealed class PolynomialSigmoid : OddChebyshevSigmoid, ISigmoid
{
    /// <summary>
    /// A fit of odd <paramref name="degree"/> on [-<paramref name="bound"/>, <paramref name="bound"/>]; the bound is a
    /// power of two.
    /// </summary>
    public PolynomialSigmoid(int degree = 5, double bound = 8) : base(degree, bound) { }

    /// <inheritdoc />
    public string Name =>
        string.Create(CultureInfo.InvariantCulture, $"polynomial (degree {Degree}, Chebyshev on [-{Bound}, {Bound}], unclipped)");

    /// <inheritdoc />
    public double Evaluate(double z) => Polynomial(z / Bound);

    /// <inheritdoc />
    public double ResidualBound(double inputBound) => SigmoidIntervals.ResidualBound(Evaluate, inputBound);

    /// <inheritdoc />
    public double IntermediateBits(double inputBound, int fractionalBits)
    {
        double u = Math.Max(1, inputBound / Bound);
        return CoefficientBits + Degree * Math.Log2(u) + 3 * fractionalBits; // the largest term, max |c| u^degree
    }

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, double inputBound,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T> =>
        EvaluatePolynomialAsync(fixedPoint, z, ct);
}
