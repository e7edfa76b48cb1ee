using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Mpc.Net.Internal;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// The frame decoder (<see cref="FrameDecoder"/>, <see cref="FrameCodec"/>) on hostile byte streams: any bytes, in any
/// chunking, either decode into frames or fail with a <see cref="FrameFormatException"/> (which the link reports as a
/// malformed frame naming the peer); a header announcing more than the limit is refused before anything is allocated.
/// </summary>
public sealed class FrameDecoderFuzzTests(ITestOutputHelper output)
{
    private const long MaxPayload = 1 << 16;

    /// <summary>Acts as a link does: claims buffers for even tags, decodes aborts, refuses handshake frames.</summary>
    private sealed class LinkLikeSink : IFrameSink
    {
        public int Frames;

        public IFrameDestination? TryClaim(uint tag, int length) => tag % 2 == 0 ? new Destination(length) : null;

        public void OnClaimedFrame(long frameBytes) => Frames++;

        public void OnDataFrame(uint tag, PooledFrame payload, long frameBytes)
        {
            payload.Dispose();
            Frames++;
        }

        public void OnControlFrame(FrameKind kind, ReadOnlySequence<byte> payload)
        {
            Frames++;
            switch (kind)
            {
                case FrameKind.Abort: ControlMessages.DecodeAbort(payload); break;
                case FrameKind.Goodbye or FrameKind.Probe or FrameKind.ProbeReply: break;
                default: throw new FrameFormatException($"unexpected {kind} frame after the handshake");
            }
        }

        private sealed class Destination(int length) : IFrameDestination
        {
            private readonly byte[] _bytes = new byte[length];

            public bool TryWrite(int offset, ReadOnlySequence<byte> bytes)
            {
                bytes.CopyTo(_bytes.AsSpan(offset));
                return true;
            }

            public void Complete() { }

            public void Abandon() { }
        }
    }

    private sealed record FrameSpec(FrameKind Kind, uint Tag, byte[] Payload);

    private static byte[] Encode(IEnumerable<FrameSpec> frames)
    {
        var writer = new ArrayBufferWriter<byte>();
        var scratch = new ArrayBufferWriter<byte>();
        uint sequence = 0; // a link numbers its frames from 0
        foreach (var f in frames) FrameCodec.WriteFrame(writer, scratch, f.Kind, f.Tag, f.Payload, sequence++);
        return writer.WrittenSpan.ToArray();
    }

    private static readonly Gen<FrameSpec> FrameGen =
        from kind in Gen.Frequency((6, Gen.Constant(FrameKind.Data)), (1, Gen.Constant(FrameKind.Abort)),
            (1, Gen.Constant(FrameKind.Goodbye)), (1, Gen.Constant(FrameKind.Probe)), (1, Gen.Constant(FrameKind.ProbeReply)))
        from tag in Gen.OneOf(Gen.Choose(0, 300).Select(t => (uint)t), Gen.Choose(int.MinValue, int.MaxValue).Select(t => (uint)t))
        from length in Gen.Frequency((6, Gen.Choose(0, 40)), (2, Gen.Choose(100, 700)), (1, Gen.Choose(60_000, 65_536)))
        from fill in Gen.Choose(0, 255)
        from culprit in Gen.Choose(-1, 9)
        select kind switch
        {
            FrameKind.Data => new FrameSpec(kind, tag, Enumerable.Repeat((byte)fill, length).ToArray()),
            FrameKind.Abort => new FrameSpec(kind, 0, ControlMessages.Encode(new AbortMessage(culprit, fill % 4, $"reason {fill}"))),
            _ => new FrameSpec(kind, 0, []),
        };

    private static readonly Gen<byte[]> StreamGen = FrameGen.ListOf().Select(frames => Encode(frames.Take(6)));

    /// <summary>Real frames as a link sends them: data of a few sizes, an abort, a goodbye, probes.</summary>
    private static byte[][] Seeds() =>
    [
        Encode([new FrameSpec(FrameKind.Data, 7, [1, 2, 3, 4])]),
        Encode([new FrameSpec(FrameKind.Data, 8, new byte[300]), new FrameSpec(FrameKind.Data, 0x0102_0304, new byte[70]),
            new FrameSpec(FrameKind.Goodbye, 0, [])]),
        Encode([new FrameSpec(FrameKind.Probe, 0, []), new FrameSpec(FrameKind.ProbeReply, 0, []), new FrameSpec(FrameKind.Data, 2, [])]),
        Encode([new FrameSpec(FrameKind.Abort, 0,
            ControlMessages.Encode(new AbortMessage(2, 0, "party 2 (carol) sent a malformed frame")))]),
        Encode([new FrameSpec(FrameKind.Data, uint.MaxValue, new byte[129]), new FrameSpec(FrameKind.Data, 1, new byte[1])]),
    ];

