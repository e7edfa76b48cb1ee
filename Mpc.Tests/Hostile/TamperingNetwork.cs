using System.Buffers;
using Mpc.Net;

namespace Mpc.Tests.Hostile;

/// <summary>
/// A hostile party's network: once <see cref="Enabled"/>, every frame it sends goes through <see cref="Tamper"/> first
/// (cut, padded, replaced), so that the honest protocol code of the party sends what a malicious one would.
/// </summary>
public sealed class TamperingNetwork(IPartyNetwork inner, Func<int, byte[], byte[]> tamper) : IPartyNetwork
{
    private int _tampered;

    /// <summary>Whether sends are tampered with now (set it between operations).</summary>
    public volatile bool Enabled;

    /// <summary>At most this many frames are tampered with (then sends pass again).</summary>
    public int Limit { get; init; } = int.MaxValue;

    /// <summary>How many frames were tampered with.</summary>
    public int Tampered => Math.Min(Volatile.Read(ref _tampered), Limit);

    /// <summary>Maps (peer, payload) to what is sent instead.</summary>
    public Func<int, byte[], byte[]> Tamper => tamper;

    public int PartyId => inner.PartyId;
    public int PartyCount => inner.PartyCount;
    public NetworkStats Stats => inner.Stats;

    public ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        if (!Enabled || Interlocked.Increment(ref _tampered) > Limit) return inner.SendAsync(peer, tag, payload, ct);
        return inner.SendAsync(peer, tag, tamper(peer, payload.ToArray()), ct);
    }

    public ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default) =>
        inner.ReceiveAsync(peer, tag, destination, ct);
    public ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default) =>
        inner.ReceiveFrameAsync(peer, tag, ct);
    public void CountRound() => inner.CountRound();
    public ValueTask AbortAsync(string reason) => inner.AbortAsync(reason);
    public ValueTask AbortAsync(int culprit, string reason) => inner.AbortAsync(culprit, reason);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
