namespace Mpc.Net;

/// <summary>
/// A peer sent bytes that are not a valid frame (bad header, unknown kind, oversized), or a frame whose
/// length is not what the round needs (more or fewer elements than expected).
/// </summary>
public sealed class MalformedFrameException : PeerException
{
    /// <summary>Party <paramref name="peerId"/> sent a frame that breaks the rules as <paramref name="detail"/> says.</summary>
    public MalformedFrameException(int peerId, string peerName, string detail, Exception? innerException = null)
        : base(peerId, $"Party {peerId} ({peerName}) sent a malformed frame: {detail}", innerException)
    {
        Detail = detail;
    }

    /// <summary>Which rule the frame broke.</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string Reason => $"sent a malformed frame: {Detail}";
}
