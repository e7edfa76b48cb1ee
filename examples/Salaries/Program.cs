using Mpc.Hosting;
using Mpc.Protocols.Expressions;

// Each party holds one salary; together they learn the total and how many exceed 100,000, and nothing else.
return await MpcHost.RunAsync(args, async (context, ct) =>
{
    using var secure = SecretContext.Create(context.Session);   // the suite that trusts no one, for this many parties
    double mine = context.Number(0, fallback: 60_000 + 25_000 * context.PartyId);
    Secret[] salaries = secure.InputFromEach(mine);               // salaries[i] is party i's
    Secret total = Secret.Sum(salaries);
    Secret above = Secret.Sum(salaries.Select(s => s > 100_000)); // each comparison is 0 or 1
    double[] result = await secure.RevealAsync([total, above], ct);
    context.Out.WriteLine($"salaries: total {result[0]:0.##}, mean {result[0] / context.PartyCount:0.##}, above 100,000: {result[1]}");
});
