namespace Mpc.Net.Internal;

/// <summary>Bytes that are not a valid frame; the link turns it into a <see cref="MalformedFrameException"/> naming the peer.</summary>
internal sealed class FrameFormatException(string detail, Exception? inner = null) : Exception(detail, inner);
