using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>
/// A waiting receiver's own buffer that a frame loop fills directly (no intermediate copy) once it has claimed it
/// for a frame of exactly its length. The receiver may be failed meanwhile; writes then stop.
/// </summary>
internal interface IFrameDestination
{
    /// <summary>
    /// Copies <paramref name="bytes"/> at <paramref name="offset"/>; false if the receiver was failed (discard the rest).
    /// </summary>
    bool TryWrite(int offset, ReadOnlySequence<byte> bytes);

    /// <summary>The whole frame is in place: the receive completes.</summary>
    void Complete();

    /// <summary>The link ends in the middle of the frame: the receive fails with the network's failure.</summary>
    void Abandon();
}
