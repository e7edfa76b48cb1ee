using System.Buffers;

namespace Mpc.Net;

/// <summary>
/// A view of a mesh that holds only its parties 0..<see cref="PartyCount"/>-1: what the computing parties of a cluster
/// with a dealer (always the last id) compute over, so that "every party" never includes the dealer. Sends, receives,
/// statistics and aborts go to the mesh underneath; disposing the view leaves the mesh open (its owner closes it).
/// </summary>
public sealed class FirstPartiesNetwork : IPartyNetwork
{
    private readonly IPartyNetwork _mesh;

    /// <param name="mesh">The whole mesh.</param>
    /// <param name="partyCount">How many of its parties the view holds (at least 2, and this party among them).</param>
    public FirstPartiesNetwork(IPartyNetwork mesh, int partyCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partyCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partyCount, mesh.PartyCount);
        if (mesh.PartyId >= partyCount)
            throw new ArgumentException($"Party {mesh.PartyId} is not among the first {partyCount} parties of the mesh.",
                nameof(partyCount));
        _mesh = mesh;
        PartyCount = partyCount;
    }

    /// <inheritdoc />
    public int PartyId => _mesh.PartyId;

    /// <inheritdoc />
    public int PartyCount { get; }

    /// <summary>The mesh's counters: they include traffic with the members outside the view.</summary>
    public NetworkStats Stats => _mesh.Stats;

    /// <inheritdoc />
    public ValueTask SendAsync(int peer, StreamTag tag, ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        _mesh.SendAsync(Check(peer), tag, payload, ct);

    /// <inheritdoc />
    public ValueTask ReceiveAsync(int peer, StreamTag tag, Memory<byte> destination, CancellationToken ct = default) =>
        _mesh.ReceiveAsync(Check(peer), tag, destination, ct);

    /// <inheritdoc />
    public ValueTask<IMemoryOwner<byte>> ReceiveFrameAsync(int peer, StreamTag tag, CancellationToken ct = default) =>
        _mesh.ReceiveFrameAsync(Check(peer), tag, ct);

    /// <inheritdoc />
    public void CountRound() => _mesh.CountRound();

    /// <inheritdoc />
    public ValueTask AbortAsync(string reason) => _mesh.AbortAsync(reason);

    /// <inheritdoc />
    public ValueTask AbortAsync(int culprit, string reason) => _mesh.AbortAsync(culprit, reason);

    /// <summary>Leaves the mesh open: whoever made it closes it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private int Check(int peer) => (uint)peer < (uint)PartyCount
        ? peer
        : throw new ArgumentOutOfRangeException(nameof(peer), peer, $"This view holds parties 0..{PartyCount - 1} only.");
}
