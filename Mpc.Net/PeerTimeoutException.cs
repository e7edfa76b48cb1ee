namespace Mpc.Net;

/// <summary>A peer did not deliver what we waited for within the deadline the cluster config sets.</summary>
public sealed class PeerTimeoutException : PeerException
{
    /// <summary>Party <paramref name="peerId"/> did not deliver <paramref name="what"/> within <paramref name="timeout"/>.</summary>
    public PeerTimeoutException(int peerId, string peerName, string what, TimeSpan timeout)
        : base(peerId, $"Party {peerId} ({peerName}) timed out: no {what} within the {timeout.TotalSeconds:0.###} s deadline")
    {
        What = what;
        Timeout = timeout;
    }

    /// <summary>What we waited for (a frame with some tag, a connection, a handshake).</summary>
    public string What { get; }

    /// <summary>The deadline that passed.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    public override string Reason => $"timed out: no {What} within the {Timeout.TotalSeconds:0.###} s deadline";
}
