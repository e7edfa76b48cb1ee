using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Net.Configuration;

namespace Mpc.Net.Internal;

/// <summary>
/// Forms one party's links: lower ids listen, higher ids dial (with retry and backoff), every link is secured with
/// mutual TLS 1.3 whose certificates are checked against the cluster file's pins <em>during</em> the TLS handshake
/// (unless the cluster is insecure), then a handshake compares magic, version, session id, party ids and the cluster
/// config; last, every party tells every other that all its links are up (the ready barrier). Everything happens
/// before the connect deadline.
/// </summary>
/// <remarks>
/// <para>Who may be believed. A listener accepts a TLS client only if its certificate is the pinned certificate of a
/// party allowed to dial it (a higher id); a dialer accepts a server only if its certificate is the dialed party's.
/// A connection that fails that, or (insecure clusters) one that does not open with a hello from a party allowed to
/// dial, is unauthenticated: nothing it sent is parsed as protocol, believed, echoed or blamed on anyone. It is
/// logged (at most <see cref="RefusalLog.LinesPerSecond"/> lines a second) and dropped, and the party keeps waiting for
/// its real peers. So is a connection that breaks before its handshake ends: the dialer retries. Only an
/// authenticated peer's own handshake messages (a hello that does not match, a reject, bytes that are not the
/// protocol) or its silence until the deadline can make a party fail, and only that peer is named.</para>
/// <para>Handshake, after TLS: the dialer sends Hello; the listener checks it and answers Hello or Reject; the dialer
/// checks that Hello and answers Accept or Reject. A Reject carries which check failed, so both sides report the same
/// mismatch; a config mismatch names the fields that differ (the hello carries a hash of each field, never its value).</para>
/// <para>Ready barrier: once all its links are up a party sends Ready on each, and it starts its job only when every
/// peer's Ready has arrived. Until then it reads its links for that one frame, so a party that fails while the mesh
/// forms (it refused a peer, or its deadline passed) relays its abort to every peer it is already connected to, and
/// they stop at once naming the same culprit instead of waiting out their own deadlines.</para>
/// </remarks>
internal sealed class MeshConnector
{
    /// <summary>
    /// How long one connection may take to finish TLS and its handshake (either end): a real peer needs milliseconds; one
    /// that holds a connection open without answering is dropped (and a dialer tries again).
    /// </summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Incoming connections in their handshake at once; more are closed at once (and logged), until some end.</summary>
    private const int MaxPendingInbound = 256;

    /// <summary>
    /// How long past the connect deadline a party whose links are all up waits for its peers' ready frames: a peer still
    /// missing a link of its own reaches its deadline about then and relays the abort that names the missing party.
    /// </summary>
    private static readonly TimeSpan ReadyGrace = TimeSpan.FromSeconds(1);

    /// <summary>How long relaying an abort to one peer may take.</summary>
    private static readonly TimeSpan AbortFlushTimeout = TimeSpan.FromSeconds(2);

    private readonly ClusterConfig _cluster;
    private readonly ILogger _logger;
    private readonly RefusalLog _refusals;
    private readonly PeerCredentials _credentials;
    private readonly int _me;
    private readonly SslStreamCertificateContext? _certificateContext;
    private readonly PendingLink?[] _links;
    private readonly string?[] _dialProblems;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _inboundDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _linkFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReadOnlyDictionary<int, (string Host, int Port)>? _connectVia;
    private readonly List<Task> _watchers = [];
    private int _inbound;
    private int _expectedInbound;
    private int _pendingInbound;

    public MeshConnector(ClusterConfig cluster, PartyIdentity identity, ILogger logger,
        IReadOnlyDictionary<int, (string Host, int Port)>? connectVia = null)
    {
        _connectVia = connectVia;
        _cluster = cluster;
        _logger = logger;
        _me = identity.PartyId;
        _refusals = new RefusalLog(logger, _me);
        _credentials = new PeerCredentials(cluster, _me);
        _links = new PendingLink?[cluster.PartyCount];
        _dialProblems = new string?[cluster.PartyCount];
        if (!cluster.Insecure)
            _certificateContext = SslStreamCertificateContext.Create(identity.Certificate!, additionalCertificates: null, offline: true);
    }

