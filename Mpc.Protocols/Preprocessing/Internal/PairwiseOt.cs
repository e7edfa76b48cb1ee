using Mpc.Core.Random;
using Mpc.Net;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Protocols.Preprocessing.Internal;

/// <summary>
/// One OT extension (SoftSpoken with a given k; IKNP for k = 1) per ordered pair of parties that includes me: a sender
/// to every peer and a receiver from
/// every peer, each on a stream tag of its own, so both directions of every link work at once. The base OTs run
/// once, at the first use.
/// </summary>
internal sealed class PairwiseOt : IDisposable
{
    private readonly Session _session;
    private readonly StreamTag[,] _tags;
    private readonly StreamTag[,] _correctionTags;
    private readonly AesCtrPrg _random;
    private readonly IknpSender?[] _senders;
    private readonly IknpReceiver?[] _receivers;
    private readonly int _softSpokenBits;
    private Task? _setup;

    /// <summary>Takes the tags of every ordered pair (all parties take all of them, so the counters stay aligned).</summary>
    public PairwiseOt(Session session, AesCtrPrg random, int softSpokenBits)
    {
        _session = session;
        _random = random;
        _softSpokenBits = softSpokenBits;
        int n = session.PartyCount;
        _tags = new StreamTag[n, n];
        for (int sender = 0; sender < n; sender++)
            for (int receiver = 0; receiver < n; receiver++)
                if (sender != receiver) _tags[sender, receiver] = session.NextTag(ProtocolChannel.ObliviousTransfer);
        _correctionTags = new StreamTag[n, n];
        for (int sender = 0; sender < n; sender++)
            for (int receiver = 0; receiver < n; receiver++)
                if (sender != receiver) _correctionTags[sender, receiver] = session.NextTag(ProtocolChannel.ObliviousTransfer);
        _senders = new IknpSender?[n];
        _receivers = new IknpReceiver?[n];
    }

    /// <summary>My extension sender to <paramref name="peer"/> (after <see cref="EnsureReadyAsync"/>).</summary>
    public IknpSender SenderTo(int peer) => _senders[peer] ?? throw new InvalidOperationException("The OT extensions are not set up.");

    /// <summary>My extension receiver from <paramref name="peer"/> (after <see cref="EnsureReadyAsync"/>).</summary>
    public IknpReceiver ReceiverFrom(int peer) =>
        _receivers[peer] ?? throw new InvalidOperationException("The OT extensions are not set up.");

    /// <summary>
    /// The tag on which I send <paramref name="peer"/> the corrections of the bit products whose random OTs I send it
    /// (<see cref="BitProducts"/>).
    /// </summary>
    public StreamTag CorrectionsTo(int peer) => _correctionTags[_session.PartyId, peer];

    /// <summary>The tag on which <paramref name="peer"/> sends me its corrections.</summary>
    public StreamTag CorrectionsFrom(int peer) => _correctionTags[peer, _session.PartyId];

    /// <summary>Runs the base OTs of every pair at once, the first time only.</summary>
    public Task EnsureReadyAsync(CancellationToken ct) => _setup ??= SetUpAsync(ct);

    private async Task SetUpAsync(CancellationToken ct)
    {
        int me = _session.PartyId;
        var pending = new List<Task>();
        for (int peer = 0; peer < _session.PartyCount; peer++)
        {
            if (peer == me) continue;
            int p = peer;
            // Each extension draws its base-OT randomness only while it is created.
            var senderRandom = _random.Fork();
            var receiverRandom = _random.Fork();
            pending.Add(Task.Run(async () =>
            {
                using (senderRandom) _senders[p] = await IknpSender.CreateAsync(_session.Network, p, _tags[me, p], senderRandom,
                    _softSpokenBits, ct).ConfigureAwait(false);
            }, ct));
            pending.Add(Task.Run(async () =>
            {
                using (receiverRandom) _receivers[p] = await IknpReceiver.CreateAsync(_session.Network, p, _tags[p, me], receiverRandom,
                    _softSpokenBits, ct).ConfigureAwait(false);
            }, ct));
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var s in _senders) s?.Dispose();
        foreach (var r in _receivers) r?.Dispose();
        _random.Dispose();
    }
}
