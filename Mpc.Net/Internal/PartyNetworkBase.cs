using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mpc.Net.Internal;

/// <summary>
/// What every transport shares: per-peer inboxes with receive deadlines, the failure state (first failure
/// wins and fails everything), accounting, and the shutdown sequence. Transports add how frames travel.
/// </summary>
internal abstract class PartyNetworkBase : IPartyNetwork
{
    private readonly PeerInbox?[] _inboxes;
    private readonly IReadOnlyList<string> _names;
    private readonly Lock _gate = new();
    private Exception? _failure;
    private bool _shutdownStarted;
    private readonly TaskCompletionSource _shutdownDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected PartyNetworkBase(int partyId, IReadOnlyList<string> partyNames, TimeSpan receiveTimeout, ILogger? logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partyNames.Count, 2);
        PartyId = partyId;
        PartyCount = partyNames.Count;
        _names = partyNames;
        ReceiveTimeout = receiveTimeout;
        Logger = logger ?? NullLogger.Instance;
        Stats = new NetworkStats(partyId, PartyCount);
        _inboxes = new PeerInbox?[PartyCount];
        for (int p = 0; p < PartyCount; p++)
        {
            if (p != partyId) _inboxes[p] = new PeerInbox(this, p);
        }
    }

    public int PartyId { get; }

    public int PartyCount { get; }

    public NetworkStats Stats { get; }

    public TimeSpan ReceiveTimeout { get; }

    protected ILogger Logger { get; }

    /// <summary>The failure that ended this network, or null while it runs.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>How exceptions name a party: its name from the cluster config.</summary>
    public string NameOf(int party) => (uint)party < (uint)_names.Count ? _names[party] : "unknown";

    protected PeerInbox InboxOf(int peer) => _inboxes[peer]!;

    public ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        CheckPeer(peer);
        if (Failure is { } failure) return ValueTask.FromException(failure);
        return SendCoreAsync(peer, tag.Value, payload, ct);
    }

    public ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default)
    {
        CheckPeer(peer);
        var frameTask = InboxOf(peer).TakeAsync(tag.Value, destination, ReceiveTimeout, ct);
        if (frameTask.IsCompletedSuccessfully)
        {
            CopyExact(peer, tag, frameTask.Result, destination);
            return ValueTask.CompletedTask;
        }
        return Awaited(frameTask, peer, tag, destination);

        async ValueTask Awaited(ValueTask<IMemoryOwner<byte>> pending, int peer, StreamTag tag, Memory<byte> destination) =>
            CopyExact(peer, tag, await pending.ConfigureAwait(false), destination);
    }

    private void CopyExact(int peer, StreamTag tag, IMemoryOwner<byte> frame, Memory<byte> destination)
    {
        if (ReferenceEquals(frame, ClaimedFrame.Instance)) return;
        using (frame)
        {
            var payload = frame.Memory;
            if (payload.Length != destination.Length)
            {
                throw Fail(new MalformedFrameException(peer, NameOf(peer),
                    $"frame with tag {tag} has {payload.Length} bytes where the round needs {destination.Length}"));
            }
            payload.Span.CopyTo(destination.Span);
        }
    }

    public ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default)
    {
        CheckPeer(peer);
        return InboxOf(peer).TakeAsync(tag.Value, null, ReceiveTimeout, ct);
    }

    public void CountRound() => Stats.CountRound();

    public ValueTask AbortAsync(string reason) => AbortAsync(PartyId, reason);

    public async ValueTask AbortAsync(int culprit, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentOutOfRangeException.ThrowIfNegative(culprit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(culprit, PartyCount);
        Fail(new PeerAbortedException(PartyId, NameOf(PartyId), culprit, NameOf(culprit), reason));
        await _shutdownDone.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        bool graceful;
        lock (_gate)
        {
            graceful = !_shutdownStarted;
            _shutdownStarted = true;
        }
        if (graceful) StartShutdown(abort: null);
        await _shutdownDone.Task.ConfigureAwait(false);
        var closed = new ObjectDisposedException(GetType().Name, $"The network of party {PartyId} is closed.");
        lock (_gate) _failure ??= closed;
        foreach (var inbox in _inboxes) inbox?.Fail(closed);
    }

    /// <summary>
    /// Records <paramref name="failure"/> as the end of this network unless another failure came first, fails every
    /// pending and future operation with it, and starts sending abort frames (unless a graceful close already
    /// started). Returns the failure that won.
    /// </summary>
    public Exception Fail(Exception failure)
    {
        bool sendAborts;
        lock (_gate)
        {
            if (_failure is not null) return _failure;
            _failure = failure;
            sendAborts = !_shutdownStarted;
            _shutdownStarted = true;
        }
        _failed.TrySetResult();
        Logger.LogDebug("Party {PartyId}: network failed: {Message}", PartyId, failure.Message);
        foreach (var inbox in _inboxes) inbox?.Fail(failure);
        OnFailed();
        if (sendAborts)
        {
            // An abort we received is passed on as it came: the same culprit, the same reporter.
            var (culprit, reporter, reason) = failure switch
            {
                PeerAbortedException pa => (pa.CulpritPartyId, pa.AbortingPartyId, pa.Reason),
                PeerException pe => (pe.PeerId, PartyId, pe.Reason),
                _ => (PartyId, PartyId, failure.Message),
            };
            StartShutdown(new AbortNotice(culprit, reporter, reason));
        }
        return failure;
    }

    private void StartShutdown(AbortNotice? abort) => _ = Task.Run(async () =>
    {
        try
        {
            await ShutdownCoreAsync(abort).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.LogDebug(ex, "Party {PartyId}: error while closing the network", PartyId);
        }
        finally
        {
            _shutdownDone.TrySetResult();
        }
    });

    /// <summary>
    /// The abort we send: the culprit and the reporter travel unchanged, so every party names the same ones whichever
    /// copy of an abort reaches it first.
    /// </summary>
    protected readonly record struct AbortNotice(int Culprit, int Reporter, string Reason);

    /// <summary>Sends one data frame.</summary>
    protected abstract ValueTask SendCoreAsync(int peer, uint tag, ReadOnlyMemory<byte> payload, CancellationToken ct);

    /// <summary>Whether <paramref name="peer"/>'s process answers a liveness probe within <paramref name="timeout"/>.</summary>
    protected abstract Task<bool> ProbeAsync(int peer, TimeSpan timeout);

    /// <summary>
    /// How long a link that closed without an abort frame waits for an abort from another peer before it names its own peer.
    /// </summary>
    public TimeSpan DisconnectGrace => ReceiveTimeout == Timeout.InfiniteTimeSpan
        ? TimeSpan.FromMilliseconds(500)
        : TimeSpan.FromTicks(Math.Min(ReceiveTimeout.Ticks / 4, TimeSpan.FromMilliseconds(500).Ticks));

    /// <summary>
    /// How long to wait before naming <paramref name="peer"/> for a failure that its end of the link may see as ours
    /// (a connection that ended without an abort, a peer that does not answer): one grace when the peer has the higher
    /// id, two when it has the lower. If the link itself failed and both ends are alive, the lower end names the
    /// higher one first, and its abort, relayed by the other parties, reaches the higher end while that still waits,
    /// so every party names the same culprit: the link's higher end (the party that dialed it).
    /// </summary>
    public TimeSpan GraceBeforeBlaming(int peer) => peer < PartyId ? DisconnectGrace * 2 : DisconnectGrace;

    /// <summary>Waits <paramref name="grace"/>, or less if the network fails meanwhile (whoever failed it named the culprit).</summary>
    public Task WaitGraceAsync(TimeSpan grace) =>
        Failure is not null || grace <= TimeSpan.Zero ? Task.CompletedTask : Task.WhenAny(Task.Delay(grace), _failed.Task);

    /// <summary>How long a receive whose deadline passed waits for the peer's liveness answer.</summary>
    public TimeSpan ProbeTimeout => ReceiveTimeout == Timeout.InfiniteTimeSpan
        ? TimeSpan.FromSeconds(2)
        : TimeSpan.FromTicks(Math.Min(ReceiveTimeout.Ticks / 4, TimeSpan.FromSeconds(2).Ticks));

    /// <summary>
    /// A receive from <paramref name="peer"/> passed its deadline. Returns false if the peer does not answer a
    /// liveness probe (it is stalled or dead: it is the culprit), true if it answers (it runs but waits itself,
    /// perhaps for a stalled third party whose abort will arrive soon, so the receive gets one more deadline).
    /// </summary>
    public async Task<bool> IsAliveAsync(int peer)
    {
        try
        {
            return await ProbeAsync(peer, ProbeTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.LogDebug(ex, "Party {PartyId}: probing party {Peer} failed", PartyId, peer);
            return false;
        }
    }

    /// <summary>Called once, synchronously, when the network fails: unblock sends stuck on backpressure.</summary>
    protected virtual void OnFailed() { }

    /// <summary>Closes all links: with abort frames if <paramref name="abort"/> is set, else with goodbyes. Bounded in time.</summary>
    protected abstract Task ShutdownCoreAsync(AbortNotice? abort);

    private void CheckPeer(int peer)
    {
        if ((uint)peer >= (uint)PartyCount || peer == PartyId) ThrowBadPeer(peer);
    }

    private void ThrowBadPeer(int peer) =>
        throw new ArgumentOutOfRangeException(nameof(peer), peer, $"A peer is a party id in 0..{PartyCount - 1} other than {PartyId}.");
}
