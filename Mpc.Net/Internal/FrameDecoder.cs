using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>
/// Incremental frame parser: feed it whatever bytes have arrived, in any chunking; it consumes what it can
/// and hands complete frames to the sink. Large payloads are copied out as they arrive, so a frame never
/// has to fit in the pipe. Frames must arrive with consecutive sequence numbers from 0: a replayed, dropped or
/// reordered frame is a format error.
/// </summary>
internal sealed class FrameDecoder(IFrameSink sink, long maxPayload)
{
    private PooledFrame? _current;
    private IFrameDestination? _claimed;
    private bool _discarding;
    private int _length;
    private int _filled;
    private uint _tag;
    private long _frameBytes;
    private uint _nextSequence;

    /// <summary>True while part of a frame has been consumed but not all of it.</summary>
    public bool IsMidFrame => _current is not null || _claimed is not null;

    /// <summary>Consumes as many bytes of <paramref name="buffer"/> as possible (slicing them off).</summary>
    /// <exception cref="FrameFormatException">The bytes are not valid frames.</exception>
    public void Decode(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (!IsMidFrame)
            {
                if (!FrameCodec.TryReadHeader(ref buffer, maxPayload, out var header)) return;
                if (header.Sequence != _nextSequence)
                {
                    throw new FrameFormatException(header.Sequence < _nextSequence
                        ? $"replayed frame: sequence number {header.Sequence} again, after {_nextSequence - 1}"
                        : $"frame out of sequence: number {header.Sequence} where {_nextSequence} was expected (frames lost or reordered)");
                }
                _nextSequence++;
                if (header.Kind != FrameKind.Data)
                {
                    var payload = buffer.Slice(0, header.PayloadLength);
                    buffer = buffer.Slice(header.PayloadLength);
                    sink.OnControlFrame(header.Kind, payload);
                    continue;
                }
                _length = header.PayloadLength;
                _filled = 0;
                _tag = header.Tag;
                _frameBytes = header.FrameBytes;
                _discarding = false;
                _claimed = _length > 0 ? sink.TryClaim(_tag, _length) : null;
                if (_claimed is null) _current = PooledFrame.Rent(_length);
            }

            int need = _length - _filled;
            if (need > 0)
            {
                if (buffer.IsEmpty) return;
                int n = (int)Math.Min(need, buffer.Length);
                var chunk = buffer.Slice(0, n);
                if (_current is not null) chunk.CopyTo(_current.Span.Slice(_filled, n));
                else if (!_discarding && !_claimed!.TryWrite(_filled, chunk)) _discarding = true;
                buffer = buffer.Slice(n);
                _filled += n;
                if (_filled < _length) return;
            }

            if (_current is { } done)
            {
                _current = null;
                sink.OnDataFrame(_tag, done, _frameBytes);
            }
            else
            {
                var claimed = _claimed!;
                _claimed = null;
                if (!_discarding)
                {
                    // Counted before the receiver wakes: whoever awaited the receive then sees its bytes in the stats.
                    sink.OnClaimedFrame(_frameBytes);
                    claimed.Complete();
                }
            }
        }
    }

    /// <summary>Drops a partly received frame; a claimed receiver fails.</summary>
    public void Reset()
    {
        _current?.Dispose();
        _current = null;
        var claimed = _claimed;
        _claimed = null;
        if (claimed is not null && !_discarding) claimed.Abandon();
    }
}
