using System.CommandLine;
using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Examples;
using Mpc.Protocols;
using Mpc.Protocols.Malicious;

namespace Mpc.Party.Jobs;

/// <summary><c>run</c>: runs one of the shipped example protocols, each party with its own --value(s).</summary>
public sealed class RunExampleJob : IJob
{
    /// <inheritdoc />
    public string Name => "run";

    /// <inheritdoc />
    public string Description => "Run an example protocol: secure-sum, millionaires or dot-product.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<string>("--example") { Description = "secure-sum, millionaires or dot-product.", Required = true }
            .AcceptOnlyFromAmong("secure-sum", "millionaires", "dot-product"),
        new Option<double[]>("--value")
        {
            Description = "This party's private input(s); default: a demo value derived from the party id.",
            AllowMultipleArgumentsPerToken = true,
        },
        SuiteOptions.SecurityOption(),
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        // The examples trust no one: replicated sharing for three parties, otherwise the additive suite on the OT
        // source (millionaires compares by a garbled circuit; secure-sum needs no triple at all).
        var values = context.GetOption<double[]>("--value") is { Length: > 0 } given ? given : DemoValues(session.PartyId);
        string example = context.GetOption<string>("--example")!;
        // Actively secure: the Shamir suite with MACs, which needs an honest majority.
        MaliciousShamirSuite<Mersenne127>? checkedSuite = null;
        if (SuiteOptions.Malicious(context))
        {
            if (example == "millionaires")
                throw new ArgumentException("--security malicious needs an honest majority (3 or more parties); millionaires is a " +
                    "2-party example. Use secure-sum or dot-product on 3 or more parties.");
            SuiteOptions.MaliciousSuite("shamir", session.PartyCount);
            checkedSuite = await MaliciousShamirSuite<Mersenne127>.CreateAsync(session, ct: ct);
        }
        string line = example switch
        {
            "secure-sum" => await (checkedSuite is null
                    ? SecureSum.RunAsync(session, values[0], ct)
                    : SecureSum.RunAsync(checkedSuite, values[0], ct)) is var (total, mean)
                ? string.Create(CultureInfo.InvariantCulture, $"secure-sum: total {total:0.####}, mean {mean:0.####}") : "",
            "millionaires" => session.PartyCount != 2
                ? throw new ArgumentException("millionaires is a 2-party example: launch it on a 2-party cluster.")
                : await Millionaires.RunAsync(session, values[0], ct)
                    ? "millionaires: party 0 is richer"
                    : "millionaires: party 0 is not richer",
            _ => FormattableString.Invariant($"dot-product: {await (checkedSuite is null
                ? SecureDotProduct.RunAsync(session, values, values.Length, ct)
                : SecureDotProduct.RunAsync(checkedSuite, values, values.Length, ct)):0.####}"),
        };
        context.Out.WriteLine(line);
        return 0;
    }

    private static double[] DemoValues(int party) => [1000.0 * (party + 1) + 0.25, 2.0 - party, 0.5 * party];
}
