namespace Mpc.Net;

/// <summary>Traffic with one peer: frame bytes (header and payload, before TLS) and frame counts in each direction.</summary>
/// <param name="PeerId">The peer.</param>
/// <param name="BytesSent">Bytes of frames sent to the peer.</param>
/// <param name="BytesReceived">Bytes of frames received from the peer.</param>
/// <param name="FramesSent">Data frames sent to the peer.</param>
/// <param name="FramesReceived">Data frames received from the peer.</param>
public readonly record struct PeerTraffic(int PeerId, long BytesSent, long BytesReceived, long FramesSent, long FramesReceived);
