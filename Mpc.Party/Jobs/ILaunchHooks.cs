using System.CommandLine;
using Mpc.Net.Configuration;

namespace Mpc.Party.Jobs;

/// <summary>
/// A job with work of its own in <c>mpc launch</c>, the one process that may read every party's config (a demo on
/// one machine): it can give each party its own arguments and act once every party has finished.
/// </summary>
public interface ILaunchHooks
{
    /// <summary>
    /// Called once the cluster and party files are loaded, before any party starts. Throw a
    /// <see cref="ConfigException"/> (or another <see cref="Mpc.Core.MpcException"/>) to stop the launch.
    /// </summary>
    ILaunchPlan Plan(ParseResult parse, ClusterConfig cluster, IReadOnlyList<PartyConfig> parties, TextWriter stdout);
}

/// <summary>What a job does around one launch.</summary>
public interface ILaunchPlan
{
    /// <summary>The job arguments for party <paramref name="party"/>, from the ones typed after the job name.</summary>
    IReadOnlyList<string> ArgumentsFor(int party, IReadOnlyList<string> jobArguments);

    /// <summary>Called when the launch is over with its exit code; returns the launcher's exit code.</summary>
    Task<int> FinishAsync(int exitCode, CancellationToken ct);
}
