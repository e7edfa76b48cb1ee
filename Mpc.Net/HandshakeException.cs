namespace Mpc.Net;

/// <summary>
/// Two parties refused each other while connecting: the message says which check failed
/// (<see cref="Mismatch"/>) and with which party.
/// </summary>
public sealed class HandshakeException : PeerException
{
    /// <summary>
    /// The handshake with party <paramref name="peerId"/> (-1 if it never said who it is) failed on
    /// <paramref name="mismatch"/>, as <paramref name="detail"/> says.
    /// </summary>
    public HandshakeException(int peerId, string peerName, HandshakeMismatch mismatch, string detail, Exception? innerException = null)
        : base(peerId,
            $"Handshake with {(peerId >= 0 ? $"party {peerId} ({peerName})" : peerName)} failed: {Describe(mismatch)}: {detail}",
            innerException)
    {
        Mismatch = mismatch;
        Detail = detail;
    }

    /// <summary>Which check failed.</summary>
    public HandshakeMismatch Mismatch { get; }

    /// <summary>The values that differed, or the peer's reason.</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string Reason => $"handshake failed: {Describe(Mismatch)}: {Detail}";

    internal static string Describe(HandshakeMismatch mismatch) => mismatch switch
    {
        HandshakeMismatch.Magic => "magic mismatch",
        HandshakeMismatch.Version => "version mismatch",
        HandshakeMismatch.SessionId => "session id mismatch",
        HandshakeMismatch.PartyId => "party id mismatch",
        HandshakeMismatch.ConfigHash => "config hash mismatch",
        HandshakeMismatch.Certificate => "certificate mismatch",
        HandshakeMismatch.RefusedByPeer => "refused by the peer",
        _ => mismatch.ToString(),
    };
}
