using System.CommandLine;

namespace Mpc.Party.Jobs;

/// <summary>
/// A job that may hand the whole party to another executable (a program of the user's own, built with
/// <c>MpcHost</c>): the party then starts it with its own config and the job's options, before connecting, and exits
/// with its exit code.
/// </summary>
public interface IDelegatingJob
{
    /// <summary>The executable (or .dll) to hand the party to, or null to run the job here.</summary>
    string? DelegateTo(ParseResult parse);
}
