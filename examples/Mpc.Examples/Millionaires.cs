using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Examples;

/// <summary>
/// Yao's millionaires: two parties learn who is richer, and nothing else about each other's wealth. The comparison is
/// a garbled circuit (Yao's own answer to the problem), so no triple is ever needed and no third party is trusted.
/// </summary>
public static class Millionaires
{
    /// <summary>Run by both parties with their own wealth; returns true when party 0 is strictly richer.</summary>
    public static async Task<bool> RunAsync(Session session, double myWealth, CancellationToken ct = default)
    {
        using var triples = new OtPreprocessing(session); // never asked: the comparison is garbled
        var suite = new AdditiveSuite(session, triples, comparison: ComparisonMethod.GarbledCircuit);
        var fixedPoint = new FixedPointArithmetic<Z2k>(suite, new FixedPointFormat(16, integerBits: 40));

        double[] mine = [myWealth]; // each input takes only its owner's values
        var alice = await fixedPoint.InputAsync(owner: 0, mine, length: 1, ct);
        var bob = await fixedPoint.InputAsync(owner: 1, mine, length: 1, ct);

        var bobIsPoorer = await fixedPoint.LessThanAsync(bob, alice, ct); // a shared 0/1 bit
        return (await suite.OpenAsync(bobIsPoorer, ct))[0] == Z2k.One;
    }
}