    /// <summary>Decodes <paramref name="bytes"/> as a link does, fed in chunks (cut where the input's own bytes say).</summary>
    private static void DecodeLikeALink(byte[] bytes)
    {
        var decoder = new FrameDecoder(new LinkLikeSink(), MaxPayload);
        int cut = bytes.Length == 0 ? 0 : bytes[^1] % (bytes.Length + 1);
        byte[] pending = [];
        foreach (var chunk in new[] { bytes[..cut], bytes[cut..] })
        {
            byte[] joined = [.. pending, .. chunk];
            var buffer = Segmented(joined, joined.Length == 0 ? 1 : 1 + joined[0] % 7);
            decoder.Decode(ref buffer);
            pending = buffer.ToArray();
        }
        // A stream that ends mid-frame: the link drops the partial frame and fails any claimed receiver.
        if (decoder.IsMidFrame) decoder.Reset();
    }

    /// <summary>The bytes as a sequence of <paramref name="parts"/> segments, as a pipe may hold them.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int parts)
    {
        if (parts <= 1 || bytes.Length < parts) return new ReadOnlySequence<byte>(bytes);
        int size = bytes.Length / parts;
        var first = new Segment(bytes.AsMemory(0, size), 0);
        var last = first;
        for (int p = 1; p < parts; p++)
        {
            int start = p * size, end = p == parts - 1 ? bytes.Length : start + size;
            last = last.Append(bytes.AsMemory(start, end - start));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    [Fact]
    public void FrameDecoder_AnyBytes_DecodeOrFailAsMalformed()
    {
        var report = FuzzRun.Run(output, "frame decoder", FuzzRun.CountFor(FuzzRun.FullCount), Seeds(), StreamGen, DecodeLikeALink,
            typeof(FrameFormatException));
        Assert.True(report.Succeeded > report.Fed / 20, "too few mutated streams decode: the mutations only test the first check");
    }

    [Theory]
    [InlineData(4L << 30)]                // 4 GiB
    [InlineData(uint.MaxValue)]
    [InlineData(ulong.MaxValue)]
    [InlineData(MaxPayload + 1)]          // just over the configured limit
    public void FrameDecoder_LengthOverTheLimit_IsRefusedBeforeAllocating(ulong announced)
    {
        // The header alone, as a hostile peer would send it, with no payload behind it.
        var header = new ArrayBufferWriter<byte>();
        var w = new MessagePack.MessagePackWriter(header);
        w.WriteArrayHeader(4);
        w.Write((byte)FrameKind.Data);
        w.Write(1u);
        w.Write(announced);
        w.Write(0u); // sequence number
        w.Flush();
        byte[] bytes = [(byte)header.WrittenCount, 0, .. header.WrittenSpan];
        var decoder = new FrameDecoder(new LinkLikeSink(), MaxPayload);
        DecodeOnce(new FrameDecoder(new LinkLikeSink(), MaxPayload), bytes); // warm up the JIT and the exception path

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = DecodeOnce(decoder, bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("oversized", ex.Message);
        Assert.Contains(announced.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
        Assert.False(decoder.IsMidFrame);
        // The exception and its message cost a few hundred bytes; the payload would have cost at least MaxPayload.
        Assert.InRange(allocated, 0, 16 * 1024);
        output.WriteLine($"{announced} bytes announced: refused with {allocated} bytes allocated ({ex.Message})");
    }

    [Fact]
    public void FrameDecoder_LengthWithinLimit_AllocatesOnlyWhatIsAnnounced()
    {
        // The contrast to the test above: the check is on the announced length, not on what a frame could be.
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteHeader(writer, new ArrayBufferWriter<byte>(), FrameKind.Data, 1, MaxPayload);
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        var decoder = new FrameDecoder(new LinkLikeSink(), MaxPayload);
        decoder.Decode(ref buffer);
        Assert.True(decoder.IsMidFrame);
        decoder.Reset();
    }

    private static FrameFormatException DecodeOnce(FrameDecoder decoder, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        try
        {
            decoder.Decode(ref buffer);
        }
        catch (FrameFormatException ex)
        {
            return ex;
        }
        throw new Xunit.Sdk.XunitException("the oversized header was accepted");
    }
}
