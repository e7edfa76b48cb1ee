namespace Mpc.Net.Internal;

/// <summary>A decoded frame header; <see cref="HeaderBytes"/> counts the length prefix too.</summary>
internal readonly record struct FrameHeader(FrameKind Kind, uint Tag, int PayloadLength, int HeaderBytes, uint Sequence = 0)
{
    public long FrameBytes => HeaderBytes + (long)PayloadLength;
}
