using System.Buffers;
using Mpc.Net;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>A network decorator that keeps a copy of every frame this party receives: its view, for security tests.</summary>
public sealed class RecordingNetwork(IPartyNetwork inner) : IPartyNetwork
{
    private readonly List<(int Peer, StreamTag Tag, byte[] Payload)> _received = [];

    /// <summary>Received frames in the order their receives completed.</summary>
    public IReadOnlyList<(int Peer, StreamTag Tag, byte[] Payload)> Received
    {
        get { lock (_received) return _received.ToArray(); }
    }

    public int PartyId => inner.PartyId;
    public int PartyCount => inner.PartyCount;
    public NetworkStats Stats => inner.Stats;
    public ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        inner.SendAsync(peer, tag, payload, ct);

    public async ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default)
    {
        await inner.ReceiveAsync(peer, tag, destination, ct);
        lock (_received) _received.Add((peer, tag, destination.ToArray()));
    }

    public async ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default)
    {
        var frame = await inner.ReceiveFrameAsync(peer, tag, ct);
        lock (_received) _received.Add((peer, tag, frame.Memory.ToArray()));
        return frame;
    }

    public void CountRound() => inner.CountRound();
    public ValueTask AbortAsync(string reason) => inner.AbortAsync(reason);

    public ValueTask AbortAsync(int culprit, string reason) => inner.AbortAsync(culprit, reason);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
