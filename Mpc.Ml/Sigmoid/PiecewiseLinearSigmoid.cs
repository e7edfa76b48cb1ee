using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// SecureML's piecewise-linear activation (Mohassel and Zhang 2017, section 4.3): 0 below -1/2, z + 1/2 between,
/// 1 above 1/2. Not close to the sigmoid (its error reaches 0.38 at +-1/2), but bounded and monotone, so training
/// behaves; the plaintext trainer uses the same function, so comparisons stay like for like.
/// </summary>
/// <remarks>Rounds: one batched comparison of z + 1/2 and z - 1/2, then one multiplication (bits times values).</remarks>
public sealed class PiecewiseLinearSigmoid : ISigmoid
{
    /// <inheritdoc />
    public string Name => "piecewise-linear (SecureML)";

    /// <inheritdoc />
    public double Evaluate(double z) => z < -0.5 ? 0 : z >= 0.5 ? 1 : z + 0.5;

    /// <inheritdoc />
    public double ResidualBound(double inputBound) => 1;

    /// <inheritdoc />
    public double IntermediateBits(double inputBound, int fractionalBits) =>
        SigmoidIntervals.ComparisonBits(inputBound + 0.5, fractionalBits);

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, double inputBound,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int n = z.Length;
        var plusHalf = fixedPoint.AddPublic(z, Enumerable.Repeat(0.5, n).ToArray());
        var minusHalf = fixedPoint.AddPublic(z, Enumerable.Repeat(-0.5, n).ToArray());
        int bits = (int)Math.Ceiling(SigmoidIntervals.ComparisonBits(inputBound + 0.5, fixedPoint.Format.FractionalBits));
        var below = await suite.LessThanZeroAsync(
            SigmoidIntervals.Concatenate(plusHalf, minusHalf), Math.Min(bits, suite.TruncationInputBits), ct).ConfigureAwait(false);

        // f = [z >= -1/2](z + 1/2) - [z >= 1/2](z - 1/2), with [z >= c] = 1 - [z - c < 0].
        var atLeast = suite.AddPublic(suite.Scale(below, -T.One), Enumerable.Repeat(T.One, 2 * n).ToArray());
        var products = await suite.MultiplyAsync(atLeast, SigmoidIntervals.Concatenate(plusHalf, minusHalf), ct).ConfigureAwait(false);
        return suite.Subtract(SigmoidIntervals.Slice(products, 0, n), SigmoidIntervals.Slice(products, n, n));
    }
}
