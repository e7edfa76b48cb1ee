namespace Mpc.Net;

/// <summary>
/// The bytes that arrived on the TLS link from a peer failed TLS record authentication: they were corrupted,
/// replayed, reordered or forged on the way (or the peer's TLS stack broke). The run cannot trust the link any more.
/// </summary>
public sealed class LinkAuthenticationException : PeerException
{
    /// <summary>
    /// Records from party <paramref name="peerId"/> (<paramref name="peerName"/>) failed authentication as <paramref name="detail"/> says.
    /// </summary>
    public LinkAuthenticationException(int peerId, string peerName, string detail, Exception? innerException = null)
        : base(peerId,
            $"Party {peerId} ({peerName}): TLS authentication failed on its link (corrupted, replayed or forged bytes): {detail}",
            innerException)
    {
        Detail = detail;
    }

    /// <summary>What the TLS layer reported.</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string Reason => $"TLS authentication failed on its link (corrupted, replayed or forged bytes): {Detail}";
}
