namespace Mpc.Net.Internal;

/// <summary>What a frame carries. Everything but <see cref="Data"/> is a small control frame.</summary>
internal enum FrameKind : byte
{
    /// <summary>Protocol bytes for one stream tag.</summary>
    Data = 1,
    /// <summary>Handshake: magic, version, session id, party ids, config hash.</summary>
    Hello = 2,
    /// <summary>Handshake refused: which check failed and why.</summary>
    Reject = 3,
    /// <summary>Handshake accepted by the dialer (the last handshake message).</summary>
    Accept = 4,
    /// <summary>The sender aborts: culprit party id and reason.</summary>
    Abort = 5,
    /// <summary>The sender finished and closes; frames sent before it are still delivered.</summary>
    Goodbye = 6,
    /// <summary>Are you alive? Answered by the peer's frame loop, whatever its protocol is doing.</summary>
    Probe = 7,
    /// <summary>The answer to <see cref="Probe"/>.</summary>
    ProbeReply = 8,
    /// <summary>The sender's links to every party are up (the last frame before the run; see <c>MeshConnector</c>).</summary>
    Ready = 9,
    /// <summary>What time is it? Only <c>mpc doctor</c>'s links carry it (a run's links refuse it).</summary>
    TimeRequest = 10,
    /// <summary>The answer to <see cref="TimeRequest"/>: the sender's UTC time.</summary>
    TimeReply = 11,
}
