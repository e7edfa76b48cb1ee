namespace Mpc.Net;

/// <summary>
/// Live traffic counters of one party's network: bytes and frames per peer, and rounds.
/// Updated by the transport with interlocked operations; read a consistent-enough copy with <see cref="Snapshot"/>.
/// </summary>
public sealed class NetworkStats
{
    private readonly long[] _bytesSent;
    private readonly long[] _bytesReceived;
    private readonly long[] _framesSent;
    private readonly long[] _framesReceived;
    private long _rounds;

    /// <summary>Counters for party <paramref name="partyId"/> of <paramref name="partyCount"/>.</summary>
    public NetworkStats(int partyId, int partyCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partyCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(partyId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partyId, partyCount);
        PartyId = partyId;
        PartyCount = partyCount;
        _bytesSent = new long[partyCount];
        _bytesReceived = new long[partyCount];
        _framesSent = new long[partyCount];
        _framesReceived = new long[partyCount];
    }

    /// <summary>The party these counters belong to.</summary>
    public int PartyId { get; }

    /// <summary>The number of parties.</summary>
    public int PartyCount { get; }

    /// <summary>Rounds counted so far.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Bytes of frames sent to <paramref name="peer"/>.</summary>
    public long BytesSentTo(int peer) => Interlocked.Read(ref _bytesSent[peer]);

    /// <summary>Bytes of frames received from <paramref name="peer"/>.</summary>
    public long BytesReceivedFrom(int peer) => Interlocked.Read(ref _bytesReceived[peer]);

    /// <summary>Copies all counters (each read atomically).</summary>
    public NetworkStatsSnapshot Snapshot()
    {
        var peers = new PeerTraffic[PartyCount - 1];
        int k = 0;
        for (int p = 0; p < PartyCount; p++)
        {
            if (p == PartyId) continue;
            peers[k++] = new PeerTraffic(p,
                Interlocked.Read(ref _bytesSent[p]), Interlocked.Read(ref _bytesReceived[p]),
                Interlocked.Read(ref _framesSent[p]), Interlocked.Read(ref _framesReceived[p]));
        }
        return new NetworkStatsSnapshot(PartyId, peers, Rounds);
    }

    internal void RecordSent(int peer, long frameBytes)
    {
        Interlocked.Add(ref _bytesSent[peer], frameBytes);
        Interlocked.Increment(ref _framesSent[peer]);
    }

    internal void RecordReceived(int peer, long frameBytes)
    {
        Interlocked.Add(ref _bytesReceived[peer], frameBytes);
        Interlocked.Increment(ref _framesReceived[peer]);
    }

    internal void CountRound() => Interlocked.Increment(ref _rounds);
}
