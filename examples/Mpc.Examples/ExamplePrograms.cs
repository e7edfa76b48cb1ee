using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Protocols.Malicious;
using Mpc.Protocols.Programs;

namespace Mpc.Examples;

/// <summary>
/// The shipped examples as programs (<c>mpc run --example NAME</c>): each party's <c>--value</c>s are its arguments,
/// with a demo value from the party id when it gives none. Actively secure ones run the Shamir suite with MACs, which
/// needs an honest majority.
/// </summary>
public static class ExamplePrograms
{
    /// <summary>The names <c>mpc run --example</c> takes.</summary>
    public static IReadOnlyList<string> Names { get; } = ["secure-sum", "millionaires", "dot-product"];

    /// <summary>The program called <paramref name="name"/>, semi-honest or (<paramref name="malicious"/>) actively secure.</summary>
    public static IMpcProgram Create(string name, bool malicious) => name switch
    {
        "secure-sum" => new SecureSumProgram(malicious),
        "dot-product" => new DotProductProgram(malicious),
        "millionaires" => malicious
            ? throw new ArgumentException("--security malicious needs an honest majority (3 or more parties); millionaires is a " +
                "2-party example. Use secure-sum or dot-product on 3 or more parties.")
            : new MillionairesProgram(),
        _ => throw new ArgumentException($"No example called '{name}'; the examples are {string.Join(", ", Names)}."),
    };

    /// <summary>This party's values: its arguments, or a demo vector from its id.</summary>
    internal static double[] Values(ProgramContext context) => context.Arguments.Count > 0
        ? [.. Enumerable.Range(0, context.Arguments.Count).Select(i => context.Number(i, 0))]
        : [1000.0 * (context.PartyId + 1) + 0.25, 2.0 - context.PartyId, 0.5 * context.PartyId];

    internal static async Task<MaliciousShamirSuite<Mersenne127>> CheckedSuiteAsync(ProgramContext context, CancellationToken ct)
    {
        if (context.PartyCount < 3)
            throw new ArgumentException($"--security malicious needs an honest majority: 3 or more parties, not {context.PartyCount}.");
        return await MaliciousShamirSuite<Mersenne127>.CreateAsync(context.Session, ct: ct);
    }
}

/// <summary><see cref="SecureSum"/> as a program: prints the total and the mean.</summary>
public sealed class SecureSumProgram(bool malicious = false) : IMpcProgram
{
    /// <inheritdoc />
    public async Task RunAsync(ProgramContext context, CancellationToken ct)
    {
        double mine = ExamplePrograms.Values(context)[0];
        var (total, mean) = malicious
            ? await SecureSum.RunAsync(await ExamplePrograms.CheckedSuiteAsync(context, ct), mine, ct)
            : await SecureSum.RunAsync(context.Session, mine, ct);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"secure-sum: total {total:0.####}, mean {mean:0.####}"));
    }
}

/// <summary><see cref="SecureDotProduct"/> as a program: prints the score.</summary>
public sealed class DotProductProgram(bool malicious = false) : IMpcProgram
{
    /// <inheritdoc />
    public async Task RunAsync(ProgramContext context, CancellationToken ct)
    {
        double[] values = ExamplePrograms.Values(context);
        double score = malicious
            ? await SecureDotProduct.RunAsync(await ExamplePrograms.CheckedSuiteAsync(context, ct), values, values.Length, ct)
            : await SecureDotProduct.RunAsync(context.Session, values, values.Length, ct);
        context.Out.WriteLine(FormattableString.Invariant($"dot-product: {score:0.####}"));
    }
}

/// <summary><see cref="Millionaires"/> as a program (2 parties): prints who is richer.</summary>
public sealed class MillionairesProgram : IMpcProgram
{
    /// <inheritdoc />
    public async Task RunAsync(ProgramContext context, CancellationToken ct)
    {
        if (context.PartyCount != 2) throw new ArgumentException("millionaires is a 2-party example: launch it on a 2-party cluster.");
        bool richer = await Millionaires.RunAsync(context.Session, ExamplePrograms.Values(context)[0], ct);
        context.Out.WriteLine(richer ? "millionaires: party 0 is richer" : "millionaires: party 0 is not richer");
    }
}
