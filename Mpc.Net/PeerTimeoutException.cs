namespace Mpc.Net;

/// <summary>A peer did not deliver what we waited for within the deadline the cluster config sets.</summary>
public sealed class PeerTimeoutException : PeerException
{
    /// <summary>Party <paramref name="peerId"/> did not deliver <paramref name="what"/> within <paramref name="timeout"/>.</summary>
    /// <param name="peerId">The stalled party.</param>
    /// <param name="peerName">Its name.</param>
    /// <param name="what">What we waited for.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="detail">Appended to the message (e.g. whether the peer still answers liveness probes).</param>
    public PeerTimeoutException(int peerId, string peerName, string what, TimeSpan timeout, string detail = "")
        : base(peerId, $"Party {peerId} ({peerName}) timed out: no {what} within the {timeout.TotalSeconds:0.###} s deadline{detail}")
    {
        What = what;
        Timeout = timeout;
        Detail = detail;
    }

    /// <summary>Extra detail after the deadline (may be empty).</summary>
    public string Detail { get; }

    /// <summary>What we waited for (a frame with some tag, a connection, a handshake).</summary>
    public string What { get; }

    /// <summary>The deadline that passed.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    public override string Reason => $"timed out: no {What} within the {Timeout.TotalSeconds:0.###} s deadline{Detail}";
}
