using Mpc.Core;

namespace Mpc.Net;

/// <summary>
/// A failure that a specific party caused: it disconnected, stalled, aborted, or sent something invalid.
/// <see cref="PeerId"/> is the culprit; the message names it and says what happened.
/// </summary>
public abstract class PeerException : MpcException
{
    /// <summary>A failure caused by party <paramref name="peerId"/>.</summary>
    protected PeerException(int peerId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        PeerId = peerId;
    }

    /// <summary>The id of the party that caused the failure.</summary>
    public int PeerId { get; }

    /// <summary>What happened, without the party's name: the reason an abort frame carries to the other parties.</summary>
    public abstract string Reason { get; }
}
