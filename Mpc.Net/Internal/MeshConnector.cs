using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Net.Configuration;
using Mpc.Net.Tls;

namespace Mpc.Net.Internal;

/// <summary>
/// Forms one party's links: lower ids listen, higher ids dial (with retry and backoff), every link is secured
/// with mutual TLS 1.3 (pinned certificates) unless the cluster is insecure, then authenticated by a handshake
/// (magic, version, session id, party ids, config hash). Everything happens before the connect deadline.
/// </summary>
/// <remarks>
/// Handshake, after TLS: the dialer sends Hello (or Reject if the listener's certificate is not the pinned one);
/// the listener checks it and the dialer's certificate and answers Hello or Reject; the dialer checks that Hello
/// and answers Accept or Reject. A Reject carries which check failed, so both sides report the same mismatch.
/// </remarks>
internal sealed class MeshConnector
{
    /// <summary>
    /// TLS 1.3 suites, AES-128-GCM first: the protocols above run at computational security 128 (OT extension,
    /// garbling), so AES-256 would cost bulk throughput without raising the system's security. Null where the
    /// platform does not let us choose (then the platform's TLS 1.3 defaults apply).
    /// </summary>
    private static readonly CipherSuitesPolicy? CipherSuites = CreateCipherSuitesPolicy();

    private static CipherSuitesPolicy? CreateCipherSuitesPolicy()
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            return new CipherSuitesPolicy(
            [
                TlsCipherSuite.TLS_AES_128_GCM_SHA256,
                TlsCipherSuite.TLS_AES_256_GCM_SHA384,
                TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            ]);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    private readonly ClusterConfig _cluster;
    private readonly PartyIdentity _identity;
    private readonly ILogger _logger;
    private readonly byte[] _configHash;
    private readonly int _me;
    private readonly SslStreamCertificateContext? _certificateContext;
    private readonly (Socket Socket, Stream Stream)?[] _connected;
    private readonly string?[] _problems;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _inboundDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inbound;
    private int _expectedInbound;
    private string? _lastInboundProblem;

    private readonly IReadOnlyDictionary<int, (string Host, int Port)>? _connectVia;

    public MeshConnector(ClusterConfig cluster, PartyIdentity identity, ILogger logger, IReadOnlyDictionary<int, (string Host, int Port)>? connectVia = null)
    {
        _connectVia = connectVia;
        _cluster = cluster;
        _identity = identity;
        _logger = logger;
        _me = identity.PartyId;
        _configHash = cluster.ComputeHash();
        _connected = new (Socket, Stream)?[cluster.PartyCount];
        _problems = new string?[cluster.PartyCount];
        if (!cluster.Insecure)
            _certificateContext = SslStreamCertificateContext.Create(identity.Certificate!, additionalCertificates: null, offline: true);
    }

    private string NameOf(int party) => (uint)party < (uint)_cluster.PartyCount ? _cluster.Parties[party].Name : "unknown";

