namespace Mpc.Net;

/// <summary>A peer closed its connection, died, or its connection broke before the run was over.</summary>
public sealed class PeerDisconnectedException : PeerException
{
    /// <summary>
    /// Party <paramref name="peerId"/> (described as <paramref name="peerName"/>) went away; <paramref name="detail"/> says how.
    /// </summary>
    public PeerDisconnectedException(int peerId, string peerName, string detail, Exception? innerException = null)
        : base(peerId, $"Party {peerId} ({peerName}) disconnected: {detail}", innerException)
    {
        Detail = detail;
    }

    /// <summary>How the connection ended (closed, reset, closed in the middle of a frame, ...).</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string Reason => $"disconnected: {Detail}";
}
