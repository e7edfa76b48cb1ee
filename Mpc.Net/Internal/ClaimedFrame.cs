using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>The result of a receive whose frame was written straight into the receiver's buffer.</summary>
internal sealed class ClaimedFrame : IMemoryOwner<byte>
{
    public static readonly ClaimedFrame Instance = new();

    private ClaimedFrame() { }

    public Memory<byte> Memory => Memory<byte>.Empty;

    public void Dispose() { }
}
