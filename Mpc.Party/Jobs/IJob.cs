using System.CommandLine;

namespace Mpc.Party.Jobs;

/// <summary>
/// Something a party runs once the mesh is up (<c>ping</c>, later <c>bench</c>, <c>train-lr</c>, ...). Jobs are
/// registered in a <see cref="JobRegistry"/>; <c>mpc party</c> and <c>mpc launch</c> get one subcommand per job,
/// and the launcher forwards the job's name and options to every party unchanged.
/// </summary>
public interface IJob
{
    /// <summary>The subcommand name, e.g. <c>ping</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    string Description { get; }

    /// <summary>Creates the job's options (new instances on every call: each parent command gets its own).</summary>
    IReadOnlyList<Option> CreateOptions();

    /// <summary>Runs the job on a connected party; returns the process exit code. Throw to fail the party (and abort the run).</summary>
    Task<int> RunAsync(JobContext context, CancellationToken ct);
}
