namespace Mpc.Tests.Faults;

/// <summary>What a <see cref="LinkProxy"/> does to a link.</summary>
public enum LinkFaultKind
{
    /// <summary>Closes the client-to-server direction (the server sees the client close; the other direction stays up).</summary>
    Close,
    /// <summary>Resets both connections at once.</summary>
    Cut,
    /// <summary>Holds every unit from the client by a fixed delay.</summary>
    Delay,
    /// <summary>Flips one bit of one unit.</summary>
    Corrupt,
    /// <summary>Sends one unit twice.</summary>
    Replay,
}

/// <summary>A fault for a <see cref="LinkProxy"/>, with its delay for <see cref="LinkFaultKind.Delay"/>.</summary>
public sealed record LinkFault(LinkFaultKind Kind, TimeSpan Delay = default);
