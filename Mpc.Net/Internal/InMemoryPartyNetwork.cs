namespace Mpc.Net.Internal;

/// <summary>One party of an in-process cluster: sends copy the payload straight into the peer's inbox.</summary>
internal sealed class InMemoryPartyNetwork(int partyId, IReadOnlyList<string> names, TimeSpan receiveTimeout)
    : PartyNetworkBase(partyId, names, receiveTimeout, logger: null)
{
    private InMemoryPartyNetwork[] _cluster = [];

    public void Join(InMemoryPartyNetwork[] cluster) => _cluster = cluster;

    protected override ValueTask SendCoreAsync(int peer, uint tag, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return ValueTask.FromCanceled(ct);
        long frameBytes = FrameCodec.HeaderBytes(FrameKind.Data, tag, payload.Length) + (long)payload.Length;
        Stats.RecordSent(peer, frameBytes);
        _cluster[peer].Receive(PartyId, tag, PooledFrame.CopyOf(payload.Span), frameBytes);
        return ValueTask.CompletedTask;
    }

    private void Receive(int from, uint tag, PooledFrame frame, long frameBytes)
    {
        Stats.RecordReceived(from, frameBytes);
        InboxOf(from).Deliver(tag, frame);
    }

    /// <summary>An in-process peer always runs; a silent one is reported after the second deadline.</summary>
    protected override Task<bool> ProbeAsync(int peer, TimeSpan timeout) => Task.FromResult(true);

    protected override Task ShutdownCoreAsync(AbortNotice? abort)
    {
        foreach (var peer in _cluster)
        {
            if (peer.PartyId == PartyId) continue;
            if (abort is { } a)
            {
                // What a TCP peer would decode: the reason escaped and cut (ControlMessages).
                peer.Fail(new PeerAbortedException(a.Reporter, NameOf(a.Reporter), a.Culprit, NameOf(a.Culprit),
                    Mpc.Core.Text.PeerText.Escape(a.Reason)));
            }
            else
            {
                peer.InboxOf(PartyId).MarkPeerClosed();
            }
        }
        return Task.CompletedTask;
    }
}
