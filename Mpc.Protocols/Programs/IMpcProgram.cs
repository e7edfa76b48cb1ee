namespace Mpc.Protocols.Programs;

/// <summary>
/// A protocol packaged to run as a party process: every party runs the same program, each with its own arguments.
/// <c>MpcHost.RunAsync</c> (in the <c>mpc</c> assembly) runs one under <c>party</c> and <c>launch</c>, with the TLS mesh,
/// the coordinated abort, the logging and the exit codes of <c>mpc</c>; <c>mpc run --example</c> runs the shipped ones.
/// </summary>
public interface IMpcProgram
{
    /// <summary>Runs this party's part. Throw to fail the party: every other party then stops, naming it.</summary>
    Task RunAsync(ProgramContext context, CancellationToken ct);
}

/// <summary>What a program gets: the session over the connected parties, its arguments and where its results go.</summary>
public sealed class ProgramContext
{
    /// <summary>The session over every computing party (established: pairwise seeds agreed).</summary>
    public required Session Session { get; init; }

    /// <summary>This party's arguments (<c>--arg</c> on the command line), as typed.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>Where results go (standard output; under <c>mpc launch</c>, prefixed with the party's name).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>This party's id.</summary>
    public int PartyId => Session.PartyId;

    /// <summary>The number of computing parties.</summary>
    public int PartyCount => Session.PartyCount;

    /// <summary>
    /// Argument <paramref name="index"/> as a number (invariant culture), or <paramref name="fallback"/> when there are
    /// fewer arguments.
    /// </summary>
    /// <exception cref="ArgumentException">The argument is not a number (its position is named, not its text).</exception>
    public double Number(int index, double fallback)
    {
        if (index >= Arguments.Count) return fallback;
        return double.TryParse(Arguments[index], System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new ArgumentException($"--arg #{index + 1} is not a number.");
    }
}