    /// <summary>An authenticated connection whose handshake is done, before the run: its stream, and one writer at a time.</summary>
    private sealed class PendingLink(Socket socket, Stream stream)
    {
        public Socket Socket { get; } = socket;

        public Stream Stream { get; } = stream;

        public SemaphoreSlim WriteLock { get; } = new(1, 1);

        /// <summary>
        /// Completes when the peer's Ready has been read; faults with what the peer did instead (also in the connector's link failure).
        /// </summary>
        public Task Ready { get; set; } = Task.CompletedTask;
    }

    private string NameOf(int party) => (uint)party < (uint)_cluster.PartyCount ? _cluster.Parties[party].Name : "unknown";

    /// <summary>Refused connections so far (for tests).</summary>
    internal int RefusedConnections => _refusals.Count;

    public async Task<TcpPartyNetwork> ConnectAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_cluster.ConnectTimeout);
        using var readyCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        readyCts.CancelAfter(_cluster.ConnectTimeout + ReadyGrace);
        var token = cts.Token;
        _expectedInbound = _cluster.PartyCount - 1 - _me;
        using var inboundDeadline = token.Register(() => _inboundDone.TrySetCanceled(token));
        Socket? listener = null;
        var tasks = new List<Task>();
        Task acceptLoop = Task.CompletedTask;
        try
        {
            if (_expectedInbound > 0)
            {
                listener = await BindAsync(token).ConfigureAwait(false);
                acceptLoop = AcceptLoopAsync(listener, readyCts.Token, token);
                tasks.Add(_inboundDone.Task);
            }
            for (int peer = 0; peer < _me; peer++) tasks.Add(DialAsync(peer, readyCts.Token, token));
            await FirstFailureOrAsync(WhenAllOrFirstFailureAsync(tasks, cts), cts).ConfigureAwait(false);

            // Ready barrier: every link is up here; tell every peer, then wait for every peer to say the same.
            listener?.Dispose();
            listener = null;
            var readies = new List<Task>();
            for (int p = 0; p < _links.Length; p++)
            {
                if (_links[p] is not { } link) continue;
                readies.Add(SendReadyAsync(p, link, readyCts.Token));
                readies.Add(link.Ready);
            }
            await FirstFailureOrAsync(Task.WhenAll(readies), cts).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var failure = Classify(ex, ct, readyCts.IsCancellationRequested);
            await RelayAbortAsync(failure).ConfigureAwait(false);
            DisposeAll();
            if (ReferenceEquals(failure, ex)) throw;
            throw failure;
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            listener?.Dispose();
            Task[] watchers;
            lock (_gate) watchers = [.. _watchers];
            try
            {
                await Task.WhenAll(tasks.Append(acceptLoop).Concat(watchers)).ConfigureAwait(false);
            }
            catch
            {
                // Reported above; the rest were cancelled, or failed because the connect closed their links.
            }
            _refusals.Flush();
        }

        var names = _cluster.Parties.Select(p => p.Name).ToArray();
        var network = new TcpPartyNetwork(_me, names, _cluster.ReceiveTimeout, _cluster.MaxFrameBytes, _logger);
        var links = new TcpLink?[_cluster.PartyCount];
        for (int p = 0; p < links.Length; p++)
        {
            if (_links[p] is { } c) links[p] = new TcpLink(network, p, c.Socket, c.Stream, _logger);
        }
        network.Start(links);
        return network;
    }

    /// <summary>Awaits <paramref name="work"/>, unless a link that is already up fails first (its peer aborted or left).</summary>
    private async Task FirstFailureOrAsync(Task work, CancellationTokenSource cts)
    {
        var first = await Task.WhenAny(work, _linkFailed.Task).ConfigureAwait(false);
        if (first != work) await cts.CancelAsync().ConfigureAwait(false);
        await first.ConfigureAwait(false);
    }

    /// <summary>The error to report for what ended the connect: the deadline becomes a timeout naming the party we waited for.</summary>
    private Exception Classify(Exception ex, CancellationToken outer, bool readyDeadlinePassed)
    {
        if (_linkFailed.Task.IsFaulted) return _linkFailed.Task.Exception!.InnerException!;
        if (ex is not OperationCanceledException || outer.IsCancellationRequested) return ex;
        int missing;
        lock (_gate)
        {
            missing = Enumerable.Range(0, _links.Length).FirstOrDefault(p => p != _me && _links[p] is null, -1);
        }
        if (missing >= 0)
        {
            string why = _dialProblems[missing] ?? (missing > _me ? _refusals.Last : null) ?? "";
            string what = missing > _me ? "incoming connection and handshake" : "connection and handshake";
            return new PeerTimeoutException(missing, NameOf(missing),
                why.Length > 0 ? $"{what} (last problem: {why})" : what, _cluster.ConnectTimeout);
        }
        int waiting = Enumerable.Range(0, _links.Length).FirstOrDefault(p => _links[p] is { } l && !l.Ready.IsCompletedSuccessfully, -1);
        if (waiting < 0) return ex;
        return new PeerTimeoutException(waiting, NameOf(waiting), "ready signal",
            _cluster.ConnectTimeout + (readyDeadlinePassed ? ReadyGrace : TimeSpan.Zero),
            ": its link to this party is up, but not all of its links to the other parties");
    }

    private static async Task WhenAllOrFirstFailureAsync(List<Task> tasks, CancellationTokenSource cts)
    {
        var remaining = new List<Task>(tasks);
        while (remaining.Count > 0)
        {
            var done = await Task.WhenAny(remaining).ConfigureAwait(false);
            remaining.Remove(done);
            if (!done.IsCompletedSuccessfully)
            {
                // A real failure wins over the cancellations it causes in the other tasks.
                await cts.CancelAsync().ConfigureAwait(false);
                await done.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Tells every peer already connected why this party stops (a party that stops before its mesh forms cannot tell
    /// the others): the culprit propagates unchanged, as aborts do during the run.
    /// </summary>
    private async Task RelayAbortAsync(Exception failure)
    {
        var (culprit, reporter, reason) = failure switch
        {
            PeerAbortedException pa => (pa.CulpritPartyId, pa.AbortingPartyId, pa.Reason),
            PeerException pe => (pe.PeerId, _me, pe.Reason),
            OperationCanceledException => (_me, _me, "stopped while connecting"),
            MpcException => (_me, _me, failure.Message),
            _ => (_me, _me, $"failed while connecting ({failure.GetType().Name})"),
        };
        if ((uint)culprit >= (uint)_cluster.PartyCount) culprit = _me;
        if ((uint)reporter >= (uint)_cluster.PartyCount) reporter = _me;
        var payload = ControlMessages.Encode(new AbortMessage(culprit, reporter, reason));
        var sends = new List<Task>();
        for (int p = 0; p < _links.Length; p++)
        {
            // The culprit is dead, stalled or broke the protocol: no point telling it.
            if (_links[p] is { } link && p != culprit) sends.Add(TryWriteAsync(link, FrameKind.Abort, payload, AbortFlushTimeout));
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    private async Task SendReadyAsync(int peer, PendingLink link, CancellationToken ct)
    {
        await link.WriteLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await HandshakeIo.WriteFrameAsync(link.Stream, FrameKind.Ready, [], ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new PeerDisconnectedException(peer, NameOf(peer), $"the connection broke before the mesh formed: {ex.Message}", ex);
        }
        finally
        {
            link.WriteLock.Release();
        }
    }

    private static async Task TryWriteAsync(PendingLink link, FrameKind kind, byte[] payload, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await link.WriteLock.WaitAsync(cts.Token).ConfigureAwait(false);
            try
            {
                await HandshakeIo.WriteFrameAsync(link.Stream, kind, payload, cts.Token).ConfigureAwait(false);
            }
            finally
            {
                link.WriteLock.Release();
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Best effort: the peer then learns of the failure from the closed link or its own deadline.
        }
    }

    /// <summary>Reads the one frame a peer sends between its handshake and its job: Ready, or an Abort saying why it stops.</summary>
    private async Task WatchForReadyAsync(int peer, PendingLink link, CancellationToken ct)
    {
        try
        {
            var frame = await HandshakeIo.ReadFrameAsync(link.Stream, ct).ConfigureAwait(false);
            switch (frame)
            {
                case null:
                    throw new PeerDisconnectedException(peer, NameOf(peer), "it closed the connection before the mesh formed");
                case { Kind: FrameKind.Ready }:
                    return;
                case { Kind: FrameKind.Abort } a:
                    var abort = ControlMessages.DecodeAbort(a.Payload);
                    var (culprit, reporter) = abort.PartiesOr(peer, _cluster.PartyCount);
                    throw new PeerAbortedException(reporter, NameOf(reporter), culprit, NameOf(culprit), abort.Reason);
                default:
                    throw new FrameFormatException($"expected Ready, got {frame.Value.Kind}");
            }
        }
        catch (FrameFormatException ex)
        {
            throw Failed(new MalformedFrameException(peer, NameOf(peer), ex.Message, ex.InnerException));
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            throw Failed(new PeerDisconnectedException(peer, NameOf(peer),
                $"the connection broke before the mesh formed: {ex.Message}", ex));
        }
        catch (PeerException ex)
        {
            throw Failed(ex);
        }
        // Cancelled (the deadline passed, or the connect failed and closed the link): the connect reports why.

        Exception Failed(PeerException failure)
        {
            _linkFailed.TrySetException(failure);
            return failure;
        }
    }

    private void DisposeAll()
    {
        lock (_gate)
        {
            for (int p = 0; p < _links.Length; p++)
            {
                if (_links[p] is { } c)
                {
                    c.Stream.Dispose();
                    c.Socket.Dispose();
                    _links[p] = null;
                }
            }
        }
    }

    private async Task<Socket> BindAsync(CancellationToken ct)
    {
        var me = _cluster.Parties[_me];
        var address = await ResolveAsync(me.Host, ct).ConfigureAwait(false);
        Socket listener;
        try
        {
            listener = Listener.Open(address, me.Port);
        }
        catch (SocketException ex)
        {
            throw new MpcException(
                $"Party {_me} ({me.Name}) cannot listen on {address}:{me.Port}: {ex.SocketErrorCode} ({ex.Message})", ex);
        }
        _logger.LogDebug("Party {Me} listening on {Address}:{Port} for {Count} peers", _me, address, me.Port, _expectedInbound);
        return listener;
    }

    internal static async Task<IPAddress> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var address)) return address;
        var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new MpcException($"Host '{host}' has no address.");
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken watchToken, CancellationToken ct)
    {
        var handlers = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested && !_inboundDone.Task.IsCompleted)
            {
                var socket = await listener.AcceptAsync(ct).ConfigureAwait(false);
                if (Interlocked.Increment(ref _pendingInbound) > MaxPendingInbound)
                {
                    Interlocked.Decrement(ref _pendingInbound);
                    _refusals.Refuse(socket.RemoteEndPoint?.ToString() ?? "an unknown address",
                        $"more than {MaxPendingInbound} connections are in their handshake");
                    socket.Dispose();
                    continue;
                }
                handlers.Add(HandleInboundAsync(socket, watchToken, ct));
                handlers.RemoveAll(h => h.IsCompleted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The deadline passed, every peer is connected, or the mesh failed.
        }
        await Task.WhenAll(handlers).ConfigureAwait(false);
    }

    /// <summary>
    /// One incoming connection: authenticated (TLS against the pins; insecure: a hello from a party that may dial us),
    /// then the handshake. An unauthenticated one is refused and dropped; an authenticated peer whose handshake does not
    /// match fails the connect, naming it.
    /// </summary>
    private async Task HandleInboundAsync(Socket socket, CancellationToken watchToken, CancellationToken ct)
    {
        socket.NoDelay = true;
        string remote = socket.RemoteEndPoint?.ToString() ?? "an unknown address";
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        bool registered = false;
        int peer = -1;
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        handshake.CancelAfter(HandshakeTimeout);
        try
        {
            if (!_cluster.Insecure)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                string? refused = null;
                try
                {
                    // The pin decides, during the TLS handshake: only a party that dials us may connect.
                    await ssl.AuthenticateAsServerAsync(PinnedTls.Server(_certificateContext,
                        certificate => (refused = _credentials.CheckDialer(certificate)) is null), handshake.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException
                    && !ct.IsCancellationRequested)
                {
                    _refusals.Refuse(remote, refused
                        ?? (ex is OperationCanceledException ? "no TLS handshake within 10 s" : $"TLS handshake failed: {ex.Message}"));
                    return;
                }
                peer = _credentials.DialerOf(ssl.RemoteCertificate);
            }

            var first = await ReadOrRefuseAsync(stream, peer, remote, handshake.Token, ct).ConfigureAwait(false);
            if (first is not { } frame) return;
            if (peer < 0)
            {
                // Insecure: a hello from a party that may dial us is all the identity there is; anything else is refused.
                if (ClaimedDialer(frame) is not int claim)
                {
                    _refusals.Refuse(remote, "it did not open with a hello from a party that dials this one "
                        + "(does it run with TLS while this cluster is insecure?)");
                    return;
                }
                peer = claim;
            }

            // From here the peer is authenticated: what it sends is believed and a mismatch names it.
            if (frame.Kind == FrameKind.Reject)
            {
                var reject = ControlMessages.DecodeReject(frame.Payload);
                throw new HandshakeException(peer, NameOf(peer), reject.Mismatch, $"{reject.Detail} (refused by party {peer})");
            }
            if (frame.Kind != FrameKind.Hello) throw new FrameFormatException($"expected a Hello frame, got {frame.Kind}");
            var hello = ControlMessages.DecodeHello(frame.Payload);
            if (CheckHello(hello, peer) is { } p)
            {
                await TrySendRejectAsync(stream, p.Mismatch, p.Detail, ct).ConfigureAwait(false);
                throw new HandshakeException(peer, NameOf(peer), p.Mismatch, p.Detail);
            }
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Hello, MyHello(peer), handshake.Token).ConfigureAwait(false);
            var answer = await ReadOrRefuseAsync(stream, peer, remote, handshake.Token, ct).ConfigureAwait(false);
            switch (answer)
            {
                case null:
                    return;
                case { Kind: FrameKind.Reject } r:
                    var reject = ControlMessages.DecodeReject(r.Payload);
                    throw new HandshakeException(peer, NameOf(peer), reject.Mismatch, $"{reject.Detail} (refused by party {peer})");
                case { Kind: FrameKind.Accept }:
                    break;
                default:
                    throw new FrameFormatException($"expected Accept, got {answer.Value.Kind}");
            }
            registered = Register(peer, socket, stream, inbound: true, watchToken);
        }
        catch (HandshakeException ex)
        {
            _inboundDone.TrySetException(ex);
        }
        catch (FrameFormatException ex)
        {
            _inboundDone.TrySetException(new HandshakeException(peer, NameOf(peer), HandshakeMismatch.Magic,
                $"it does not speak the Mpc network protocol ({ex.Message})", ex));
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            // The connection broke or the deadline passed: the dialer retries, or the deadline is reported.
            if (!ct.IsCancellationRequested)
                _refusals.Refuse(remote, $"party {peer} ({NameOf(peer)}): the connection broke during the handshake");
        }
        finally
        {
            Interlocked.Decrement(ref _pendingInbound);
            if (!registered) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The party an insecure connection's first frame claims to be, if it is a well-formed hello from a party that dials us.
    /// </summary>
    private int? ClaimedDialer((FrameKind Kind, System.Buffers.ReadOnlySequence<byte> Payload) frame)
    {
        if (frame.Kind != FrameKind.Hello) return null;
        try
        {
            return ControlMessages.DecodeHello(frame.Payload) is { Magic: ControlMessages.Magic, FromParty: var from }
                && from > _me && from < _cluster.PartyCount
                ? from
                : null;
        }
        catch (FrameFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The next handshake frame, or null (and the connection refused and logged) if the connection ends or breaks first,
    /// or, before the peer is known (<paramref name="peer"/> &lt; 0), if the bytes are not a frame.
    /// </summary>
    private async Task<(FrameKind Kind, System.Buffers.ReadOnlySequence<byte> Payload)?> ReadOrRefuseAsync(Stream stream, int peer,
        string remote,
        CancellationToken handshake, CancellationToken connect)
    {
        string who = peer >= 0 ? $"party {peer} ({NameOf(peer)}) " : "";
        try
        {
            var frame = await HandshakeIo.ReadFrameAsync(stream, handshake).ConfigureAwait(false);
            if (frame is null) _refusals.Refuse(remote, $"{who}closed the connection during the handshake");
            return frame;
        }
        catch (FrameFormatException ex) when (peer < 0)
        {
            _refusals.Refuse(remote, $"it does not speak the Mpc network protocol ({ex.Message})");
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            _refusals.Refuse(remote, $"{who}broke the connection during the handshake");
            return null;
        }
        catch (OperationCanceledException) when (!connect.IsCancellationRequested)
        {
            _refusals.Refuse(remote, $"{who}sent no complete handshake frame within {HandshakeTimeout.TotalSeconds:0} s");
            return null;
        }
    }

    /// <summary>
    /// Dials <paramref name="peer"/> until a handshake completes: a refused or broken connection, or a server that is
    /// not the pinned party, is retried with backoff (and logged); only the authenticated peer's answer can fail it.
    /// </summary>
    private async Task DialAsync(int peer, CancellationToken watchToken, CancellationToken ct)
    {
        var party = _cluster.Parties[peer];
        var (host, port) = _connectVia is not null && _connectVia.TryGetValue(peer, out var via) ? via : (party.Host, party.Port);
        var address = await ResolveAsync(host, ct).ConfigureAwait(false);
        var endpoint = new IPEndPoint(address, port);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            string? problem = await TryDialOnceAsync(peer, party, endpoint, watchToken, ct).ConfigureAwait(false);
            if (problem is null) return;
            _dialProblems[peer] = problem;
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    /// <summary>One attempt: null once the link is registered; otherwise what went wrong, to retry.</summary>
    private async Task<string?> TryDialOnceAsync(int peer, ClusterParty party, IPEndPoint endpoint,
        CancellationToken watchToken, CancellationToken connect)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(connect);
        attempt.CancelAfter(HandshakeTimeout);
        var ct = attempt.Token;
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return $"dialing {endpoint}: {ex.SocketErrorCode}";
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        bool registered = false;
        try
        {
            if (!_cluster.Insecure)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                string? refused = null;
                try
                {
                    // The pin decides, during the TLS handshake: the server must be the party we dial.
                    await ssl.AuthenticateAsClientAsync(PinnedTls.Client(party.Host, _certificateContext,
                        certificate => (refused = _credentials.CheckServer(peer, certificate)) is null), ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AuthenticationException or IOException)
                {
                    string why = refused ?? $"TLS handshake failed: {ex.Message}";
                    _logger.LogWarning("Party {Me}: {Endpoint} is not party {Peer} ({Name}): {Reason}; retrying", _me,
                        endpoint, peer, party.Name, why);
                    return $"{endpoint}: {why}";
                }
                _logger.LogDebug("Party {Me}: TLS {Protocol} with party {Peer} using {CipherSuite}", _me, ssl.SslProtocol,
                    peer, ssl.NegotiatedCipherSuite);
            }

            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Hello, MyHello(peer), ct).ConfigureAwait(false);
            var reply = await HandshakeIo.ReadFrameAsync(stream, ct).ConfigureAwait(false);
            switch (reply)
            {
                case null:
                    // With TLS 1.3 a listener that refuses our certificate does so after our side of the handshake ended.
                    return $"party {peer} ({party.Name}) at {endpoint} closed the connection during the handshake"
                        + (_cluster.Insecure ? "" : " (does its cluster file pin this party's certificate?)");
                case { Kind: FrameKind.Reject } r:
                    var reject = ControlMessages.DecodeReject(r.Payload);
                    throw new HandshakeException(peer, party.Name, reject.Mismatch, $"{reject.Detail} (refused by party {peer})");
                case { Kind: FrameKind.Hello } h:
                    var hello = ControlMessages.DecodeHello(h.Payload);
                    if (CheckHello(hello, peer) is { } p)
                    {
                        await TrySendRejectAsync(stream, p.Mismatch, p.Detail, ct).ConfigureAwait(false);
                        throw new HandshakeException(peer, party.Name, p.Mismatch, p.Detail);
                    }
                    break;
                default:
                    throw new FrameFormatException($"expected Hello, got {reply.Value.Kind}");
            }
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Accept, [], ct).ConfigureAwait(false);
            registered = Register(peer, socket, stream, inbound: false, watchToken);
            return null;
        }
        catch (FrameFormatException ex)
        {
            throw new HandshakeException(peer, party.Name, HandshakeMismatch.Magic,
                $"it does not speak the Mpc network protocol ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            return $"party {peer} ({party.Name}) at {endpoint}: the connection broke during the handshake ({ex.Message})"
                + (_cluster.Insecure ? "" : "; does its cluster file pin this party's certificate?");
        }
        catch (OperationCanceledException) when (!connect.IsCancellationRequested)
        {
            return $"{endpoint} did not complete the handshake within {HandshakeTimeout.TotalSeconds:0} s";
        }
        finally
        {
            if (!registered) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool Register(int peer, Socket socket, Stream stream, bool inbound, CancellationToken watchToken)
    {
        var link = new PendingLink(socket, stream);
        lock (_gate)
        {
            if (_links[peer] is not null)
                throw new HandshakeException(peer, NameOf(peer), HandshakeMismatch.PartyId, $"party {peer} is already connected");
            _links[peer] = link;
            link.Ready = WatchForReadyAsync(peer, link, watchToken);
            _watchers.Add(link.Ready);
            if (inbound && ++_inbound == _expectedInbound) _inboundDone.TrySetResult();
        }
        _logger.LogDebug("Party {Me}: link to party {Peer} ({Name}) up", _me, peer, NameOf(peer));
        return true;
    }

    private byte[] MyHello(int to) => _credentials.Hello(to);

    /// <summary>The credentials' checks of a hello, and that the peer is not connected already.</summary>
    private (HandshakeMismatch Mismatch, string Detail)? CheckHello(HelloMessage hello, int from)
    {
        if (_credentials.CheckHello(hello, from) is { } mismatch) return mismatch;
        lock (_gate)
        {
            if (from > _me && _links[from] is not null)
                return (HandshakeMismatch.PartyId, $"party {from} is already connected to party {_me}");
        }
        return null;
    }

    private async Task TrySendRejectAsync(Stream stream, HandshakeMismatch mismatch, string detail, CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(2));
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Reject, ControlMessages.Encode(new RejectMessage(_me, mismatch, detail)),
                cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: our own exception says it all.
        }
    }
}
