using System.Buffers;

namespace Mpc.Net;

/// <summary>
/// One party's connections to all other parties of a cluster: frames of bytes, each carrying a
/// <see cref="StreamTag"/>, delivered in order per (peer, tag). It knows bytes, peers and frames, never a protocol.
/// </summary>
/// <remarks>
/// Failure is total and loud: when anything goes wrong on any link (a peer aborts, disconnects, misses a
/// receive deadline, or sends a malformed frame), every pending and future send and receive fails with the
/// same <see cref="PeerException"/> naming the culprit, and the network sends an abort frame carrying the
/// culprit's id to every other peer, so that they fail naming the same party. Nothing hangs: every
/// receive has the deadline the cluster config sets. When it passes, the transport probes the peer: a peer whose
/// process does not answer (stopped, hung, gone) is the culprit at once; a peer that answers is probably blocked by
/// a stalled third party, whose abort then arrives and names the right culprit, so it gets one more deadline.
/// A link that ends without an abort frame, or a peer that does not answer, is blamed only after a short grace (longer
/// for a peer with a lower id), so that an abort relayed by another peer wins and a failed link is blamed by every
/// party on its higher end. Frames carry per-link sequence numbers: a replayed or lost frame is a malformed frame.
/// Implementations are thread-safe: sends to different peers and receives on different tags may run concurrently.
/// </remarks>
public interface IPartyNetwork : IAsyncDisposable
{
    /// <summary>My party id, in 0..<see cref="PartyCount"/>-1.</summary>
    int PartyId { get; }

    /// <summary>The number of parties N.</summary>
    int PartyCount { get; }

    /// <summary>Live traffic counters (bytes and frames per peer, rounds); take a copy with <see cref="NetworkStats.Snapshot"/>.</summary>
    NetworkStats Stats { get; }

    /// <summary>
    /// Queues one frame with <paramref name="tag"/> to <paramref name="peer"/>. The caller may reuse
    /// <paramref name="payload"/> once the task completes. Backpressure is honoured: the task completes only
    /// when the transport has room for the frame.
    /// </summary>
    /// <exception cref="PeerException">The network has failed; the exception names the culprit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (the network then fails too,
    /// since a half-sent frame cannot be taken back).</exception>
    ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default);

    /// <summary>
    /// Receives the next frame with <paramref name="tag"/> from <paramref name="peer"/> into
    /// <paramref name="destination"/>, which the frame must fill exactly.
    /// </summary>
    /// <exception cref="MalformedFrameException">The frame's length differs from <c>destination.Length</c> (the peer
    /// sent more or fewer elements than the round needs); the network fails.</exception>
    /// <exception cref="PeerTimeoutException">No such frame arrived within the receive deadline and the peer does not answer a
    /// liveness probe (it is stalled or dead), or it answers but sent nothing within a second deadline; the network fails.</exception>
    /// <exception cref="PeerException">The network has failed; the exception names the culprit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before the frame started to
    /// arrive (the network stays up).
    /// Once it arrives, it is written straight into <paramref name="destination"/>, and the receive completes (or fails
    /// with the network) rather than being cancelled,
    /// so that nothing writes into the buffer after the call returned.</exception>
    ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default);

    /// <summary>
    /// Receives the next frame with <paramref name="tag"/> from <paramref name="peer"/>, whatever its length,
    /// in a pooled buffer that the caller must dispose.
    /// </summary>
    /// <exception cref="PeerTimeoutException">No such frame arrived within the receive deadline; the network fails.</exception>
    /// <exception cref="PeerException">The network has failed; the exception names the culprit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before a frame arrived (the
    /// network stays up).</exception>
    ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default);

    /// <summary>
    /// Counts one communication round in <see cref="Stats"/>. The exchange helpers of
    /// <see cref="PartyNetworkExtensions"/> call it; custom patterns call it themselves.
    /// </summary>
    void CountRound();

    /// <summary>
    /// Tells every peer that we abort, with <paramref name="reason"/> (which must not contain a secret),
    /// then closes all links. Pending operations fail with a <see cref="PeerAbortedException"/> naming us.
    /// Idempotent; if the network already failed, waits for that failure's aborts to be sent instead.
    /// Completes within a bounded time even if peers are stalled.
    /// </summary>
    ValueTask AbortAsync(string reason);

    /// <summary>
    /// Like <see cref="AbortAsync(string)"/>, but names party <paramref name="culprit"/> as the cause (e.g. a peer whose
    /// message failed a protocol check): every party then fails with a <see cref="PeerAbortedException"/> naming it.
    /// </summary>
    ValueTask AbortAsync(int culprit, string reason);
}
