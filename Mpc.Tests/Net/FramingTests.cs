using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Net.Internal;

namespace Mpc.Tests.Net;

public sealed class FramingTests
{
    private sealed record Frame(byte Kind, uint Tag, byte[] Payload);

    /// <summary>Collects frames; claims a buffer (the zero-copy path) for frames with even tags.</summary>
    private sealed class CollectingSink : IFrameSink
    {
        public List<Frame> Frames { get; } = [];

        public IFrameDestination? TryClaim(uint tag, int length) => tag % 2 == 0 ? new Destination(this, tag, length) : null;

        public void OnClaimedFrame(long frameBytes) { }

        private sealed class Destination(CollectingSink sink, uint tag, int length) : IFrameDestination
        {
            private readonly byte[] _bytes = new byte[length];

            public bool TryWrite(int offset, ReadOnlySequence<byte> bytes)
            {
                bytes.CopyTo(_bytes.AsSpan(offset));
                return true;
            }

            public void Complete() => sink.Frames.Add(new Frame((byte)FrameKind.Data, tag, _bytes));

            public void Abandon() => throw new InvalidOperationException("abandoned");
        }

        public void OnDataFrame(uint tag, PooledFrame payload, long frameBytes)
        {
            using (payload)
            {
                Assert.Equal(FrameCodec.HeaderBytes(FrameKind.Data, tag, payload.Length) + (long)payload.Length, frameBytes);
                Frames.Add(new Frame((byte)FrameKind.Data, tag, payload.Span.ToArray()));
            }
        }

        public void OnControlFrame(FrameKind kind, ReadOnlySequence<byte> payload) =>
            Frames.Add(new Frame((byte)kind, 0, payload.ToArray()));
    }

