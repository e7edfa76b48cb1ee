using System.Buffers;
using Mpc.Net;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>
/// A network decorator that measures rounds as latency: each message carries (through a ledger the cluster shares in
/// this process) the length of the longest chain of messages that led to its sending, and a receive makes this party's
/// chain one longer than the message's. Operations that run side by side add no round; the last party's chain is the
/// number of one-way message delays the computation needs.
/// </summary>
public sealed class CausalRoundsNetwork(IPartyNetwork inner, CausalRoundsNetwork.Ledger ledger) : IPartyNetwork
{
    private int _chain;

    /// <summary>The messages in flight: per sender, receiver and tag, each send's chain and its bytes not yet received.</summary>
    public sealed class Ledger
    {
        private readonly Dictionary<(int, int, StreamTag), Queue<(int Chain, int Bytes)>> _queues = [];

        internal void Post(int from, int to, StreamTag tag, int chain, int bytes)
        {
            lock (_queues)
            {
                if (!_queues.TryGetValue((from, to, tag), out var queue)) _queues[(from, to, tag)] = queue = new();
                queue.Enqueue((chain, bytes));
            }
        }

        /// <summary>The longest chain among the sends that <paramref name="bytes"/> received bytes came from.</summary>
        internal int Take(int from, int to, StreamTag tag, int bytes)
        {
            lock (_queues)
            {
                var queue = _queues[(from, to, tag)];
                int chain = 0;
                do
                {
                    var (c, left) = queue.Dequeue();
                    chain = Math.Max(chain, c);
                    if (left > bytes)
                    {
                        var rest = new Queue<(int, int)>([(c, left - bytes), .. queue]);
                        _queues[(from, to, tag)] = rest;
                        bytes = 0;
                    }
                    else bytes -= left;
                }
                while (bytes > 0);
                return chain;
            }
        }
    }

    /// <summary>Wraps every network of a cluster around one ledger.</summary>
    public static CausalRoundsNetwork[] Wrap(IPartyNetwork[] networks)
    {
        var ledger = new Ledger();
        return [.. networks.Select(n => new CausalRoundsNetwork(n, ledger))];
    }

    /// <summary>The longest chain of messages that has reached this party.</summary>
    public int Rounds => Volatile.Read(ref _chain);

    public int PartyId => inner.PartyId;
    public int PartyCount => inner.PartyCount;
    public NetworkStats Stats => inner.Stats;

    public ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        ledger.Post(PartyId, peer, tag, Rounds, payload.Length);
        return inner.SendAsync(peer, tag, payload, ct);
    }

    public async ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default)
    {
        await inner.ReceiveAsync(peer, tag, destination, ct);
        Reached(ledger.Take(peer, PartyId, tag, destination.Length) + 1);
    }

    public async ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default)
    {
        var frame = await inner.ReceiveFrameAsync(peer, tag, ct);
        Reached(ledger.Take(peer, PartyId, tag, frame.Memory.Length) + 1);
        return frame;
    }

    public void CountRound() => inner.CountRound();
    public ValueTask AbortAsync(string reason) => inner.AbortAsync(reason);
    public ValueTask AbortAsync(int culprit, string reason) => inner.AbortAsync(culprit, reason);
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Reached(int chain)
    {
        int current;
        do current = Volatile.Read(ref _chain);
        while (chain > current && Interlocked.CompareExchange(ref _chain, chain, current) != current);
    }
}
