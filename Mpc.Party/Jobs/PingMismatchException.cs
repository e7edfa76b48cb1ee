using Mpc.Net;

namespace Mpc.Party.Jobs;

/// <summary>
/// A peer's ping or echo held other bytes than the pattern both sides compute: it sent them wrong, or they were changed
/// on the way.
/// </summary>
public sealed class PingMismatchException : PeerException
{
    /// <summary>
    /// Party <paramref name="peerId"/>'s <paramref name="what"/> in <paramref name="round"/> differs from the expected
    /// pattern.
    /// </summary>
    public PingMismatchException(int peerId, string peerName, string what, int round)
        : base(peerId, $"Party {peerId} ({peerName}) sent {what} that differ from the expected pattern in ping round {round}")
    {
        What = what;
        Round = round;
    }

    /// <summary>Which message was wrong ("echo bytes" or "ping bytes").</summary>
    public string What { get; }

    /// <summary>The ping round.</summary>
    public int Round { get; }

    /// <inheritdoc />
    public override string Reason => $"sent {What} that differ from the expected pattern in ping round {Round}";
}
