using System.CommandLine;
using Mpc.Examples;
using Mpc.Protocols;
using Mpc.Protocols.Programs;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>run</c>: a program as a party process. <c>--example NAME</c> runs a shipped example (each party with its own
/// <c>--value</c>s); <c>--program PATH</c> runs a program of your own, an executable made with <c>MpcHost</c>
/// (<c>dotnet PATH</c> for a .dll), which this party hands its config, options and terminal to.
/// </summary>
public sealed class RunExampleJob : IJob, IDelegatingJob
{
    /// <inheritdoc />
    public string Name => "run";

    /// <inheritdoc />
    public string Description => "Run a program: a shipped example (--example) or your own (--program, made with MpcHost).";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<string?>("--example") { Description = "secure-sum, millionaires or dot-product." }
            .AcceptOnlyFromAmong([.. ExamplePrograms.Names]),
        new Option<double[]>("--value")
        {
            Description = "This party's private input(s) to an example; default: a demo value derived from the party id.",
            AllowMultipleArgumentsPerToken = true,
        },
        SuiteOptions.SecurityOption(),
        .. ProgramJob.ProgramOptions(),
        new Option<string?>(ProgramOption)
        {
            Description = "Your program: an executable or .dll built with MpcHost.RunAsync; it gets this party's config and options.",
        },
    ];

    /// <summary>The option naming a program of one's own.</summary>
    public const string ProgramOption = "--program";

    /// <inheritdoc />
    public string? DelegateTo(ParseResult parse)
    {
        string? program = parse.GetValue<string?>(ProgramOption);
        if (program is not null && parse.GetValue<string?>("--example") is not null)
            throw new ArgumentException("run takes --example or --program, not both.");
        return program;
    }

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        string example = context.GetOption<string?>("--example")
            ?? throw new ArgumentException($"run needs --example ({string.Join(", ", ExamplePrograms.Names)}) or --program PATH.");
        var program = ExamplePrograms.Create(example, SuiteOptions.Malicious(context));
        if (SuiteOptions.Malicious(context)) SuiteOptions.MaliciousSuite("shamir", context.Network.PartyCount);
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        // The examples trust no one: replicated sharing for three parties, otherwise the additive suite on the OT
        // source (millionaires compares by a garbled circuit; secure-sum needs no triple at all).
        var values = context.GetOption<double[]>("--value") ?? [];
        await program.RunAsync(new ProgramContext
        {
            Session = session,
            Arguments = [.. values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))],
            Out = context.Out,
        }, ct);
        return 0;
    }
}
