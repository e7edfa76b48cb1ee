using Microsoft.Extensions.Logging;

namespace Mpc.Net.Internal;

/// <summary>A party's mesh of <see cref="TcpLink"/>s, one per peer.</summary>
internal sealed class TcpPartyNetwork(int partyId, IReadOnlyList<string> names, TimeSpan receiveTimeout,
    long maxFrameBytes, ILogger? logger)
    : PartyNetworkBase(partyId, names, receiveTimeout, logger)
{
    private static readonly TimeSpan AbortFlushTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AbortLinger = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxGoodbyeLinger = TimeSpan.FromSeconds(5);

    private TcpLink?[] _links = [];

    public long MaxFrameBytes { get; } = maxFrameBytes;

    /// <summary>The link to each peer (null at this party's own index).</summary>
    public IReadOnlyList<TcpLink?> Links => _links;

    public void Start(TcpLink?[] links)
    {
        _links = links;
        foreach (var link in links) link?.Start();
    }

    public void DeliverFrom(int peer, uint tag, PooledFrame frame) => InboxOf(peer).Deliver(tag, frame);

    public IFrameDestination? ClaimFrom(int peer, uint tag, int length) => InboxOf(peer).TryClaim(tag, length);

    public void PeerSaidGoodbye(int peer) => InboxOf(peer).MarkPeerClosed();

    protected override ValueTask SendCoreAsync(int peer, uint tag, ReadOnlyMemory<byte> payload, CancellationToken ct) =>
        _links[peer]!.WriteDataAsync(tag, payload, ct);

    protected override Task<bool> ProbeAsync(int peer, TimeSpan timeout) => _links[peer]!.ProbeAsync(timeout);

    protected override Task ShutdownCoreAsync(AbortNotice? abort)
    {
        AbortMessage? message = abort is { } a ? new AbortMessage(a.Culprit, a.Reporter, a.Reason) : null;
        var linger = abort is null ? (ReceiveTimeout < MaxGoodbyeLinger ? ReceiveTimeout : MaxGoodbyeLinger) : AbortLinger;
        var closing = new List<Task>();
        foreach (var link in _links)
        {
            if (link is null) continue;
            // No point waiting for the culprit to close its side: it is dead, stalled, or broke the protocol.
            var lingerHere = abort is { } f && f.Culprit == link.Peer ? TimeSpan.Zero : linger;
            closing.Add(link.CloseAsync(message, AbortFlushTimeout, lingerHere));
        }
        return Task.WhenAll(closing);
    }
}
