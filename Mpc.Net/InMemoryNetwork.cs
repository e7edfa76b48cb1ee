using Mpc.Net.Internal;

namespace Mpc.Net;

/// <summary>
/// Factory of in-process clusters for unit tests: N connected <see cref="IPartyNetwork"/>s with the same
/// semantics as the TCP mesh (tags, order, deadlines, abort propagation, accounting), without sockets.
/// </summary>
/// <remarks>Sends never block (no backpressure): every frame is copied into the receiver's queue at once.</remarks>
public static class InMemoryNetwork
{
    /// <summary>
    /// Creates <paramref name="partyCount"/> connected parties; element i is party i. Each receive fails with a
    /// <see cref="PeerTimeoutException"/> after <paramref name="receiveTimeout"/> (use <see cref="Timeout.InfiniteTimeSpan"/> for none).
    /// </summary>
    public static IPartyNetwork[] CreateCluster(int partyCount, TimeSpan receiveTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partyCount, 2);
        if (receiveTimeout <= TimeSpan.Zero && receiveTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(receiveTimeout), receiveTimeout, "A receive timeout is positive or infinite.");
        var names = new string[partyCount];
        for (int i = 0; i < partyCount; i++) names[i] = $"p{i}";
        var parties = new InMemoryPartyNetwork[partyCount];
        for (int i = 0; i < partyCount; i++) parties[i] = new InMemoryPartyNetwork(i, names, receiveTimeout);
        foreach (var p in parties) p.Join(parties);
        return [.. parties];
    }
}
