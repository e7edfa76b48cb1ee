using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// An approximation of the logistic function 1 / (1 + e^-z) that a suite can evaluate on shared fixed-point values,
/// with its exact plaintext counterpart (<see cref="Evaluate"/>): the same function in double precision, so a
/// plaintext trainer can run the identical algorithm.
/// </summary>
public interface ISigmoid
{
    /// <summary>What the trainer reports it used, e.g. "piecewise-linear".</summary>
    string Name { get; }

    /// <summary>The approximation in double precision.</summary>
    double Evaluate(double z);

    /// <summary>The largest |approximation(z) - y| over y in {0, 1} and |z| &lt;= <paramref name="inputBound"/>.</summary>
    double ResidualBound(double inputBound);

    /// <summary>
    /// log2 of the largest magnitude, as a ring integer, that any value multiplied, truncated or compared during
    /// <see cref="EvaluateAsync"/> reaches for |z| &lt;= <paramref name="inputBound"/> at
    /// <paramref name="fractionalBits"/>. The range analysis requires it below the suite's truncation range.
    /// </summary>
    double IntermediateBits(double inputBound, int fractionalBits);

    /// <summary>
    /// The approximation of every element of <paramref name="z"/>, whose magnitudes are at most
    /// <paramref name="inputBound"/>.
    /// </summary>
    ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, double inputBound,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T>;

    /// <summary>
    /// The approximation of every element of <paramref name="product"/>, an untruncated fixed-point product (2f fractional
    /// bits) whose values are at most <paramref name="inputBound"/> in magnitude. An approximation may start work on the
    /// product before it is truncated; by default it truncates by f and calls <see cref="EvaluateAsync"/>.
    /// </summary>
    async ValueTask<SharedVector<T>> EvaluateProductAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> product, double inputBound,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T> =>
        await EvaluateAsync(fixedPoint,
            await fixedPoint.Suite.TruncateAsync(product, fixedPoint.Format.FractionalBits, ct).ConfigureAwait(false), inputBound, ct)
            .ConfigureAwait(false);
}
