using Mpc.Protocols.Expressions;
using Mpc.Protocols.Programs;

namespace MpcProtocol;

/// <summary>Each party holds one salary; together they learn the total and how many exceed a threshold, nothing else.</summary>
public sealed class SalariesProgram : IMpcProgram
{
    /// <summary>The result every party learns.</summary>
    public static async Task<(double Total, double Above)> ComputeAsync(SecretContext secure, double mySalary, double threshold,
        CancellationToken ct = default)
    {
        Secret[] salaries = secure.InputFromEach(mySalary);
        Secret total = Secret.Sum(salaries);
        Secret above = Secret.Sum(salaries.Select(s => s > threshold));
        double[] result = await secure.RevealAsync([total, above], ct);
        return (result[0], result[1]);
    }

    /// <inheritdoc />
    public async Task RunAsync(ProgramContext context, CancellationToken ct)
    {
        using var secure = SecretContext.Create(context.Session);
        var (total, above) = await ComputeAsync(secure, context.Number(0, fallback: 60_000 + 25_000 * context.PartyId), 100_000, ct);
        context.Out.WriteLine($"total {total:0.##}, above 100,000: {above}");
    }
}
