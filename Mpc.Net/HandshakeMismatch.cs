namespace Mpc.Net;

/// <summary>Which check of the connection handshake failed.</summary>
public enum HandshakeMismatch
{
    /// <summary>The peer does not speak this protocol (wrong magic or not a handshake frame).</summary>
    Magic,
    /// <summary>The peer speaks another version of the wire protocol.</summary>
    Version,
    /// <summary>The peer runs another session.</summary>
    SessionId,
    /// <summary>The peer claims a party id we do not expect on this connection.</summary>
    PartyId,
    /// <summary>The peer loaded a different cluster config (parties, addresses, certificates, timeouts or TLS flag differ).</summary>
    ConfigHash,
    /// <summary>The peer's TLS certificate is not the one the cluster file names for its party id, or TLS failed.</summary>
    Certificate,
    /// <summary>The peer refused us; its reason is in the message.</summary>
    RefusedByPeer,
}
