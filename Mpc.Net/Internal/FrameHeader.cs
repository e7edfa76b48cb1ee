namespace Mpc.Net.Internal;

/// <summary>A decoded frame header; <see cref="HeaderBytes"/> counts the length prefix too.</summary>
internal readonly record struct FrameHeader(FrameKind Kind, uint Tag, int PayloadLength, int HeaderBytes)
{
    public long FrameBytes => HeaderBytes + (long)PayloadLength;
}
