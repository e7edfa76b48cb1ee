using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>Reads and writes whole control frames directly on a stream, before a link's pumps start.</summary>
internal static class HandshakeIo
{
    public static async Task WriteFrameAsync(Stream stream, FrameKind kind, byte[] payload, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + payload.Length);
        FrameCodec.WriteFrame(buffer, new ArrayBufferWriter<byte>(FrameCodec.MaxHeaderLength), kind, 0, payload);
        await stream.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The next control frame, or null if the peer closed the connection before sending a byte.</summary>
    /// <exception cref="FrameFormatException">The bytes are not a control frame.</exception>
    public static async Task<(FrameKind Kind, ReadOnlySequence<byte> Payload)?> ReadFrameAsync(Stream stream, CancellationToken ct)
    {
        var head = new byte[FrameCodec.PrefixBytes + FrameCodec.MaxHeaderLength];
        int got = await stream.ReadAtLeastAsync(head.AsMemory(0, FrameCodec.PrefixBytes), FrameCodec.PrefixBytes,
            throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < FrameCodec.PrefixBytes) throw new FrameFormatException("the connection closed in the middle of a frame");
        int headerLength = head[0] | head[1] << 8;
        if (headerLength is < FrameCodec.MinHeaderLength or > FrameCodec.MaxHeaderLength)
            throw new FrameFormatException(
                $"header length {headerLength} is outside {FrameCodec.MinHeaderLength}..{FrameCodec.MaxHeaderLength}");
        await ReadExactlyAsync(stream, head.AsMemory(FrameCodec.PrefixBytes, headerLength), ct).ConfigureAwait(false);
        var sequence = new ReadOnlySequence<byte>(head, 0, FrameCodec.PrefixBytes + headerLength);
        FrameCodec.TryReadHeader(ref sequence, FrameCodec.MaxControlPayload, out var header, wholeControlFrames: false);
        if (header.Kind == FrameKind.Data) throw new FrameFormatException("data frame during the handshake");
        var payload = new byte[header.PayloadLength];
        await ReadExactlyAsync(stream, payload, ct).ConfigureAwait(false);
        return (header.Kind, new ReadOnlySequence<byte>(payload));
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new FrameFormatException("the connection closed in the middle of a frame", ex);
        }
    }
}
