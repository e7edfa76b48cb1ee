using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Examples;

/// <summary>N parties each hold a salary; together they learn the total and the mean, and nothing else.</summary>
public static class SecureSum
{
    /// <summary>
    /// Run by every party with its own salary. Inputs and openings only: no product, so the source of triples (the OT
    /// source, which trusts no one) is never even asked, and any N works.
    /// </summary>
    public static async Task<(double Total, double Mean)> RunAsync(Session session, double mySalary, CancellationToken ct = default)
    {
        using var triples = new OtPreprocessing(session);
        return await RunAsync(new AdditiveSuite(session, triples), mySalary, ct);
    }

    /// <summary>The same computation written once for any suite (an actively secure one, for instance).</summary>
    public static async Task<(double Total, double Mean)> RunAsync<T>(IArithmeticSuite<T> suite, double mySalary,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        var fixedPoint = new FixedPointArithmetic<T>(suite, FixedPointFormat.Default);
        var total = suite.Constant([T.Zero]);
        for (int party = 0; party < suite.Session.PartyCount; party++)
        {
            total = suite.Add(total, await fixedPoint.InputAsync(party, new[] { mySalary }, length: 1, ct));
        }

        double sum = (await fixedPoint.OpenAsync(total, ct))[0];
        return (sum, sum / suite.Session.PartyCount);
    }
}
