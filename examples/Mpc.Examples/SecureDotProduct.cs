using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Examples;

/// <summary>
/// Party 0 holds a vector of feature weights, party 1 a vector of features; they learn the score
/// (the dot product) and nothing more. Any other parties help compute and learn the score too.
/// </summary>
public static class SecureDotProduct
{
    /// <summary>Run by every party; parties 0 and 1 pass their vectors, others pass empty arrays.</summary>
    public static async Task<double> RunAsync(Session session, double[] myVector, int length, CancellationToken ct = default)
    {
        var suite = new AdditiveSuite(session, new DealerPreprocessing(session));
        var fixedPoint = new FixedPointArithmetic<Z2k>(suite, FixedPointFormat.Default);

        var weights = await fixedPoint.InputAsync(owner: 0, myVector, length, ct);
        var features = await fixedPoint.InputAsync(owner: 1, myVector, length, ct);

        // A 1 x length times length x 1 matrix product: one round, one truncation.
        var score = await fixedPoint.MatrixMultiplyAsync(weights, features, 1, length, 1, ct);
        return (await fixedPoint.OpenAsync(score, ct))[0];
    }
}
