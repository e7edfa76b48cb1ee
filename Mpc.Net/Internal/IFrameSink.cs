using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>Receives what a <see cref="FrameDecoder"/> decodes.</summary>
internal interface IFrameSink
{
    /// <summary>A receiver's buffer to fill with the data frame that starts now, or null to get it as a pooled frame.</summary>
    IFrameDestination? TryClaim(uint tag, int length);

    /// <summary>A data frame went straight into a claimed buffer (already completed); for accounting.</summary>
    void OnClaimedFrame(long frameBytes);

    /// <summary>A complete data frame; the sink owns <paramref name="payload"/>.</summary>
    void OnDataFrame(uint tag, PooledFrame payload, long frameBytes);

    /// <summary>A complete control frame; <paramref name="payload"/> is only valid during the call.</summary>
    void OnControlFrame(FrameKind kind, ReadOnlySequence<byte> payload);
}
