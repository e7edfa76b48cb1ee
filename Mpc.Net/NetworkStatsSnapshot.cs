using System.Globalization;
using System.Text;

namespace Mpc.Net;

/// <summary>An immutable copy of a party's <see cref="NetworkStats"/> at one moment.</summary>
public sealed class NetworkStatsSnapshot
{
    internal NetworkStatsSnapshot(int partyId, PeerTraffic[] peers, long rounds)
    {
        PartyId = partyId;
        Peers = peers;
        Rounds = rounds;
        foreach (var p in peers)
        {
            TotalBytesSent += p.BytesSent;
            TotalBytesReceived += p.BytesReceived;
        }
    }

    /// <summary>The party these counters belong to.</summary>
    public int PartyId { get; }

    /// <summary>Traffic with each other party, in ascending peer id (our own id is absent).</summary>
    public IReadOnlyList<PeerTraffic> Peers { get; }

    /// <summary>Communication rounds counted so far.</summary>
    public long Rounds { get; }

    /// <summary>Bytes sent to all peers.</summary>
    public long TotalBytesSent { get; }

    /// <summary>Bytes received from all peers.</summary>
    public long TotalBytesReceived { get; }

    /// <summary>A few lines for people: rounds, totals and one line per peer.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"party {PartyId}: {Rounds} rounds, sent {FormatBytes(TotalBytesSent)}, received {FormatBytes(TotalBytesReceived)}");
        foreach (var p in Peers)
        {
            sb.AppendLine();
            sb.Append(CultureInfo.InvariantCulture,
                $"  peer {p.PeerId}: sent {FormatBytes(p.BytesSent)} in {p.FramesSent} frames, "
                    + $"received {FormatBytes(p.BytesReceived)} in {p.FramesReceived} frames");
        }
        return sb.ToString();
    }

    /// <summary>Formats a byte count with a binary unit (B, KiB, MiB, GiB).</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.##} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.##} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };
}
