using System.CommandLine;
using Mpc.Protocols;
using Mpc.Protocols.Programs;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>run</c> in a program of one's own (<see cref="Mpc.Hosting.MpcHost"/>): runs the program, or with several the one
/// <c>--entry</c> names, with this party's <c>--arg</c>s.
/// </summary>
internal sealed class ProgramJob(IReadOnlyList<IMpcProgram> programs) : IJob
{
    /// <inheritdoc />
    public string Name => "run";

    /// <inheritdoc />
    public string Description => programs.Count == 1
        ? $"Run {programs[0].GetType().Name} as this party."
        : $"Run one of {string.Join(", ", programs.Select(p => p.GetType().Name))} (--entry) as this party.";

    /// <summary>The options of a program: its arguments and, among several programs, which one.</summary>
    public static IReadOnlyList<Option> ProgramOptions() =>
    [
        new Option<string[]>("--arg")
        {
            Description = "An argument of this party's program (repeat it, or give several after one --arg).",
            AllowMultipleArgumentsPerToken = true,
        },
        new Option<string?>("--entry") { Description = "Which program to run, by its type's name, when the executable has several." },
    ];

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() => ProgramOptions();

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        var program = Choose(context.GetOption<string?>("--entry"));
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        await program.RunAsync(new ProgramContext
        {
            Session = session, Arguments = context.GetOption<string[]>("--arg") ?? [], Out = context.Out,
        }, ct);
        return 0;
    }

    private IMpcProgram Choose(string? entry)
    {
        if (entry is null)
        {
            return programs.Count == 1
                ? programs[0]
                : throw new ArgumentException($"This executable has {programs.Count} programs: name one with --entry " +
                    $"({string.Join(", ", programs.Select(p => p.GetType().Name))}).");
        }
        return programs.FirstOrDefault(p => p.GetType().Name == entry || p.GetType().FullName == entry)
            ?? throw new ArgumentException($"--entry {entry}: no such program here " +
                $"({string.Join(", ", programs.Select(p => p.GetType().Name))}).");
    }
}
