using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Core.Text;
using Mpc.Net.Configuration;
using Mpc.Net.Internal;
using Mpc.Net.Tls;

namespace Mpc.Net.Diagnostics.Internal;

/// <summary>
/// The doctor's network checks, pair by pair in the mesh's own directions (a party dials every lower id and listens
/// for every higher one): the address resolves and accepts TCP, mutual TLS 1.3 against the pins, the same hello a run
/// exchanges (session, wire version, cluster file hash field by field), then the two clocks compared over a few round
/// trips. Nothing of a run's protocol is sent.
/// </summary>
/// <remarks>
/// Doctor links negotiate the TLS application protocol <see cref="ApplicationProtocol"/>, which a run's links never
/// offer: a doctor that reaches a running party (or a party that reaches a doctor) closes after TLS without sending a
/// frame, so the run only logs a dropped connection. As in the mesh, a connection whose certificate is not pinned is
/// unauthenticated: it is refused and logged by its address, never read, and never named as a peer's failure.
/// Exchange after TLS: dialer Hello; listener Hello (or Reject); then the dialer asks the time
/// <see cref="DoctorOptions.ClockSamples"/> times and sends Accept; the listener asks as many times and sends Goodbye.
/// </remarks>
internal sealed class DoctorNetwork
{
    /// <summary>The TLS application protocol (ALPN) of doctor links.</summary>
    public const string ApplicationProtocol = "mpc-doctor/1";

    private static readonly SslApplicationProtocol Alpn = new(ApplicationProtocol);

    /// <summary>How long one authenticated exchange may take once TCP is up: a real peer needs milliseconds.</summary>
    private static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(10);

    private readonly PartyConfig _party;
    private readonly ClusterConfig _cluster;
    private readonly int _me;
    private readonly DoctorOptions _options;
    private readonly TimeSpan _wait;
    private readonly ILogger _logger;
    private readonly RefusalLog _refusals;
    private readonly PeerCredentials _credentials;
    private readonly SslStreamCertificateContext _certificateContext;
    private readonly Pair[] _pairs;

    public DoctorNetwork(PartyConfig party, X509Certificate2 identity, DoctorOptions options, ILogger logger)
    {
        _party = party;
        _cluster = party.Cluster;
        _me = party.PartyId;
        _options = options;
        _wait = options.Wait ?? _cluster.ConnectTimeout;
        _logger = logger;
        _refusals = new RefusalLog(logger, _me);
        _credentials = new PeerCredentials(_cluster, _me);
        _certificateContext = SslStreamCertificateContext.Create(identity, additionalCertificates: null, offline: true);
        _pairs = [.. _cluster.Parties.Select(p => new Pair(p.Label))];
    }

    /// <summary>What was found about one peer, and whether its check is over.</summary>
    private sealed class Pair(string subject)
    {
        private int _claimed;

        public string Subject { get; } = subject;

        public List<DoctorCheck> Checks { get; } = [];

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>What an authenticated connection from this peer did that was not a doctor exchange (for the report).</summary>
        public string? Note { get; set; }

        /// <summary>True for the first connection to claim this pair; later ones are refused.</summary>
        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

