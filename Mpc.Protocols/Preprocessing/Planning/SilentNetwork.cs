using System.Buffers;
using Mpc.Net;

namespace Mpc.Protocols.Preprocessing.Planning;

/// <summary>
/// A network for a rehearsal (<see cref="PreprocessingPlan.RecordAsync"/>): it carries nothing. Sends are dropped and
/// every receive gets zeros of the length the protocol expects, so a program runs to its end on meaningless values
/// and takes the material it would take for real, with no peer involved. A frame of unknown length cannot be made up:
/// a protocol that needs one (a garbled circuit's) cannot be rehearsed.
/// </summary>
internal sealed class SilentNetwork(int partyId, int partyCount) : IPartyNetwork
{
    public int PartyId { get; } = partyId;

    public int PartyCount { get; } = partyCount;

    public NetworkStats Stats { get; } = new(partyId, partyCount);

    public ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        ValueTask.CompletedTask;

    public ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default)
    {
        destination.Span.Clear();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default) =>
        throw new NotSupportedException("A rehearsal cannot make up a frame of unknown length (as a garbled circuit's): " +
            "plan only programs whose every message has a length both ends know.");

    public void CountRound()
    {
    }

    public ValueTask AbortAsync(string reason) => ValueTask.CompletedTask;

    public ValueTask AbortAsync(int culprit, string reason) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