    public async Task<TcpPartyNetwork> ConnectAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_cluster.ConnectTimeout);
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
                acceptLoop = AcceptLoopAsync(listener, token);
                tasks.Add(_inboundDone.Task);
            }
            for (int peer = 0; peer < _me; peer++) tasks.Add(DialAsync(peer, token));
            await WhenAllOrFirstFailureAsync(tasks, cts).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            int missing;
            lock (_gate)
            {
                missing = Array.FindIndex(_connected, c => c is null);
                if (missing == _me) missing = Array.FindIndex(_connected, _me + 1, c => c is null);
            }
            DisposeAll();
            string why = _problems[missing] ?? (missing > _me ? _lastInboundProblem : null) ?? "";
            throw new PeerTimeoutException(missing, NameOf(missing),
                missing > _me ? $"incoming connection and handshake{(why.Length > 0 ? $" (last problem: {why})" : "")}"
                              : $"connection and handshake{(why.Length > 0 ? $" (last problem: {why})" : "")}",
                _cluster.ConnectTimeout);
        }
        catch
        {
            DisposeAll();
            throw;
        }
        finally
        {
            cts.Cancel();
            listener?.Dispose();
            try
            {
                await Task.WhenAll(tasks.Append(acceptLoop)).ConfigureAwait(false);
            }
            catch
            {
                // Reported above; the rest were cancelled.
            }
        }

        var names = _cluster.Parties.Select(p => p.Name).ToArray();
        var network = new TcpPartyNetwork(_me, names, _cluster.ReceiveTimeout, _cluster.MaxFrameBytes, _logger);
        var links = new TcpLink?[_cluster.PartyCount];
        for (int p = 0; p < links.Length; p++)
        {
            if (_connected[p] is { } c) links[p] = new TcpLink(network, p, c.Socket, c.Stream, _logger);
        }
        network.Start(links);
        return network;
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

    private void DisposeAll()
    {
        lock (_gate)
        {
            for (int p = 0; p < _connected.Length; p++)
            {
                if (_connected[p] is { } c)
                {
                    c.Stream.Dispose();
                    c.Socket.Dispose();
                    _connected[p] = null;
                }
            }
        }
    }

    private async Task<Socket> BindAsync(CancellationToken ct)
    {
        var me = _cluster.Parties[_me];
        var address = await ResolveAsync(me.Host, ct).ConfigureAwait(false);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, me.Port));
            listener.Listen(_cluster.PartyCount * 2);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new MpcException($"Party {_me} ({me.Name}) cannot listen on {address}:{me.Port}: {ex.SocketErrorCode} ({ex.Message})", ex);
        }
        _logger.LogDebug("Party {Me} listening on {Address}:{Port} for {Count} peers", _me, address, me.Port, _expectedInbound);
        return listener;
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var address)) return address;
        var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new MpcException($"Host '{host}' has no address.");
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken ct)
    {
        var handlers = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested && !_inboundDone.Task.IsCompleted)
            {
                var socket = await listener.AcceptAsync(ct).ConfigureAwait(false);
                handlers.Add(HandleInboundAsync(socket, ct));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The deadline passed, every peer is connected, or the mesh failed.
        }
        await Task.WhenAll(handlers).ConfigureAwait(false);
    }

    private async Task HandleInboundAsync(Socket socket, CancellationToken ct)
    {
        socket.NoDelay = true;
        string remote = socket.RemoteEndPoint?.ToString() ?? "an unknown address";
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        bool registered = false;
        try
        {
            X509Certificate? peerCertificate = null;
            if (!_cluster.Insecure)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _certificateContext,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CipherSuitesPolicy = CipherSuites,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    // Any certificate passes TLS; the handshake below pins it to the party id the peer claims.
                    RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
                }, ct).ConfigureAwait(false);
                peerCertificate = ssl.RemoteCertificate;
            }

            var first = await HandshakeIo.ReadFrameAsync(stream, ct).ConfigureAwait(false);
            if (first is null)
            {
                NoteInboundProblem($"{remote} closed the connection before its handshake");
                return;
            }
            var (kind, payload) = first.Value;
            if (kind == FrameKind.Reject)
            {
                var reject = ControlMessages.DecodeReject(payload);
                int from = (uint)reject.FromParty < (uint)_cluster.PartyCount ? reject.FromParty : -1;
                throw new HandshakeException(from, from >= 0 ? NameOf(from) : remote, reject.Mismatch, $"{reject.Detail} (refused by party {reject.FromParty})");
            }
            if (kind != FrameKind.Hello) throw new FrameFormatException($"expected a Hello frame, got {kind}");
            var hello = ControlMessages.DecodeHello(payload);
            int claimed = (uint)hello.FromParty < (uint)_cluster.PartyCount ? hello.FromParty : -1;
            string peerName = claimed >= 0 ? NameOf(claimed) : $"unknown peer at {remote}";
            var problem = CheckHello(hello, expectedFrom: null, peerCertificate);
            if (problem is { } p)
            {
                await TrySendRejectAsync(stream, p.Mismatch, p.Detail, ct).ConfigureAwait(false);
                throw new HandshakeException(claimed, peerName, p.Mismatch, p.Detail);
            }
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Hello, MyHello(claimed), ct).ConfigureAwait(false);
            var answer = await HandshakeIo.ReadFrameAsync(stream, ct).ConfigureAwait(false);
            switch (answer)
            {
                case null:
                    throw new HandshakeException(claimed, peerName, HandshakeMismatch.RefusedByPeer, "it closed the connection during the handshake");
                case { Kind: FrameKind.Reject } r:
                    var reject = ControlMessages.DecodeReject(r.Payload);
                    throw new HandshakeException(claimed, peerName, reject.Mismatch, $"{reject.Detail} (refused by party {claimed})");
                case { Kind: FrameKind.Accept }:
                    break;
                default:
                    throw new FrameFormatException($"expected Accept, got {answer.Value.Kind}");
            }
            registered = Register(claimed, socket, stream, inbound: true);
        }
        catch (HandshakeException ex)
        {
            _inboundDone.TrySetException(ex);
        }
        catch (FrameFormatException ex)
        {
            _inboundDone.TrySetException(new HandshakeException(-1, $"unknown peer at {remote}", HandshakeMismatch.Magic,
                $"it does not speak the Mpc network protocol ({ex.Message}); does one side run with TLS and the other insecure?", ex));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException)
        {
            NoteInboundProblem($"{remote}: {(ex is AuthenticationException ? "TLS handshake failed: " : "")}{ex.Message}");
        }
        catch (OperationCanceledException)
        {
            // Deadline or failure elsewhere.
        }
        finally
        {
            if (!registered) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void NoteInboundProblem(string problem)
    {
        _logger.LogWarning("Party {Me}: refused an incoming connection: {Problem}", _me, problem);
        _lastInboundProblem = problem;
    }

    private async Task DialAsync(int peer, CancellationToken ct)
    {
        var party = _cluster.Parties[peer];
        var (host, port) = _connectVia is not null && _connectVia.TryGetValue(peer, out var via) ? via : (party.Host, party.Port);
        var address = await ResolveAsync(host, ct).ConfigureAwait(false);
        var endpoint = new IPEndPoint(address, port);
        var delay = TimeSpan.FromMilliseconds(20);
        Socket socket;
        while (true)
        {
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
                break;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                _problems[peer] = $"dialing {endpoint}: {ex.SocketErrorCode}";
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        bool registered = false;
        try
        {
            if (!_cluster.Insecure)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = party.Host,
                        ClientCertificateContext = _certificateContext,
                        EnabledSslProtocols = SslProtocols.Tls13,
                        CipherSuitesPolicy = CipherSuites,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        // Any certificate passes TLS; it is pinned against the cluster file right below.
                        RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
                    }, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AuthenticationException or IOException)
                {
                    throw new HandshakeException(peer, party.Name, HandshakeMismatch.Certificate, $"TLS handshake failed: {ex.Message}", ex);
                }
                _logger.LogDebug("Party {Me}: TLS {Protocol} with party {Peer} using {CipherSuite}", _me, ssl.SslProtocol, peer, ssl.NegotiatedCipherSuite);
                if (CheckCertificate(peer, ssl.RemoteCertificate) is { } certificateProblem)
                {
                    await TrySendRejectAsync(stream, HandshakeMismatch.Certificate, certificateProblem, ct).ConfigureAwait(false);
                    throw new HandshakeException(peer, party.Name, HandshakeMismatch.Certificate, certificateProblem);
                }
            }

            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Hello, MyHello(peer), ct).ConfigureAwait(false);
            var reply = await HandshakeIo.ReadFrameAsync(stream, ct).ConfigureAwait(false);
            switch (reply)
            {
                case null:
                    throw new HandshakeException(peer, party.Name, HandshakeMismatch.RefusedByPeer, "it closed the connection during the handshake");
                case { Kind: FrameKind.Reject } r:
                    var reject = ControlMessages.DecodeReject(r.Payload);
                    throw new HandshakeException(peer, party.Name, reject.Mismatch, $"{reject.Detail} (refused by party {peer})");
                case { Kind: FrameKind.Hello } h:
                    var hello = ControlMessages.DecodeHello(h.Payload);
                    if (CheckHello(hello, expectedFrom: peer, peerCertificate: null) is { } p)
                    {
                        await TrySendRejectAsync(stream, p.Mismatch, p.Detail, ct).ConfigureAwait(false);
                        throw new HandshakeException(peer, party.Name, p.Mismatch, p.Detail);
                    }
                    break;
                default:
                    throw new FrameFormatException($"expected Hello, got {reply.Value.Kind}");
            }
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Accept, [], ct).ConfigureAwait(false);
            registered = Register(peer, socket, stream, inbound: false);
        }
        catch (FrameFormatException ex)
        {
            throw new HandshakeException(peer, party.Name, HandshakeMismatch.Magic, $"it does not speak the Mpc network protocol ({ex.Message})", ex);
        }
        catch (IOException ex)
        {
            throw new HandshakeException(peer, party.Name, HandshakeMismatch.RefusedByPeer, $"the connection broke during the handshake: {ex.Message}", ex);
        }
        finally
        {
            if (!registered) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool Register(int peer, Socket socket, Stream stream, bool inbound)
    {
        lock (_gate)
        {
            if (_connected[peer] is not null)
                throw new HandshakeException(peer, NameOf(peer), HandshakeMismatch.PartyId, $"party {peer} is already connected");
            _connected[peer] = (socket, stream);
            if (inbound && ++_inbound == _expectedInbound) _inboundDone.TrySetResult();
        }
        _logger.LogDebug("Party {Me}: link to party {Peer} ({Name}) up", _me, peer, NameOf(peer));
        return true;
    }

    private byte[] MyHello(int to) =>
        ControlMessages.Encode(new HelloMessage(ControlMessages.Magic, ControlMessages.Version, _cluster.SessionId, _me, to, _configHash));

    private async Task TrySendRejectAsync(Stream stream, HandshakeMismatch mismatch, string detail, CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(2));
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Reject, ControlMessages.Encode(new RejectMessage(_me, mismatch, detail)), cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: our own exception says it all.
        }
    }

    /// <summary>The first failed check of a peer's Hello, in the order magic, version, session, config, ids, certificate.</summary>
    private (HandshakeMismatch Mismatch, string Detail)? CheckHello(HelloMessage hello, int? expectedFrom, X509Certificate? peerCertificate)
    {
        if (hello.Magic != ControlMessages.Magic)
            return (HandshakeMismatch.Magic, $"expected magic '{ControlMessages.Magic}', got '{hello.Magic}'");
        if (hello.Version != ControlMessages.Version)
            return (HandshakeMismatch.Version, $"party {_me} speaks wire version {ControlMessages.Version}, party {hello.FromParty} speaks {hello.Version}");
        if (hello.SessionId != _cluster.SessionId)
            return (HandshakeMismatch.SessionId, $"party {_me} runs session '{_cluster.SessionId}', party {hello.FromParty} runs session '{hello.SessionId}'");
        if (!hello.ConfigHash.AsSpan().SequenceEqual(_configHash))
            return (HandshakeMismatch.ConfigHash,
                $"party {_me} has cluster config hash {CertificateFiles.Short(_configHash)}, party {hello.FromParty} has {CertificateFiles.Short(hello.ConfigHash)} (they loaded different cluster configs)");
        if (hello.ToParty != _me)
            return (HandshakeMismatch.PartyId, $"party {hello.FromParty} wanted party {hello.ToParty} but reached party {_me} ({NameOf(_me)})");
        if (expectedFrom is { } expected)
        {
            if (hello.FromParty != expected)
                return (HandshakeMismatch.PartyId, $"party {_me} dialed party {expected} but was answered by party {hello.FromParty}");
        }
        else
        {
            if (hello.FromParty <= _me || hello.FromParty >= _cluster.PartyCount)
                return (HandshakeMismatch.PartyId, $"party {hello.FromParty} may not dial party {_me}: only parties {_me + 1}..{_cluster.PartyCount - 1} dial it (lower ids listen, higher ids dial)");
            lock (_gate)
            {
                if (_connected[hello.FromParty] is not null)
                    return (HandshakeMismatch.PartyId, $"party {hello.FromParty} is already connected to party {_me}");
            }
            if (!_cluster.Insecure && CheckCertificate(hello.FromParty, peerCertificate) is { } problem)
                return (HandshakeMismatch.Certificate, problem);
        }
        return null;
    }

    private string? CheckCertificate(int peer, X509Certificate? certificate)
    {
        var expected = _cluster.Parties[peer].CertificateSha256;
        if (certificate is null) return $"party {peer} presented no certificate";
        var actual = CertificateFiles.Sha256(certificate);
        if (expected is null || !actual.AsSpan().SequenceEqual(expected))
            return $"party {peer} presented a certificate with SHA-256 {CertificateFiles.Short(actual)}, but the cluster file names {CertificateFiles.Short(expected)} for party {peer} ({NameOf(peer)})";
        return null;
    }
}
