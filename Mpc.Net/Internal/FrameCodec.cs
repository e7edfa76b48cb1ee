using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace Mpc.Net.Internal;

/// <summary>
/// Wire format of one frame: a little-endian u16 header length, a MessagePack header
/// <c>[kind, tag, payloadLength, sequence]</c>, then the raw payload bytes. The sequence number counts the frames
/// one side sends on a link after the handshake (from 0, modulo 2^32; handshake frames carry 0), so that a frame
/// replayed, dropped or reordered on the wire is detected even without TLS (with TLS the record layer catches it first).
/// </summary>
internal static class FrameCodec
{
    public const int PrefixBytes = 2;
    public const int MinHeaderLength = 5;   // fixarray, kind, tag, length, sequence: one byte each at least
    public const int MaxHeaderLength = 32;
    public const int MaxControlPayload = 64 * 1024;

    /// <summary>Bytes of prefix and header for a frame (the header encodes integers in their shortest MessagePack form).</summary>
    public static int HeaderBytes(FrameKind kind, uint tag, long payloadLength, uint sequence = 0) =>
        PrefixBytes + 1 + UIntBytes((byte)kind) + UIntBytes(tag) + UIntBytes((ulong)payloadLength) + UIntBytes(sequence);

    private static int UIntBytes(ulong v) => v switch
    {
        <= 127 => 1,
        <= byte.MaxValue => 2,
        <= ushort.MaxValue => 3,
        <= uint.MaxValue => 5,
        _ => 9,
    };

    /// <summary>
    /// Writes prefix and header to <paramref name="output"/> using <paramref name="scratch"/>; returns the bytes written.
    /// </summary>
    public static int WriteHeader(IBufferWriter<byte> output, ArrayBufferWriter<byte> scratch, FrameKind kind, uint tag,
        long payloadLength, uint sequence = 0)
    {
        scratch.ResetWrittenCount();
        var w = new MessagePackWriter(scratch);
        w.WriteArrayHeader(4);
        w.Write((byte)kind);
        w.Write(tag);
        w.Write((ulong)payloadLength);
        w.Write(sequence);
        w.Flush();
        int headerLength = scratch.WrittenCount;
        var span = output.GetSpan(PrefixBytes + headerLength);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)headerLength);
        scratch.WrittenSpan.CopyTo(span[PrefixBytes..]);
        output.Advance(PrefixBytes + headerLength);
        return PrefixBytes + headerLength;
    }

    /// <summary>Writes a whole frame (header and payload) to <paramref name="output"/>.</summary>
    public static int WriteFrame(IBufferWriter<byte> output, ArrayBufferWriter<byte> scratch, FrameKind kind, uint tag,
        ReadOnlySpan<byte> payload, uint sequence = 0)
    {
        int n = WriteHeader(output, scratch, kind, tag, payload.Length, sequence);
        output.Write(payload);
        return n + payload.Length;
    }

    /// <summary>
    /// Reads a frame header from the start of <paramref name="buffer"/> and slices it off. Returns false (and
    /// leaves the buffer alone) if more bytes are needed; for control frames, until the whole payload is there.
    /// </summary>
    /// <exception cref="FrameFormatException">The bytes are not a valid header, or announce an oversized payload.</exception>
    public static bool TryReadHeader(ref ReadOnlySequence<byte> buffer, long maxPayload, out FrameHeader header,
        bool wholeControlFrames = true)
    {
        header = default;
        if (buffer.Length < PrefixBytes) return false;
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        buffer.Slice(0, PrefixBytes).CopyTo(prefix);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix);
        if (headerLength is < MinHeaderLength or > MaxHeaderLength)
            throw new FrameFormatException($"header length {headerLength} is outside {MinHeaderLength}..{MaxHeaderLength}");
        if (buffer.Length < PrefixBytes + headerLength) return false;

        byte kindByte;
        uint tag;
        ulong length;
        uint sequence;
        try
        {
            var reader = new MessagePackReader(buffer.Slice(PrefixBytes, headerLength));
            if (reader.ReadArrayHeader() != 4) throw new FrameFormatException("header is not a 4-element MessagePack array");
            kindByte = reader.ReadByte();
            tag = reader.ReadUInt32();
            length = reader.ReadUInt64();
            sequence = reader.ReadUInt32();
            if (!reader.End) throw new FrameFormatException("header has trailing bytes");
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException
            or ArgumentException)
        {
            throw new FrameFormatException("header is not valid MessagePack", ex);
        }

        var kind = (FrameKind)kindByte;
        if (kind is < FrameKind.Data or > FrameKind.TimeReply)
            throw new FrameFormatException($"unknown frame kind {kindByte}");
        if (length > (ulong)maxPayload)
            throw new FrameFormatException($"oversized frame: {length} payload bytes announced, the limit is {maxPayload}");
        if (kind != FrameKind.Data && length > MaxControlPayload)
            throw new FrameFormatException($"oversized {kind} frame: {length} payload bytes announced, the limit is {MaxControlPayload}");

        int headerBytes = PrefixBytes + headerLength;
        if (wholeControlFrames && kind != FrameKind.Data && buffer.Length < headerBytes + (long)length) return false;
        header = new FrameHeader(kind, tag, (int)length, headerBytes, sequence);
        buffer = buffer.Slice(headerBytes);
        return true;
    }
}
