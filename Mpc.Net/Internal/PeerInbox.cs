using System.Buffers;

namespace Mpc.Net.Internal;

/// <summary>
/// Frames received from one peer, queued per stream tag, and the receivers waiting for them.
/// The transport delivers complete frames, or claims a waiting receiver's buffer to fill it directly; receivers
/// take in FIFO order per tag. Each waiting receiver has the network's receive deadline (see <see cref="Waiter"/>).
/// </summary>
internal sealed class PeerInbox(PartyNetworkBase owner, int peer)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, TagQueue> _tags = [];
    private readonly HashSet<Waiter> _claimed = [];
    private Exception? _failure;
    private bool _peerClosed;

    private sealed class TagQueue
    {
        public readonly Queue<PooledFrame> Frames = new();
        public readonly LinkedList<Waiter> Waiters = new();
    }

    public int Peer => peer;

    public PartyNetworkBase Owner => owner;

    /// <summary>Hands a complete frame to the first waiting receiver of its tag, or queues it.</summary>
    public void Deliver(uint tag, PooledFrame frame)
    {
        Waiter? waiter;
        lock (_gate)
        {
            if (_failure is not null)
            {
                frame.Dispose();
                return;
            }
            var queue = QueueOf(tag);
            var first = queue.Waiters.First;
            if (first is null)
            {
                queue.Frames.Enqueue(frame);
                return;
            }
            queue.Waiters.RemoveFirst();
            waiter = first.Value;
            waiter.Node = null;
        }
        if (!waiter.TrySetResult(frame)) frame.Dispose();
    }

    /// <summary>
    /// If the next frame with <paramref name="tag"/> goes to a receiver that is already waiting with a buffer of
    /// exactly <paramref name="length"/> bytes, hands that buffer to the caller to fill; otherwise null.
    /// </summary>
    public IFrameDestination? TryClaim(uint tag, int length)
    {
        lock (_gate)
        {
            if (_failure is not null || !_tags.TryGetValue(tag, out var queue) || queue.Frames.Count > 0) return null;
            if (queue.Waiters.First is not { } first || !first.Value.Wants(length)) return null;
            queue.Waiters.RemoveFirst();
            var waiter = first.Value;
            waiter.Node = null;
            _claimed.Add(waiter);
            return waiter;
        }
    }

    /// <summary>
    /// The next frame with <paramref name="tag"/>, waiting at most the deadline. With a <paramref name="destination"/>,
    /// the transport may write the frame straight into it and return <see cref="ClaimedFrame.Instance"/>.
    /// </summary>
    public ValueTask<IMemoryOwner<byte>> TakeAsync(uint tag, Memory<byte>? destination, TimeSpan timeout, CancellationToken ct)
    {
        Waiter waiter;
        bool peerGone;
        lock (_gate)
        {
            if (_failure is not null) return ValueTask.FromException<IMemoryOwner<byte>>(_failure);
            var queue = QueueOf(tag);
            if (queue.Frames.TryDequeue(out var frame)) return ValueTask.FromResult<IMemoryOwner<byte>>(frame);
            if (ct.IsCancellationRequested) return ValueTask.FromCanceled<IMemoryOwner<byte>>(ct);
            peerGone = _peerClosed;
            waiter = new Waiter(this, tag, destination);
            if (!peerGone) waiter.Node = queue.Waiters.AddLast(waiter);
        }
        if (peerGone) return ValueTask.FromException<IMemoryOwner<byte>>(owner.Fail(PeerClosedWhileWaiting(tag)));
        return waiter.WaitAsync(timeout, ct);
    }

    /// <summary>Fails every waiting receiver and all future takes with <paramref name="failure"/>; drops queued frames.</summary>
    public void Fail(Exception failure)
    {
        List<Waiter> waiters = [];
        lock (_gate)
        {
            if (_failure is not null) return;
            _failure = failure;
            foreach (var queue in _tags.Values)
            {
                while (queue.Frames.TryDequeue(out var frame)) frame.Dispose();
                foreach (var w in queue.Waiters) { w.Node = null; waiters.Add(w); }
                queue.Waiters.Clear();
            }
            waiters.AddRange(_claimed);
            _claimed.Clear();
        }
        foreach (var w in waiters) w.Detach(failure);
    }

    /// <summary>
    /// The peer said goodbye: frames already queued can still be taken, but a receiver that waits for
    /// more is a protocol failure that names the peer.
    /// </summary>
    public void MarkPeerClosed()
    {
        uint? waitingTag = null;
        lock (_gate)
        {
            _peerClosed = true;
            foreach (var (tag, queue) in _tags)
            {
                if (queue.Waiters.Count > 0) { waitingTag = tag; break; }
            }
        }
        if (waitingTag is { } t) owner.Fail(PeerClosedWhileWaiting(t));
    }

    private PeerDisconnectedException PeerClosedWhileWaiting(uint tag) =>
        new(peer, owner.NameOf(peer),
            $"it finished and closed its connection while we still expected a frame with tag {new StreamTag(tag)}");

    private TagQueue QueueOf(uint tag)
    {
        if (!_tags.TryGetValue(tag, out var queue))
        {
            queue = new TagQueue();
            _tags.Add(tag, queue);
        }
        return queue;
    }

    private bool TryRemove(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node is not { } node) return false;
            node.List!.Remove(node);
            waiter.Node = null;
            return true;
        }
    }

    /// <summary>Still waiting for its frame: queued, or claimed and being filled.</summary>
    private bool IsPending(Waiter waiter)
    {
        lock (_gate) return waiter.Node is not null || _claimed.Contains(waiter);
    }

    private void Unclaim(Waiter waiter)
    {
        lock (_gate) _claimed.Remove(waiter);
    }

    /// <summary>
    /// A receiver. At its deadline the peer is probed: a peer that does not answer is reported as stalled at once;
    /// one that answers gets a second deadline (it may itself be blocked by a stalled third party, whose abort then
    /// arrives first and names the right culprit), after which it is reported as alive but silent.
    /// Cancellation works until a frame loop claims the receiver's buffer; from then on the frame is awaited
    /// (bounded by the deadlines) so that nothing writes into the buffer after the receive returned.
    /// </summary>
    private sealed class Waiter(PeerInbox inbox, uint tag, Memory<byte>? destination)
        : TaskCompletionSource<IMemoryOwner<byte>>(TaskCreationOptions.RunContinuationsAsynchronously), IFrameDestination
    {
        public LinkedListNode<Waiter>? Node;
        private readonly Lock _copyGate = new();
        private bool _detached;
        private CancellationToken _ct;
        private TimeSpan _timeout;
        private Timer? _timer;
        private int _expiries;
        private long _started;

        public bool Wants(int length) => destination is { } d && d.Length == length && length > 0;

        public async ValueTask<IMemoryOwner<byte>> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            _ct = ct;
            _timeout = timeout;
            _started = System.Diagnostics.Stopwatch.GetTimestamp();
            await using var registration = ct.CanBeCanceled
                ? ct.UnsafeRegister(static s => ((Waiter)s!).OnCancelled(), this)
                : default;
            if (timeout != Timeout.InfiniteTimeSpan)
                _timer = new Timer(static s => ((Waiter)s!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
            try
            {
                return await Task.ConfigureAwait(false);
            }
            finally
            {
                if (_timer is not null) await _timer.DisposeAsync().ConfigureAwait(false);
            }
        }

        public bool TryWrite(int offset, ReadOnlySequence<byte> bytes)
        {
            lock (_copyGate)
            {
                if (_detached) return false;
                bytes.CopyTo(destination!.Value.Span[offset..]);
                return true;
            }
        }

        public void Complete()
        {
            lock (_copyGate)
            {
                if (_detached) return;
                _detached = true;
            }
            inbox.Unclaim(this);
            TrySetResult(ClaimedFrame.Instance);
        }

        public void Abandon() => Detach(inbox.Owner.Failure ?? inbox.Owner.Fail(new PeerDisconnectedException(
            inbox.Peer, inbox.Owner.NameOf(inbox.Peer), "the connection ended in the middle of a frame")));

        /// <summary>Fails the receive; once this returns, nothing writes into its buffer any more.</summary>
        public void Detach(Exception failure)
        {
            lock (_copyGate)
            {
                if (_detached) return;
                _detached = true;
            }
            TrySetException(failure);
        }

        private void OnCancelled()
        {
            if (inbox.TryRemove(this)) TrySetCanceled(_ct);
        }

        private void OnDeadline()
        {
            // A timer callback must never throw (it would end the process without a message).
            try
            {
                if (!inbox.IsPending(this)) return;
                if (Interlocked.Increment(ref _expiries) == 1)
                {
                    _ = ProbeAsync();
                    return;
                }
                Expire("; it answers but sent nothing within a second deadline");
            }
            catch (Exception ex)
            {
                Detach(ex);
            }
        }

        private async Task ProbeAsync()
        {
            try
            {
                await ProbeCoreAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Detach(ex);
            }
        }

        private async Task ProbeCoreAsync()
        {
            bool alive = await inbox.Owner.IsAliveAsync(inbox.Peer).ConfigureAwait(false);
            if (!inbox.IsPending(this)) return;
            if (!alive)
            {
                // The link may be what fails (both ends then see the other go silent): the same wait as for a closed link.
                var grace = inbox.Owner.GraceBeforeBlaming(inbox.Peer) - inbox.Owner.DisconnectGrace;
                await inbox.Owner.WaitGraceAsync(grace).ConfigureAwait(false);
                if (!inbox.IsPending(this)) return;
                Expire("; it does not answer");
                return;
            }
            // The second deadline counts from the start of the receive, so late timer callbacks do not add up.
            var due = _timeout * 2 - System.Diagnostics.Stopwatch.GetElapsedTime(_started);
            if (due <= TimeSpan.Zero)
            {
                Expire("; it answers but sent nothing within a second deadline");
                return;
            }
            try
            {
                _timer?.Change(due, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Completed meanwhile.
            }
        }

        private void Expire(string how)
        {
            bool queued = inbox.TryRemove(this);
            if (!queued && !inbox.IsPending(this)) return;
            // Failing the network detaches this receiver too (claimed receivers through the inbox's claimed set).
            var failure = inbox.Owner.Fail(new PeerTimeoutException(
                inbox.Peer, inbox.Owner.NameOf(inbox.Peer), $"frame with tag {new StreamTag(tag)}", _timeout, how));
            Detach(failure);
        }
    }
}
