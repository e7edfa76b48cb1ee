using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Mpc.Net.Internal;

/// <summary>
/// One established, authenticated connection to a peer, modelled on Kestrel's socket transport: a receive pump
/// (stream to input pipe) and a frame loop (input pipe to the peer's inbox). Senders write frames straight into the
/// stream, one at a time under a lock: a large payload goes from the caller's buffer to TLS with no copy in between
/// (an output pipe cost a copy of every byte and a thread hand-off per flush), and the stream's own backpressure holds
/// the sender when the peer reads slowly. A small frame, or a large frame's header with its first bytes, goes out as
/// one write, so it costs one TLS record.
/// </summary>
internal sealed class TcpLink : IFrameSink
{
    private const int CoalesceBytes = 16 * 1024 - FrameCodec.MaxHeaderLength - FrameCodec.PrefixBytes;
    // One TLS record's plaintext, what a TLS read hands out: the pipe starts a new block when less is left in the last.
    private const int ReadBytes = 16 * 1024;
    private const int FlushBatchBytes = 1024 * 1024;
    private const int PauseWriterBytes = 4 * 1024 * 1024;

    private readonly TcpPartyNetwork _owner;
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly BlockPool _blocks = new((PauseWriterBytes + FlushBatchBytes) / BlockPool.BlockSize);
    private readonly Pipe _input;
    private readonly ArrayBufferWriter<byte> _staging = new(16 * 1024);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _headerScratch = new(FrameCodec.MaxHeaderLength);
    private readonly FrameDecoder _decoder;
    private readonly ILogger _logger;
    private Task _receivePump = Task.CompletedTask;
    private Task _frameLoop = Task.CompletedTask;
    private volatile bool _closing;
    private volatile bool _brokenFrame;
    private bool _sendClosed;
    private uint _sendSequence;   // guarded by _writeLock
    private bool _goodbyeReceived;
    private readonly Lock _probeGate = new();
    private TaskCompletionSource? _probe;

    public TcpLink(TcpPartyNetwork owner, int peer, Socket socket, Stream stream, ILogger logger)
    {
        _owner = owner;
        Peer = peer;
        _socket = socket;
        _stream = stream;
        _logger = logger;
        _decoder = new FrameDecoder(this, owner.MaxFrameBytes);
        _input = new Pipe(new PipeOptions(
            pool: _blocks,
            pauseWriterThreshold: PauseWriterBytes,
            resumeWriterThreshold: PauseWriterBytes / 2,
            minimumSegmentSize: BlockPool.BlockSize,
            useSynchronizationContext: false));
    }

    public int Peer { get; }

    /// <summary>The memory of the input pipe (for tests of its reuse).</summary>
    internal BlockPool InputBlocks => _blocks;

    private string PeerName => _owner.NameOf(Peer);

    public void Start()
    {
        _receivePump = Task.Run(ReceivePumpAsync);
        _frameLoop = Task.Run(FrameLoopAsync);
    }

