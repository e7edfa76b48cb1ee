using System.Buffers;
using Mpc.Net;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>
/// A network that makes timing random: before a send or a receive is handed on, it waits a random moment (a yield to
/// the scheduler, or up to <see cref="MaxDelay"/>), so that the operations a party runs side by side finish in another
/// order at every party and in every run. Each party's calls still reach the network below in the order it made them,
/// per peer and direction, as a real link keeps them: only when they happen moves, never what they pair with.
/// </summary>
public sealed class DelayingNetwork(IPartyNetwork inner, int seed) : IPartyNetwork
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(2);

    private readonly Random _random = new(seed);   // test timing only, not a protocol's randomness
    private readonly Lock _gate = new();
    private readonly Task[] _sends = Enumerable.Repeat(Task.CompletedTask, inner.PartyCount).ToArray();
    private readonly Task[] _receives = Enumerable.Repeat(Task.CompletedTask, inner.PartyCount).ToArray();

    /// <summary>Wraps every network of a cluster, each with a seed of its own.</summary>
    public static IPartyNetwork[] Wrap(IPartyNetwork[] networks, int seed) =>
        networks.Select((n, i) => (IPartyNetwork)new DelayingNetwork(n, HashCode.Combine(seed, i))).ToArray();

    public int PartyId => inner.PartyId;
    public int PartyCount => inner.PartyCount;
    public NetworkStats Stats => inner.Stats;

    public ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        InOrderAsync(_sends, peer, () => inner.SendAsync(peer, tag, payload, ct));

    public ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default) =>
        InOrderAsync(_receives, peer, () => inner.ReceiveAsync(peer, tag, destination, ct));

    public async ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default)
    {
        Task<IMemoryOwner<byte>>? call = null;
        await InOrderAsync(_receives, peer, () =>
        {
            call = inner.ReceiveFrameAsync(peer, tag, ct).AsTask();
            return new ValueTask(call);
        }).ConfigureAwait(false);
        return await call!.ConfigureAwait(false);
    }

    public void CountRound() => inner.CountRound();
    public ValueTask AbortAsync(string reason) => inner.AbortAsync(reason);
    public ValueTask AbortAsync(int culprit, string reason) => inner.AbortAsync(culprit, reason);
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>
    /// Waits for the previous call to <paramref name="peer"/> to be handed on, then a random moment, then hands this
    /// one on.
    /// </summary>
    private ValueTask InOrderAsync(Task[] chain, int peer, Func<ValueTask> call)
    {
        var handedOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        int pause;
        lock (_gate)
        {
            previous = chain[peer];
            chain[peer] = handedOn.Task;
            pause = _random.Next(4) switch { 0 => 0, 1 => -1, _ => _random.Next(1, (int)MaxDelay.TotalMicroseconds) };
        }
        return RunAsync();

        async ValueTask RunAsync()
        {
            ValueTask inner;
            try
            {
                await previous.ConfigureAwait(false);
                if (pause < 0) await Task.Yield();
                else if (pause > 0) await Task.Delay(TimeSpan.FromMicroseconds(pause)).ConfigureAwait(false);
                inner = call();
            }
            finally
            {
                handedOn.SetResult();
            }
            await inner.ConfigureAwait(false);
        }
    }
}
