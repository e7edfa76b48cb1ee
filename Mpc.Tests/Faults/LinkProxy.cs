using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Mpc.Tests.Faults;

/// <summary>
/// A TCP relay on 127.0.0.1 between a dialing party (the client) and the party it dials (the server): the client's
/// party file routes the link through it (<c>connectVia</c>). It forwards bytes untouched until a fault is armed, then
/// applies it to the client-to-server direction. It understands just enough of the wire to act on whole units: TLS
/// records (5-byte header) on a TLS link, Mpc frames (length-prefixed MessagePack header) on a plain one.
/// </summary>
public sealed class LinkProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly int _serverPort;
    private readonly bool _tls;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _client;
    private Socket? _server;
    private Task _pumps = Task.CompletedTask;
    private volatile LinkFault? _armed;
    private volatile bool _inPhase;

    private readonly TimeSpan _latency;

    /// <param name="serverPort">The port of the party being dialed, on 127.0.0.1.</param>
    /// <param name="tls">Whether the link runs TLS (the proxy then works on TLS records, else on frames).</param>
    /// <param name="seed">For the corrupted byte's position.</param>
    /// <param name="latency">A one-way delay added to every byte in both directions, order kept (a slow network, without loss).</param>
    public LinkProxy(int serverPort, bool tls, int seed, TimeSpan latency = default)
    {
        _latency = latency;
        _serverPort = serverPort;
        _tls = tls;
        _random = new Random(seed);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _ = AcceptAsync();
    }

    /// <summary>The port the client dials.</summary>
    public int Port { get; }

    /// <summary>Completes with a description once the armed fault has acted on the wire.</summary>
    public Task<string> Applied => _applied.Task;

    /// <summary>
    /// Arms <paramref name="fault"/>: it acts on the next whole unit the client sends (or at once for
    /// <see cref="LinkFaultKind.Cut"/>).
    /// </summary>
    public void Arm(LinkFault fault)
    {
        _armed = fault;
        if (fault.Kind == LinkFaultKind.Cut) Cut();
    }

    private async Task AcceptAsync()
    {
        try
        {
            var client = await _listener.AcceptAsync(_stop.Token);
            client.NoDelay = true;
            // The server may not listen yet: retry (as the dialer itself would) until it does.
            Socket server;
            while (true)
            {
                server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _serverPort), _stop.Token);
                    break;
                }
                catch (SocketException)
                {
                    server.Dispose();
                    await Task.Delay(20, _stop.Token);
                }
            }
            _client = client;
            _server = server;
            _connected.TrySetResult();
            _pumps = Task.WhenAll(ForwardClientToServerAsync(client, server), ForwardAsync(server, client));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            _connected.TrySetException(ex);
        }
    }

    /// <summary>Server to client: bytes as they come (after the latency, if any).</summary>
    private async Task ForwardAsync(Socket from, Socket to)
    {
        var queue = Channel.CreateUnbounded<(byte[] Unit, long Due)>();
        var writer = WriteUnitsAsync(queue.Reader, to);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, _stop.Token);
                if (n == 0) break;
                queue.Writer.TryWrite((buffer.AsSpan(0, n).ToArray(), Environment.TickCount64 + (long)_latency.TotalMilliseconds));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The link is gone; the parties report it.
        }
        queue.Writer.TryComplete();
        await writer;
    }

    /// <summary>
    /// Client to server: whole units through a queue, so a delay holds every unit for the same time and keeps their
    /// order.
    /// </summary>
    private async Task ForwardClientToServerAsync(Socket from, Socket to)
    {
        var queue = Channel.CreateUnbounded<(byte[] Unit, long Due)>();
        var writer = WriteUnitsAsync(queue.Reader, to);
        var buffer = new List<byte>(256 * 1024);
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(chunk, _stop.Token);
                if (n == 0) break;
                buffer.AddRange(chunk.AsSpan(0, n));
                while (NextUnitLength(buffer) is int length && buffer.Count >= length)
                {
                    var unit = buffer.GetRange(0, length).ToArray();
                    buffer.RemoveRange(0, length);
                    foreach (var (bytes, delay) in Apply(unit))
                        queue.Writer.TryWrite((bytes, Environment.TickCount64 + (long)(delay + _latency).TotalMilliseconds));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The link is gone; the parties report it.
        }
        queue.Writer.TryComplete();
        await writer;
    }

    private async Task WriteUnitsAsync(ChannelReader<(byte[] Unit, long Due)> reader, Socket to)
    {
        try
        {
            await foreach (var (unit, due) in reader.ReadAllAsync(_stop.Token))
            {
                long wait = due - Environment.TickCount64;
                if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), _stop.Token);
                if (unit.Length == 0)
                {
                    to.Shutdown(SocketShutdown.Send);   // the half-close marker
                    continue;
                }
                await to.SendAsync(unit, _stop.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The link is gone.
        }
    }

    /// <summary>What to forward for one unit (an empty unit means: close our side towards the server).</summary>
    private IEnumerable<(byte[] Bytes, TimeSpan Delay)> Apply(byte[] unit)
    {
        var fault = _armed;
        if (_inPhase && fault?.Kind == LinkFaultKind.Close) yield break;   // after the close nothing more goes through
        if (fault is null || !IsEligible(unit))
        {
            yield return (unit, _inPhase && fault?.Kind == LinkFaultKind.Delay ? fault.Delay : TimeSpan.Zero);
            yield break;
        }
        switch (fault.Kind)
        {
            case LinkFaultKind.Delay:
                if (!_inPhase) _applied.TrySetResult($"delaying every unit by {fault.Delay.TotalMilliseconds} ms from now on");
                _inPhase = true;
                yield return (unit, fault.Delay);
                break;
            case LinkFaultKind.Replay:
                if (_inPhase)
                {
                    yield return (unit, TimeSpan.Zero);
                    break;
                }
                _inPhase = true;
                _applied.TrySetResult($"replayed a {unit.Length}-byte {(_tls ? "TLS record" : "frame")}");
                yield return (unit, TimeSpan.Zero);
                yield return ((byte[])unit.Clone(), TimeSpan.Zero);
                break;
            case LinkFaultKind.Corrupt:
                if (_inPhase)
                {
                    yield return (unit, TimeSpan.Zero);
                    break;
                }
                _inPhase = true;
                // A TLS record's body (its 5-byte header is left alone: the record layer must reject the ciphertext);
                // any byte of a plain frame, header or payload.
                int first = _tls ? 5 : 0;
                int at = _random.Next(first, unit.Length);
                byte mask = (byte)(1 << _random.Next(8));
                unit[at] ^= mask;
                _applied.TrySetResult($"flipped bit {System.Numerics.BitOperations.Log2(mask)} of byte {at} " +
                    $"of a {unit.Length}-byte {(_tls ? "TLS record" : "frame")}");
                yield return (unit, TimeSpan.Zero);
                break;
            case LinkFaultKind.Close:
                _inPhase = true;
                _applied.TrySetResult("closed the client-to-server direction");
                yield return ([], TimeSpan.Zero);
                break;
            default:
                yield return (unit, TimeSpan.Zero);
                break;
        }
    }

    /// <summary>Acts on protocol traffic only: TLS application data records, or plain data frames.</summary>
    private bool IsEligible(byte[] unit) => _tls ? unit[0] == 23 : unit.Length > 2 + 1 && unit[3] == 1;

    /// <summary>The length of the unit at the start of <paramref name="buffer"/>, or null if its header is not there yet.</summary>
    private int? NextUnitLength(List<byte> buffer)
    {
        if (_tls)
        {
            if (buffer.Count < 5) return null;
            return 5 + (buffer[3] << 8 | buffer[4]);
        }
        if (buffer.Count < 2) return null;
        int headerLength = buffer[0] | buffer[1] << 8;
        if (buffer.Count < 2 + headerLength) return null;
        // [kind, tag, length, sequence] as a MessagePack array: skip the array byte, kind and tag, read length.
        var header = buffer.GetRange(2, headerLength).ToArray();
        int offset = 1;
        SkipUInt(header, ref offset);
        SkipUInt(header, ref offset);
        long payload = ReadUInt(header, ref offset);
        return checked(2 + headerLength + (int)payload);
    }

    private static void SkipUInt(byte[] b, ref int offset) => ReadUInt(b, ref offset);

    private static long ReadUInt(byte[] b, ref int offset)
    {
        byte code = b[offset++];
        if (code <= 0x7f) return code;
        long v;
        switch (code)
        {
            case 0xcc: v = b[offset]; offset += 1; break;
            case 0xcd: v = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(offset)); offset += 2; break;
            case 0xce: v = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(offset)); offset += 4; break;
            case 0xcf: v = (long)BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(offset)); offset += 8; break;
            default: throw new InvalidDataException($"unexpected MessagePack code 0x{code:x2} in a frame header");
        }
        return v;
    }

    /// <summary>Resets both connections at once, as a failed router or firewall would.</summary>
    private void Cut()
    {
        _inPhase = true;
        foreach (var socket in new[] { _client, _server })
        {
            if (socket is null) continue;
            try
            {
                socket.LingerState = new LingerOption(true, 0);   // close with RST
                socket.Close();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
        _applied.TrySetResult("reset both connections");
    }

    /// <summary>Waits until the client is connected through the proxy.</summary>
    public Task WaitConnectedAsync(TimeSpan timeout) => _connected.Task.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        _client?.Dispose();
        _server?.Dispose();
        try
        {
            await _pumps.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch
        {
            // Best effort.
        }
        _stop.Dispose();
    }
}
