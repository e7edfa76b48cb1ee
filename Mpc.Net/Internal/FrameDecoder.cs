using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>
/// Incremental frame parser: feed it whatever bytes have arrived, in any chunking; it consumes what it can
/// and hands complete frames to the sink. Large payloads are copied out as they arrive, so a frame never
/// has to fit in the pipe.
/// </summary>
internal sealed class FrameDecoder(IFrameSink sink, long maxPayload)
{
    private PooledFrame? _current;
    private int _filled;
    private uint _tag;
    private long _frameBytes;

    /// <summary>True while part of a frame has been consumed but not all of it.</summary>
    public bool IsMidFrame => _current is not null;

    /// <summary>Consumes as many bytes of <paramref name="buffer"/> as possible (slicing them off).</summary>
    /// <exception cref="FrameFormatException">The bytes are not valid frames.</exception>
    public void Decode(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (_current is null)
            {
                if (!FrameCodec.TryReadHeader(ref buffer, maxPayload, out var header)) return;
                if (header.Kind != FrameKind.Data)
                {
                    var payload = buffer.Slice(0, header.PayloadLength);
                    buffer = buffer.Slice(header.PayloadLength);
                    sink.OnControlFrame(header.Kind, payload);
                    continue;
                }
                _current = PooledFrame.Rent(header.PayloadLength);
                _filled = 0;
                _tag = header.Tag;
                _frameBytes = header.FrameBytes;
            }

            int need = _current.Length - _filled;
            if (need > 0)
            {
                if (buffer.IsEmpty) return;
                int n = (int)Math.Min(need, buffer.Length);
                buffer.Slice(0, n).CopyTo(_current.Span.Slice(_filled, n));
                buffer = buffer.Slice(n);
                _filled += n;
                if (_filled < _current.Length) return;
            }

            var done = _current;
            _current = null;
            sink.OnDataFrame(_tag, done, _frameBytes);
        }
    }

    /// <summary>Drops a partly received frame.</summary>
    public void Reset()
    {
        _current?.Dispose();
        _current = null;
    }
}
