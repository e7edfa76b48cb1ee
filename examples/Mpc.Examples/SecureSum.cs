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
        var suite = new AdditiveSuite(session, triples);
        var fixedPoint = new FixedPointArithmetic<Z2k>(suite, FixedPointFormat.Default);

        var total = suite.Constant([Z2k.Zero]);
        for (int party = 0; party < session.PartyCount; party++)
        {
            total = suite.Add(total, await fixedPoint.InputAsync(party, new[] { mySalary }, length: 1, ct));
        }

        double sum = (await fixedPoint.OpenAsync(total, ct))[0];
        return (sum, sum / session.PartyCount);
    }
}
