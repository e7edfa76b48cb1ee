using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>Receives what a <see cref="FrameDecoder"/> decodes.</summary>
internal interface IFrameSink
{
    /// <summary>A complete data frame; the sink owns <paramref name="payload"/>.</summary>
    void OnDataFrame(uint tag, PooledFrame payload, long frameBytes);

    /// <summary>A complete control frame; <paramref name="payload"/> is only valid during the call.</summary>
    void OnControlFrame(FrameKind kind, ReadOnlySequence<byte> payload);
}
