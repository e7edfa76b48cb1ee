using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// The accurate option: z is clipped to [-B, B] with exact comparisons, then an odd polynomial of configurable
/// degree fitted on that interval is evaluated, so the result is within the fit's error of the sigmoid everywhere
/// (beyond the interval it is p(+-1), within 1 - sigmoid(B) + the fit error of 0 or 1). On [-8, 8] the error on the
/// whole line is 0.055 at degree 5, 0.026 at degree 7, 0.013 at degree 9 (degree 9 costs a fourth level).
/// </summary>
/// <remarks>
/// Rounds: one batched comparison of z + B and z - B (the suite's LessThanZero, on as few bits as the score bound
/// allows), one multiplication for the clip t = z + [z &lt; -B](-B - z) + [z >= B](B - z) (bits times values: no
/// truncation), then ceil(log2 degree) levels of fixed-point products.
/// </remarks>
public sealed class ClippedPolynomialSigmoid : ISigmoid
{
    private readonly double[] _coefficients;

    /// <summary>A fit of odd <paramref name="degree"/> on [-<paramref name="bound"/>, <paramref name="bound"/>]; the bound is a power of two.</summary>
    public ClippedPolynomialSigmoid(int degree = 7, double bound = 8)
    {
        Shift = SigmoidIntervals.ShiftOf(bound);
        Degree = degree;
        Bound = bound;
        _coefficients = ChebyshevFit.SigmoidInScaledVariable(degree, bound);
    }

    /// <summary>The polynomial's degree.</summary>
    public int Degree { get; }

    /// <summary>B: inputs are clipped to [-B, B].</summary>
    public double Bound { get; }

    private int Shift { get; }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"clipped polynomial (degree {Degree}, Chebyshev on [-{Bound}, {Bound}])");

    /// <inheritdoc />
    public double Evaluate(double z) => ChebyshevFit.Evaluate(_coefficients, Math.Clamp(z, -Bound, Bound) / Bound);

    /// <inheritdoc />
    public double ResidualBound(double inputBound) => SigmoidIntervals.ResidualBound(Evaluate, Math.Min(inputBound, Bound));

    /// <inheritdoc />
    public double IntermediateBits(double inputBound, int fractionalBits)
    {
        double comparisons = SigmoidIntervals.ComparisonBits(inputBound + Bound, fractionalBits);
        double polynomial = Math.Log2(Math.Max(1, _coefficients.Max(Math.Abs))) + 3 * fractionalBits;
        return Math.Max(comparisons, polynomial);
    }

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, double inputBound, CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int n = z.Length;
        var bound = Enumerable.Repeat(Bound, n).ToArray();
        var minusBound = Enumerable.Repeat(-Bound, n).ToArray();

        // [z < -B] and [z < B] in one comparison.
        int bits = (int)Math.Ceiling(SigmoidIntervals.ComparisonBits(inputBound + Bound, fixedPoint.Format.FractionalBits));
        var below = await suite.LessThanZeroAsync(SigmoidIntervals.Concatenate(fixedPoint.AddPublic(z, bound), fixedPoint.AddPublic(z, minusBound)),
            Math.Min(bits, suite.TruncationInputBits), ct).ConfigureAwait(false);
        var underLow = SigmoidIntervals.Slice(below, 0, n);
        var atLeastHigh = suite.AddPublic(suite.Scale(SigmoidIntervals.Slice(below, n, n), -T.One), Enumerable.Repeat(T.One, n).ToArray());

        // t = z + [z < -B](-B - z) + [z >= B](B - z): bits times fixed-point values, no truncation.
        var towardsLow = fixedPoint.AddPublic(suite.Scale(z, -T.One), minusBound);
        var towardsHigh = fixedPoint.AddPublic(suite.Scale(z, -T.One), bound);
        var corrections = await suite.MultiplyAsync(SigmoidIntervals.Concatenate(underLow, atLeastHigh),
            SigmoidIntervals.Concatenate(towardsLow, towardsHigh), ct).ConfigureAwait(false);
        var t = suite.Add(z, suite.Add(SigmoidIntervals.Slice(corrections, 0, n), SigmoidIntervals.Slice(corrections, n, n)));

        return await OddPolynomialEvaluator.EvaluateAsync(fixedPoint, t, Shift, _coefficients, ct).ConfigureAwait(false);
    }
}