    /// <summary>
    /// Writes one data frame. Once its header is in the pipe the frame is always completed (a peer must never see
    /// half a frame followed by another one), unless <paramref name="ct"/> interrupts it, which fails the network.
    /// </summary>
    public async ValueTask WriteDataAsync(uint tag, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        bool started = false;
        try
        {
            if (_owner.Failure is { } failure) throw failure;
            if (_sendClosed)
                throw _owner.Fail(new PeerDisconnectedException(Peer, PeerName, "the connection closed while we were sending"));
            _staging.ResetWrittenCount();
            int headerBytes = FrameCodec.WriteHeader(_staging, _headerScratch, FrameKind.Data, tag, payload.Length, _sendSequence++);
            int first = Math.Min(payload.Length, CoalesceBytes);
            payload.Span[..first].CopyTo(_staging.GetSpan(first));
            _staging.Advance(first);
            _owner.Stats.RecordSent(Peer, headerBytes + (long)payload.Length);
            started = true;
            await _stream.WriteAsync(_staging.WrittenMemory, ct).ConfigureAwait(false);
            if (payload.Length > first) await _stream.WriteAsync(payload[first..], ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && started)
        {
            _brokenFrame = true;
            _owner.Fail(new PeerAbortedException(_owner.PartyId, _owner.NameOf(_owner.PartyId),
                _owner.PartyId, _owner.NameOf(_owner.PartyId),
                $"a send to party {Peer} was cancelled in the middle of a frame"));
            throw;
        }
        catch (Exception ex) when (started && ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            _brokenFrame = true;
            await _owner.WaitGraceAsync(_owner.GraceBeforeBlaming(Peer)).ConfigureAwait(false);
            throw _owner.Failure
                ?? _owner.Fail(new PeerDisconnectedException(Peer, PeerName, "sending failed: " + DescribeIoError(ex), ex));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Ends the link: sends an abort (or a goodbye) on a frame boundary, closes our direction, waits a bounded
    /// time for the peer to close its direction (so that nothing we sent is lost to a reset), then disposes the socket.
    /// </summary>
    public async Task CloseAsync(AbortMessage? abort, TimeSpan flushTimeout, TimeSpan lingerTimeout)
    {
        bool wrote = false;
        if (!_brokenFrame)
        {
            wrote = abort is { } a
                ? await TryWriteControlAsync(FrameKind.Abort, ControlMessages.Encode(a), flushTimeout, complete: true).ConfigureAwait(false)
                : await TryWriteControlAsync(FrameKind.Goodbye, [], flushTimeout, complete: true).ConfigureAwait(false);
        }
        if (wrote) await WaitAsync(_frameLoop, lingerTimeout).ConfigureAwait(false);
        _closing = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer.
        }
        _socket.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _input.Writer.CancelPendingFlush();
        await WaitAsync(Task.WhenAll(_receivePump, _frameLoop), TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _blocks.Dispose();
    }

    private static async Task WaitAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch
        {
            // Closing is best effort and bounded; the pumps report their own failures.
        }
    }

    /// <summary>
    /// Asks the peer's frame loop for a sign of life. True if it answers within <paramref name="timeout"/>: the
    /// process runs (even if its protocol is blocked); false if it is stopped, hung, or the link is gone.
    /// </summary>
    public async Task<bool> ProbeAsync(TimeSpan timeout)
    {
        TaskCompletionSource probe;
        lock (_probeGate)
        {
            _probe ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            probe = _probe;
        }
        var started = Stopwatch.GetTimestamp();
        if (!await TryWriteControlAsync(FrameKind.Probe, [], timeout, complete: false).ConfigureAwait(false)) return false;
        var left = timeout - Stopwatch.GetElapsedTime(started);
        if (left <= TimeSpan.Zero) return probe.Task.IsCompleted;
        try
        {
            await probe.Task.WaitAsync(left).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task<bool> TryWriteControlAsync(FrameKind kind, byte[] payload, TimeSpan timeout, bool complete)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _writeLock.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        try
        {
            if (_brokenFrame || _sendClosed) return false;
            _staging.ResetWrittenCount();
            FrameCodec.WriteFrame(_staging, _headerScratch, kind, 0, payload, _sendSequence++);
            await _stream.WriteAsync(_staging.WrittenMemory, cts.Token).ConfigureAwait(false);
            if (complete)
            {
                // Our last frame: close our direction (TLS close_notify, then FIN), so the peer reads to the end.
                _sendClosed = true;
                await _stream.FlushAsync(cts.Token).ConfigureAwait(false);
                if (_stream is SslStream ssl) await ssl.ShutdownAsync().WaitAsync(cts.Token).ConfigureAwait(false);
                _socket.Shutdown(SocketShutdown.Send);
            }
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException or SocketException
            or ObjectDisposedException)
        {
            _brokenFrame = true;
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReceivePumpAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            bool end = false;
            while (!end)
            {
                var memory = writer.GetMemory(ReadBytes);
                int n = await _stream.ReadAsync(memory).ConfigureAwait(false);
                if (n == 0) break;
                writer.Advance(n);
                // TLS hands out one 16 KiB record per read: while more bytes are already waiting, keep reading
                // before waking the frame loop, so a bulk transfer costs far fewer thread hand-offs.
                for (int batched = n; batched < FlushBatchBytes && _socket.Available > 0; batched += n)
                {
                    n = await _stream.ReadAsync(writer.GetMemory(ReadBytes)).ConfigureAwait(false);
                    if (n == 0)
                    {
                        end = true;
                        break;
                    }
                    writer.Advance(n);
                }
                var result = await writer.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task FrameLoopAsync()
    {
        var reader = _input.Reader;
        Exception? readerError = null;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not FrameFormatException)
                {
                    if (_closing) return;
                    if (IsTlsAuthenticationFailure(ex))
                        _owner.Fail(new LinkAuthenticationException(Peer, PeerName, InnermostMessage(ex), ex));
                    else
                        await FailAfterGraceAsync(new PeerDisconnectedException(Peer, PeerName, DescribeIoError(ex), ex))
                            .ConfigureAwait(false);
                    return;
                }
                var buffer = result.Buffer;
                try
                {
                    _decoder.Decode(ref buffer);
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    if (!_closing && !_goodbyeReceived)
                    {
                        string detail = _decoder.IsMidFrame || !buffer.IsEmpty
                            ? "it closed the connection in the middle of a frame"
                            : "it closed the connection";
                        await FailAfterGraceAsync(new PeerDisconnectedException(Peer, PeerName, detail)).ConfigureAwait(false);
                    }
                    return;
                }
            }
        }
        catch (FrameFormatException ex)
        {
            readerError = ex;
            _owner.Fail(new MalformedFrameException(Peer, PeerName, ex.Message, ex.InnerException));
        }
        catch (Exception ex)
        {
            readerError = ex;
            _logger.LogError(ex, "Frame loop for party {Peer} failed", Peer);
            _owner.Fail(new PeerDisconnectedException(Peer, PeerName, $"internal error while reading: {ex.Message}", ex));
        }
        finally
        {
            _decoder.Reset();
            await reader.CompleteAsync(readerError).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A link that ends without an abort frame is ambiguous: the peer died, or the peer aborted because of someone
    /// else and could not tell us (its TLS session broke, or its abort was lost with the connection), or the link
    /// itself broke. The abort that names the real culprit then arrives over another link within moments; give it that
    /// long (<see cref="PartyNetworkBase.GraceBeforeBlaming"/>) before naming the peer.
    /// </summary>
    private async Task FailAfterGraceAsync(PeerDisconnectedException failure)
    {
        await _owner.WaitGraceAsync(_owner.GraceBeforeBlaming(Peer)).ConfigureAwait(false);
        _owner.Fail(failure);
    }

    /// <summary>A TLS read that failed because a record did not decrypt or authenticate (not a closed or reset socket).</summary>
    private bool IsTlsAuthenticationFailure(Exception ex)
    {
        if (_stream is not SslStream) return false;
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException) return false;
            if (e is System.Security.Authentication.AuthenticationException
                || e.GetType().Name.Contains("SslException", StringComparison.Ordinal)
                || e.Message.Contains("decrypt", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static string InnermostMessage(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null) e = e.InnerException;
        return e == ex ? ex.Message : $"{ex.Message} ({e.Message})";
    }

    private static string DescribeIoError(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException se)
            {
                return se.SocketErrorCode switch
                {
                    SocketError.ConnectionReset => "the connection was reset (the process may have died)",
                    SocketError.ConnectionAborted => "the connection was aborted",
                    SocketError.Shutdown => "the connection was shut down",
                    _ => $"socket error {se.SocketErrorCode}",
                };
            }
        }
        return ex.Message;
    }

    IFrameDestination? IFrameSink.TryClaim(uint tag, int length) =>
        _goodbyeReceived ? null : _owner.ClaimFrom(Peer, tag, length);

    void IFrameSink.OnClaimedFrame(long frameBytes) => _owner.Stats.RecordReceived(Peer, frameBytes);

    void IFrameSink.OnDataFrame(uint tag, PooledFrame payload, long frameBytes)
    {
        if (_goodbyeReceived)
        {
            payload.Dispose();
            throw new FrameFormatException("data frame after goodbye");
        }
        _owner.Stats.RecordReceived(Peer, frameBytes);
        _owner.DeliverFrom(Peer, tag, payload);
    }

    void IFrameSink.OnControlFrame(FrameKind kind, ReadOnlySequence<byte> payload)
    {
        switch (kind)
        {
            case FrameKind.Abort:
                var abort = ControlMessages.DecodeAbort(payload);
                var (culprit, reporter) = abort.PartiesOr(Peer, _owner.PartyCount);
                _owner.Fail(new PeerAbortedException(reporter, _owner.NameOf(reporter), culprit, _owner.NameOf(culprit), abort.Reason));
                break;
            case FrameKind.Goodbye:
                _goodbyeReceived = true;
                _owner.PeerSaidGoodbye(Peer);
                break;
            case FrameKind.Probe:
                // Answer from a fresh task: the frame loop must not wait for the write lock.
                _ = Task.Run(() => TryWriteControlAsync(FrameKind.ProbeReply, [], TimeSpan.FromSeconds(5), complete: false));
                break;
            case FrameKind.ProbeReply:
                TaskCompletionSource? probe;
                lock (_probeGate)
                {
                    probe = _probe;
                    _probe = null;
                }
                probe?.TrySetResult();
                break;
            default:
                throw new FrameFormatException($"unexpected {kind} frame after the handshake");
        }
    }
}
