using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;

namespace Mpc.Examples;

/// <summary>
/// Party 0 holds a vector of feature weights, party 1 a vector of features; they learn the score
/// (the dot product) and nothing more. Any other parties help compute and learn the score too.
/// </summary>
public static class SecureDotProduct
{
    /// <summary>
    /// Run by every party; parties 0 and 1 pass their vectors, others pass empty arrays. Three parties compute with
    /// replicated sharing; any other number with the additive suite on the OT source. Neither trusts anyone.
    /// </summary>
    public static async Task<double> RunAsync(Session session, double[] myVector, int length, CancellationToken ct = default)
    {
        if (session.PartyCount == 3) return await RunAsync(new ReplicatedSuite(session), myVector, length, ct);
        using var triples = new OtPreprocessing(session);
        return await RunAsync(new AdditiveSuite(session, triples), myVector, length, ct);
    }

    /// <summary>The same computation written once for any suite: the library's generic API.</summary>
    public static async Task<double> RunAsync<T>(IArithmeticSuite<T> suite, double[] myVector, int length, CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        var fixedPoint = new FixedPointArithmetic<T>(suite, FixedPointFormat.Default);

        var weights = await fixedPoint.InputAsync(owner: 0, myVector, length, ct);
        var features = await fixedPoint.InputAsync(owner: 1, myVector, length, ct);

        // A 1 x length times length x 1 matrix product: one round, one truncation.
        var score = await fixedPoint.MatrixMultiplyAsync(weights, features, 1, length, 1, ct);
        return (await fixedPoint.OpenAsync(score, ct))[0];
    }
}
