using Mpc.Party.Commands;
using Mpc.Party.Jobs;
using Mpc.Protocols;
using Mpc.Protocols.Programs;

namespace Mpc.Hosting;

/// <summary>
/// Runs a protocol of your own as a party process, from your own console program, with the command line of
/// <c>mpc</c>: <c>party --config FILE run [--arg ...]</c> runs one party, <c>launch --cluster FILE run</c> starts them
/// all on this machine, with the same TLS mesh, coordinated abort, logging and exit codes (and <c>certs</c>,
/// <c>doctor</c>, <c>init</c>). <c>mpc launch --cluster FILE run --program YourProgram.dll</c> runs it too.
/// </summary>
/// <example>
/// <code>
/// return await MpcHost.RunAsync(args, async (context, ct) =>
/// {
///     using var secure = SecretContext.Create(context.Session);
///     var salaries = secure.InputFromEach(context.Number(0, fallback: 50_000));
///     var result = await secure.RevealAsync(Secret.Sum(salaries), Secret.Sum(salaries.Select(s => s > 100_000)));
///     context.Out.WriteLine($"total {result[0]}, above 100,000: {result[1]}");
/// });
/// </code>
/// </example>
public static class MpcHost
{
    /// <summary>Runs <paramref name="program"/> as the job <c>run</c>; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, Func<ProgramContext, CancellationToken, Task> program) =>
        RunAsync(args, new DelegateProgram(program));

    /// <summary>Runs <paramref name="program"/>, which needs only the session, as the job <c>run</c>.</summary>
    public static Task<int> RunAsync(string[] args, Func<Session, CancellationToken, Task> program) =>
        RunAsync(args, new DelegateProgram((context, ct) => program(context.Session, ct)));

    /// <summary>
    /// Runs one of <paramref name="programs"/> as the job <c>run</c> (with several, the one <c>--entry TYPE</c> names).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, params IMpcProgram[] programs)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (programs.Length == 0) throw new ArgumentException("Give at least one program.", nameof(programs));
        Mpc.Party.Launch.StartupTimings.MarkMain();
        var jobs = new JobRegistry().Add(new ProgramJob(programs)).Add(new PingJob());
        var root = MpcCommandLine.Build(jobs, Console.Out, Console.Error);
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }

    private sealed class DelegateProgram(Func<ProgramContext, CancellationToken, Task> run) : IMpcProgram
    {
        public Task RunAsync(ProgramContext context, CancellationToken ct) => run(context, ct);
    }
}