        public void Add(string check, CheckOutcome outcome, string detail, string? advice = null) =>
            Checks.Add(new DoctorCheck(Subject, check, outcome, detail, advice));
    }

    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        string me = _party.Me.Label;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_wait);
        Socket? listener = null;
        var handlers = new List<Task>();
        Task acceptLoop = Task.CompletedTask;
        if (_me < _cluster.PartyCount - 1)
        {
            listener = await BindAsync(checks, ct).ConfigureAwait(false);
            if (listener is not null) acceptLoop = AcceptLoopAsync(listener, handlers, deadline.Token, ct);
        }
        else
        {
            checks.Add(new DoctorCheck(me, "listen", CheckOutcome.Skip, "it dials every other party and listens for none"));
        }

        var dials = new List<Task>();
        var inbound = new List<Task>();
        for (int p = 0; p < _cluster.PartyCount; p++)
        {
            if (p == _me) continue;
            var pair = _pairs[p];
            if (_cluster.Parties[p].CertificateSha256 is null)
            {
                pair.Add("tls", CheckOutcome.Skip, "no pinned certificate to authenticate it with (see above)");
                pair.Done.TrySetResult();
            }
            else if (p < _me)
            {
                dials.Add(DialAsync(p, deadline.Token, ct));
            }
            else if (listener is null)
            {
                pair.Add("tcp", CheckOutcome.Skip, "this party cannot listen (see above), so it cannot dial in");
                pair.Done.TrySetResult();
            }
            else
            {
                inbound.Add(pair.Done.Task);
            }
        }

        await Task.WhenAll(dials).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(inbound).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The wait is over: the peers that did not dial in are reported below.
        }
        await deadline.CancelAsync().ConfigureAwait(false);
        listener?.Dispose();
        await acceptLoop.ConfigureAwait(false);
        Task[] running;
        lock (handlers) running = [.. handlers];
        await Task.WhenAll(running).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        _refusals.Flush();

        var listen = _cluster.Parties[_me];
        for (int p = _me + 1; p < _cluster.PartyCount; p++)
        {
            var pair = _pairs[p];
            if (pair.Done.Task.IsCompleted) continue;
            string why = pair.Note is not null ? $": {pair.Note}"
                : _refusals.Last is { } last ? $" (the last refused connection: {last})" : "";
            pair.Add("tcp", CheckOutcome.Fail,
                $"it did not complete a doctor exchange with this party within {Seconds(_wait)} s{why}",
                $"run mpc doctor at {pair.Subject} at the same time; if it runs, let it reach {listen.Host}:{listen.Port} "
                + "(firewall, NAT: its config's connectVia)");
        }
        for (int p = 0; p < _cluster.PartyCount; p++)
        {
            if (p != _me) checks.AddRange(_pairs[p].Checks);
        }
        return checks;
    }

    private async Task<Socket?> BindAsync(List<DoctorCheck> checks, CancellationToken ct)
    {
        var me = _party.Me;
        string subject = me.Label;
        IPAddress address;
        try
        {
            address = await MeshConnector.ResolveAsync(me.Host, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or MpcException)
        {
            checks.Add(new DoctorCheck(subject, "listen", CheckOutcome.Fail, $"cannot resolve its host '{me.Host}': {ex.Message}",
                "the cluster file's host for this party must name this machine"));
            return null;
        }
        Socket listener;
        try
        {
            listener = Listener.Open(address, me.Port);
        }
        catch (SocketException ex)
        {
            string endpoint = $"{address}:{me.Port}";
            var (detail, advice) = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => ($"{endpoint} is already in use by another process",
                    "stop that process (a running mpc party or doctor?), or give this party another port in every party's cluster file"),
                SocketError.AddressNotAvailable => ($"{address} is not an address of this machine",
                    "the cluster file's host for this party must be an address of this machine (behind NAT, peers use connectVia)"),
                SocketError.AccessDenied => ($"not allowed to listen on {endpoint}",
                    "use a port above 1024, or run with the right to bind it"),
                _ => ($"cannot listen on {endpoint}: {ex.SocketErrorCode}",
                    "check the host and port the cluster file names for this party"),
            };
            checks.Add(new DoctorCheck(subject, "listen", CheckOutcome.Fail, detail, advice));
            return null;
        }
        checks.Add(new DoctorCheck(subject, "listen", CheckOutcome.Pass,
            $"listening on {address}:{me.Port} for {PartyRange(_me + 1, _cluster.PartyCount - 1)}"));
        return listener;
    }

    // ---- The dialing side: this party checks a lower id. ----

    private async Task DialAsync(int peer, CancellationToken deadline, CancellationToken ct)
    {
        var pair = _pairs[peer];
        var party = _cluster.Parties[peer];
        bool via = _party.ConnectVia.TryGetValue(peer, out var forward);
        var (host, port) = via ? forward : (party.Host, party.Port);
        string where = $"{host}:{port}{(via ? " (connectVia)" : "")}";
        try
        {
            IPAddress address;
            try
            {
                address = await MeshConnector.ResolveAsync(host, deadline).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or MpcException)
            {
                pair.Add("tcp", CheckOutcome.Fail, $"cannot resolve '{host}': {ex.Message}",
                    "check the host the cluster file (or this party's connectVia) names, and this machine's DNS");
                return;
            }
            var endpoint = new IPEndPoint(address, port);
            var socket = await ConnectAsync(pair, endpoint, where, deadline).ConfigureAwait(false);
            if (socket is null) return;
            await CheckDialedAsync(peer, socket, endpoint, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            pair.Add("tcp", CheckOutcome.Fail, $"resolving '{host}' took longer than {Seconds(_wait)} s", "check this machine's DNS");
        }
        finally
        {
            pair.Done.TrySetResult();
        }
    }

    /// <summary>Connects with retries until the wait ends: the peer's doctor may start later than this one.</summary>
    private async Task<Socket?> ConnectAsync(Pair pair, IPEndPoint endpoint, string where, CancellationToken deadline)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        int attempts = 0;
        SocketError last = SocketError.Success;
        while (!deadline.IsCancellationRequested)
        {
            attempts++;
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            long start = _options.Clock.GetTimestamp();
            try
            {
                await socket.ConnectAsync(endpoint, deadline).ConfigureAwait(false);
                double ms = _options.Clock.GetElapsedTime(start).TotalMilliseconds;
                pair.Add("tcp", CheckOutcome.Pass, string.Create(CultureInfo.InvariantCulture,
                    $"connected to {where} ({endpoint.Address}) in {ms:0.0} ms{(attempts > 1 ? $", attempt {attempts}" : "")}"));
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex.SocketErrorCode;
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                break;
            }
            try
            {
                await Task.Delay(delay, deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
        string advice = last switch
        {
            SocketError.ConnectionRefused => $"nothing listens there: run mpc doctor at {pair.Subject} at the same time, "
                + "and check the port the cluster file names",
            SocketError.Success or SocketError.TimedOut =>
                "the connection attempts got no answer: a firewall between the two hosts drops them, "
                + $"or {pair.Subject}'s host is down",
            _ => $"check the route to {pair.Subject}'s host (behind NAT, dial its forwarded address with connectVia)",
        };
        string lastError = last == SocketError.Success ? "no answer" : last.ToString();
        pair.Add("tcp", CheckOutcome.Fail,
            $"no connection to {where} ({endpoint.Address}) within {Seconds(_wait)} s, {attempts} attempts (last: {lastError})", advice);
        return null;
    }

    private async Task CheckDialedAsync(int peer, Socket socket, IPEndPoint endpoint, CancellationToken ct)
    {
        var pair = _pairs[peer];
        using var exchange = CancellationTokenSource.CreateLinkedTokenSource(ct);
        exchange.CancelAfter(ExchangeTimeout);
        var token = exchange.Token;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        await using var _ = ssl.ConfigureAwait(false);
        string? refused = null;
        string mine = CertificateFiles.Short(_cluster.Parties[_me].CertificateSha256);
        try
        {
            await ssl.AuthenticateAsClientAsync(PinnedTls.Client(_cluster.Parties[peer].Host, _certificateContext,
                certificate => (refused = _credentials.CheckServer(peer, certificate)) is null, Alpn), token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException
            or OperationCanceledException && !ct.IsCancellationRequested)
        {
            if (refused is not null)
                pair.Add("tls", CheckOutcome.Fail, $"{endpoint} is not {pair.Subject}: {refused}",
                    $"compare fingerprints with {pair.Subject}'s operator: if its certificate changed, "
                    + "every cluster file must pin the new one; if not, this address reaches another machine");
            else
                pair.Add("tls", CheckOutcome.Fail, $"no TLS 1.3 handshake with {endpoint}: {Reason(ex)}",
                    $"check that {endpoint} is {pair.Subject}'s mpc and that nothing between the hosts intercepts TLS");
            return;
        }
        string tls = $"TLS 1.3 ({ssl.NegotiatedCipherSuite}) with the pinned certificate";
        if (ssl.NegotiatedApplicationProtocol != Alpn)
        {
            pair.Add("tls", CheckOutcome.Pass, tls);
            pair.Add("cluster file", CheckOutcome.Warn,
                $"{pair.Subject} is running a job (mpc party) at {endpoint}, not mpc doctor: nothing more was checked",
                "run mpc doctor at both parties while no job runs");
            return;
        }

        try
        {
            await HandshakeIo.WriteFrameAsync(ssl, FrameKind.Hello, _credentials.Hello(peer), token).ConfigureAwait(false);
            var reply = await HandshakeIo.ReadFrameAsync(ssl, token).ConfigureAwait(false);
            if (reply is null)
            {
                pair.Add("tls", CheckOutcome.Fail,
                    $"{pair.Subject} closed the connection after TLS: it did not accept this party's certificate",
                    $"its cluster file must pin this party's certificate (SHA-256 {mine}): compare cluster files");
                return;
            }
            pair.Add("tls", CheckOutcome.Pass, tls + "; it accepted this party's");
            if (!await CheckHelloAsync(pair, peer, ssl, reply.Value, token).ConfigureAwait(false)) return;
            var (offset, rtt) = await SampleClockAsync(ssl, token).ConfigureAwait(false);
            await HandshakeIo.WriteFrameAsync(ssl, FrameKind.Accept, [], token).ConfigureAwait(false);
            await AnswerClockAsync(ssl, FrameKind.Goodbye, token).ConfigureAwait(false);
            AddClock(pair, offset, rtt);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or FrameFormatException
            or OperationCanceledException && !ct.IsCancellationRequested)
        {
            ExchangeFailed(pair, ex);
        }
    }

    // ---- The listening side: a higher id checks this party. ----

    private async Task AcceptLoopAsync(Socket listener, List<Task> handlers, CancellationToken deadline, CancellationToken ct)
    {
        try
        {
            while (!deadline.IsCancellationRequested)
            {
                var socket = await listener.AcceptAsync(deadline).ConfigureAwait(false);
                lock (handlers)
                {
                    handlers.RemoveAll(h => h.IsCompleted);
                    handlers.Add(HandleInboundAsync(socket, ct));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The wait is over, or every higher id has been checked.
        }
    }

    private async Task HandleInboundAsync(Socket socket, CancellationToken ct)
    {
        socket.NoDelay = true;
        string remote = socket.RemoteEndPoint?.ToString() ?? "an unknown address";
        using var exchange = CancellationTokenSource.CreateLinkedTokenSource(ct);
        exchange.CancelAfter(ExchangeTimeout);
        var token = exchange.Token;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        await using var _ = ssl.ConfigureAwait(false);
        string? refused = null;
        try
        {
            await ssl.AuthenticateAsServerAsync(PinnedTls.Server(_certificateContext,
                certificate => (refused = _credentials.CheckDialer(certificate)) is null, Alpn), token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException
            or OperationCanceledException && !ct.IsCancellationRequested)
        {
            _refusals.Refuse(remote, refused ?? $"TLS handshake failed: {Reason(ex)}");
            return;
        }

        // Authenticated from here: what it sends is believed, and a mismatch is reported against it.
        int peer = _credentials.DialerOf(ssl.RemoteCertificate);
        var pair = _pairs[peer];
        if (ssl.NegotiatedApplicationProtocol != Alpn)
        {
            pair.Note = $"{pair.Subject} dialed in from {remote} as a job (mpc party), not as mpc doctor";
            _refusals.Refuse(remote, pair.Note);
            return;
        }
        if (!pair.TryClaim())
        {
            _refusals.Refuse(remote, $"{pair.Subject} is already being checked");
            return;
        }
        try
        {
            var listen = _party.Me;
            pair.Add("tcp", CheckOutcome.Pass, $"it dialed {listen.Host}:{listen.Port} from {remote}");
            var hello = await HandshakeIo.ReadFrameAsync(ssl, token).ConfigureAwait(false);
            if (hello is null)
            {
                pair.Add("tls", CheckOutcome.Fail, $"{pair.Subject} closed the connection after TLS without a hello: "
                    + "it did not accept this party's certificate",
                    $"its cluster file must pin this party's certificate (SHA-256 {CertificateFiles.Short(listen.CertificateSha256)})");
                return;
            }
            pair.Add("tls", CheckOutcome.Pass, $"TLS 1.3 ({ssl.NegotiatedCipherSuite}) with the pinned certificate");
            if (!await CheckHelloAsync(pair, peer, ssl, hello.Value, token, answer: true).ConfigureAwait(false)) return;
            await AnswerClockAsync(ssl, FrameKind.Accept, token).ConfigureAwait(false);
            var (offset, rtt) = await SampleClockAsync(ssl, token).ConfigureAwait(false);
            await HandshakeIo.WriteFrameAsync(ssl, FrameKind.Goodbye, [], token).ConfigureAwait(false);
            AddClock(pair, offset, rtt);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or FrameFormatException
            or OperationCanceledException && !ct.IsCancellationRequested)
        {
            ExchangeFailed(pair, ex);
        }
        finally
        {
            pair.Done.TrySetResult();
        }
    }

    // ---- Both sides. ----

    /// <summary>
    /// Checks an authenticated peer's hello (or its Reject) as a run's handshake does; the listener then answers with its own.
    /// False, with the failure added, if they differ.
    /// </summary>
    private async Task<bool> CheckHelloAsync(Pair pair, int peer, Stream stream, (FrameKind Kind, ReadOnlySequence<byte> Payload) frame,
        CancellationToken ct, bool answer = false)
    {
        if (frame.Kind == FrameKind.Reject)
        {
            var reject = ControlMessages.DecodeReject(frame.Payload);
            pair.Add("cluster file", CheckOutcome.Fail, $"{pair.Subject} refused this party: {reject.Detail}",
                Advice(reject.Mismatch, pair.Subject));
            return false;
        }
        if (frame.Kind != FrameKind.Hello) throw new FrameFormatException($"expected a Hello frame, got {frame.Kind}");
        var hello = ControlMessages.DecodeHello(frame.Payload);
        if (_credentials.CheckHello(hello, peer) is { } mismatch)
        {
            var rejection = ControlMessages.Encode(new RejectMessage(_me, mismatch.Mismatch, mismatch.Detail));
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Reject, rejection, ct).ConfigureAwait(false);
            pair.Add("cluster file", CheckOutcome.Fail, mismatch.Detail, Advice(mismatch.Mismatch, pair.Subject));
            return false;
        }
        if (answer)
        {
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.Hello, _credentials.Hello(peer), ct).ConfigureAwait(false);
        }
        pair.Add("cluster file", CheckOutcome.Pass,
            $"same session '{_cluster.SessionId}', wire version and cluster file (hash {CertificateFiles.Short(_cluster.ComputeHash())})");
        return true;
    }

    private static string Advice(HandshakeMismatch mismatch, string peer) => mismatch switch
    {
        HandshakeMismatch.ConfigHash => $"every party must load the same cluster file: compare yours with {peer}'s and copy one to all",
        HandshakeMismatch.SessionId => "every party's cluster file must name the same sessionId",
        HandshakeMismatch.Version => "run the same version of mpc at every party",
        _ => $"compare the cluster files of this party and {peer}",
    };

    /// <summary>
    /// Asks the peer's time <see cref="DoctorOptions.ClockSamples"/> times; the sample with the shortest round trip wins.
    /// </summary>
    private async Task<(TimeSpan Offset, TimeSpan RoundTrip)> SampleClockAsync(Stream stream, CancellationToken ct)
    {
        var best = (Offset: TimeSpan.Zero, RoundTrip: TimeSpan.MaxValue);
        for (int i = 0; i < Math.Max(1, _options.ClockSamples); i++)
        {
            var sent = _options.Clock.GetUtcNow();
            long start = _options.Clock.GetTimestamp();
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.TimeRequest, [], ct).ConfigureAwait(false);
            var reply = await HandshakeIo.ReadFrameAsync(stream, ct).ConfigureAwait(false)
                ?? throw new IOException("it closed the connection while the clocks were compared");
            if (reply.Kind != FrameKind.TimeReply) throw new FrameFormatException($"expected a TimeReply frame, got {reply.Kind}");
            var roundTrip = _options.Clock.GetElapsedTime(start);
            var theirs = ControlMessages.DecodeTime(reply.Payload);
            if (roundTrip < best.RoundTrip) best = (theirs - (sent + roundTrip / 2), roundTrip);
        }
        return best;
    }

    /// <summary>Answers the peer's time requests until its <paramref name="until"/> frame.</summary>
    private async Task AnswerClockAsync(Stream stream, FrameKind until, CancellationToken ct)
    {
        for (int answered = 0; ; answered++)
        {
            var frame = await HandshakeIo.ReadFrameAsync(stream, ct).ConfigureAwait(false)
                ?? throw new IOException("it closed the connection while the clocks were compared");
            if (frame.Kind == until) return;
            if (frame.Kind != FrameKind.TimeRequest || answered >= 1000)
                throw new FrameFormatException($"expected a TimeRequest or {until} frame, got {frame.Kind}");
            var now = ControlMessages.EncodeTime(_options.Clock.GetUtcNow());
            await HandshakeIo.WriteFrameAsync(stream, FrameKind.TimeReply, now, ct).ConfigureAwait(false);
        }
    }

    private void AddClock(Pair pair, TimeSpan offset, TimeSpan roundTrip)
    {
        double seconds = offset.TotalSeconds;
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"its clock is {(seconds >= 0 ? "+" : "")}{seconds:0.000} s from this party's (±{roundTrip.TotalMilliseconds / 2:0.0} ms)");
        var size = offset.Duration();
        const string Sync = "synchronise both machines' clocks (NTP: chrony, systemd-timesyncd, w32time)";
        if (size > _options.ClockSkewFailure)
            pair.Add("clock", CheckOutcome.Fail, detail + $"; more than {_options.ClockSkewFailure.TotalMinutes:0} min apart, "
                + "certificate dates and audit records cannot be compared", Sync);
        else if (size > _options.ClockSkewWarning)
            pair.Add("clock", CheckOutcome.Warn, detail + "; logs and checkpoints of the two organisations will not line up", Sync);
        else
            pair.Add("clock", CheckOutcome.Pass, detail);
    }

    private void ExchangeFailed(Pair pair, Exception ex)
    {
        string check = pair.Checks.Any(c => c.Check == "cluster file") ? "clock" : "cluster file";
        string what = ex switch
        {
            FrameFormatException f => $"it does not speak the doctor's exchange ({f.Message})",
            OperationCanceledException => $"the exchange did not finish within {Seconds(ExchangeTimeout)} s",
            _ => $"the connection broke during the exchange: {Reason(ex)}",
        };
        pair.Add(check, CheckOutcome.Fail, what,
            $"run the same version of mpc doctor at {pair.Subject}, and check the link between the hosts");
        _logger.LogDebug(ex, "Doctor exchange with {Peer} failed", pair.Subject);
    }

    private static string Reason(Exception ex) => ex is OperationCanceledException ? "no answer in time" : PeerText.Escape(ex.Message, 300);

    private string PartyRange(int first, int last) =>
        first == last ? _cluster.Parties[first].Label : $"parties {first}..{last}";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