    private static readonly Gen<Frame> FrameGen =
        from kind in Gen.Frequency((6, Gen.Constant(FrameKind.Data)), (1, Gen.Constant(FrameKind.Abort)),
            (1, Gen.Constant(FrameKind.Goodbye)))
        from tag in Gen.OneOf(Gen.Choose(0, 200).Select(t => (uint)t), Gen.Choose(int.MinValue, int.MaxValue).Select(t => (uint)t))
        from length in Gen.Frequency((4, Gen.Choose(0, 40)), (2, Gen.Choose(100, 5000)), (1, Gen.Choose(60_000, 300_000)))
        from seed in Gen.Choose(0, int.MaxValue)
        select new Frame((byte)kind, kind == FrameKind.Data ? tag : 0, Bytes(kind == FrameKind.Data ? length : length % 200, seed));

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Encode(IEnumerable<Frame> frames)
    {
        var output = new ArrayBufferWriter<byte>();
        var scratch = new ArrayBufferWriter<byte>();
        uint sequence = 0;
        foreach (var f in frames) FrameCodec.WriteFrame(output, scratch, (FrameKind)f.Kind, f.Tag, f.Payload, sequence++);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Feeds the bytes through a real pipe in the given chunks, decoding after some of them.</summary>
    private static List<Frame> DecodeInChunks(byte[] bytes, int[] chunks)
    {
        var sink = new CollectingSink();
        var decoder = new FrameDecoder(sink, maxPayload: 1 << 30);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 256));
        int offset = 0, i = 0;
        while (offset < bytes.Length)
        {
            int n = Math.Min(bytes.Length - offset, chunks[i % chunks.Length]);
            pipe.Writer.Write(bytes.AsSpan(offset, n));
            pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            offset += n;
            // Sometimes let bytes pile up across several segments before decoding.
            if (chunks[i % chunks.Length] % 3 != 0 && pipe.Reader.TryRead(out var result))
            {
                var buffer = result.Buffer;
                decoder.Decode(ref buffer);
                pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            }
            i++;
        }
        pipe.Writer.Complete();
        while (pipe.Reader.TryRead(out var last))
        {
            var buffer = last.Buffer;
            decoder.Decode(ref buffer);
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            Assert.True(buffer.IsEmpty, "bytes left over after the last frame");
            if (last.IsCompleted) break;
        }
        Assert.False(decoder.IsMidFrame);
        return sink.Frames;
    }

    [Property(MaxTest = 60)]
    public Property Framing_RoundTrips_UnderAnyChunking() =>
        Prop.ForAll(
            Gen.ListOf(FrameGen).Select(l => l.ToArray()).ToArbitrary(),
            Gen.NonEmptyListOf(Gen.Frequency((5, Gen.Choose(1, 8)), (3, Gen.Choose(9, 4096)), (1, Gen.Choose(4097, 200_000))))
                .Select(l => l.ToArray()).ToArbitrary(),
            (frames, chunks) =>
            {
                var decoded = DecodeInChunks(Encode(frames), chunks);
                Assert.Equal(frames.Length, decoded.Count);
                for (int i = 0; i < frames.Length; i++)
                {
                    Assert.Equal(frames[i].Kind, decoded[i].Kind);
                    Assert.Equal(frames[i].Tag, decoded[i].Tag);
                    Assert.Equal(frames[i].Payload, decoded[i].Payload);
                }
            });

    [Property(MaxTest = 200)]
    public Property HeaderSize_Formula_MatchesTheEncoder() =>
        Prop.ForAll(
            Gen.Choose(int.MinValue, int.MaxValue).Select(t => (uint)t).ToArbitrary(),
            Gen.OneOf(Gen.Choose(0, 300), Gen.Choose(0, int.MaxValue)).ToArbitrary(),
            (tag, length) =>
            {
                var output = new ArrayBufferWriter<byte>();
                int written = FrameCodec.WriteHeader(output, new ArrayBufferWriter<byte>(), FrameKind.Data, tag, length);
                Assert.Equal(FrameCodec.HeaderBytes(FrameKind.Data, tag, length), written);
                Assert.Equal(written, output.WrittenCount);
            });

    [Fact]
    public void OversizedFrame_IsRejected_BeforeItsPayloadArrives()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameCodec.WriteHeader(output, new ArrayBufferWriter<byte>(), FrameKind.Data, 1, 2_000_000);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var decoder = new FrameDecoder(new CollectingSink(), maxPayload: 1_000_000);
        var ex = Assert.Throws<FrameFormatException>(() => decoder.Decode(ref buffer));
        Assert.Contains("oversized", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 1, 2, 3 }, "header length")]
    [InlineData(new byte[] { 4, 0, 0x93, 0x09, 0x01, 0x01 }, "header length")]
    [InlineData(new byte[] { 5, 0, 0x94, 0x0C, 0x01, 0x01, 0x00 }, "unknown frame kind")]
    [InlineData(new byte[] { 5, 0, 0xC1, 0xC1, 0xC1, 0xC1, 0xC1 }, "MessagePack")]
    [InlineData(new byte[] { 5, 0, 0x92, 0x01, 0x01, 0x01, 0x01 }, "4-element")]
    public void GarbageHeader_IsAFrameFormatError(byte[] bytes, string expected)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var decoder = new FrameDecoder(new CollectingSink(), maxPayload: 1 << 20);
        var ex = Assert.Throws<FrameFormatException>(() => decoder.Decode(ref buffer));
        Assert.Contains(expected, ex.Message);
    }

    [Property(MaxTest = 100)]
    public Property ReplayedFrame_IsDetected_AsAReplay() =>
        Prop.ForAll(
            Gen.NonEmptyListOf(FrameGen).Select(l => l.ToArray()).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (frames, pick) =>
            {
                // The bytes of frame k sent again after frame k (as a man in the middle replaying it would).
                int k = pick % frames.Length;
                var bytes = Encode(frames);
                var prefix = Encode(frames.Take(k + 1));
                int start = Encode(frames.Take(k)).Length;
                var replayed = prefix.Concat(bytes.AsSpan(start, prefix.Length - start).ToArray()).ToArray();
                var buffer = new ReadOnlySequence<byte>(replayed);
                var decoder = new FrameDecoder(new CollectingSink(), maxPayload: 1 << 30);
                var ex = Assert.Throws<FrameFormatException>(() => decoder.Decode(ref buffer));
                Assert.Contains($"replayed frame: sequence number {k} again", ex.Message);
            });

    [Fact]
    public void DroppedFrame_IsDetected_AsOutOfSequence()
    {
        var frames = new[] { new Frame(1, 7, [1, 2]), new Frame(1, 7, [3]), new Frame(1, 8, [4, 5, 6]) };
        var all = Encode(frames);
        int firstEnd = Encode(frames.Take(1)).Length, secondEnd = Encode(frames.Take(2)).Length;
        var withoutSecond = all.AsSpan(0, firstEnd).ToArray().Concat(all.AsSpan(secondEnd).ToArray()).ToArray();
        var buffer = new ReadOnlySequence<byte>(withoutSecond);
        var decoder = new FrameDecoder(new CollectingSink(), maxPayload: 1 << 20);
        var ex = Assert.Throws<FrameFormatException>(() => decoder.Decode(ref buffer));
        Assert.Contains("number 2 where 1 was expected", ex.Message);
    }
}
