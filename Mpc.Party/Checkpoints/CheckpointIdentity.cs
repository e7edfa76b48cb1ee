using Mpc.Ml.Data;
using Mpc.Net.Configuration;

namespace Mpc.Party.Checkpoints;

/// <summary>
/// What a checkpoint belongs to: the cluster (the hash the handshake compares), its session id, the party, the training
/// settings that shape the computation, and a hash of the party's data (file and columns). A checkpoint is used only by a
/// run whose identity is the same.
/// </summary>
/// <remarks>
/// The data hash matters for privacy, not only for correctness: a resumed run replays the original run's randomness,
/// so masks the original run may already have opened against its values would be opened again; with other values the
/// two openings would reveal their difference. Same data, same settings: the replay opens exactly what was opened.
/// </remarks>
internal sealed record CheckpointIdentity(string ClusterHash, string SessionId, int PartyId, int PartyCount, string DataHash,
    IReadOnlyList<(string Name, string Value)> Settings)
{
    /// <summary>
    /// The identity of a run of <paramref name="party"/> on <paramref name="dataHash"/> with
    /// <paramref name="settings"/>.
    /// </summary>
    public static CheckpointIdentity Of(PartyConfig party, string dataHash, IReadOnlyList<(string Name, string Value)> settings) =>
        new(Convert.ToHexString(party.Cluster.ComputeHash()), party.Cluster.SessionId, party.PartyId, party.Cluster.ComputingPartyCount,
            dataHash, settings);

    /// <summary>SHA-256 of a data file's bytes and the columns read from it (hex).</summary>
    public static string HashData(string file, CsvColumns columns)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(file));
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(
            $"\nlabel={columns.Label}\nid={columns.Id}\n" +
            $"features={(columns.Features is null ? "*" : string.Join('\u001f', columns.Features))}"));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>What differs between a checkpoint's identity (this) and the run's, in words; null when they are the same.</summary>
    public string? DifferenceFrom(CheckpointIdentity run)
    {
        if (PartyId != run.PartyId) return $"it was written by party {PartyId}, and this is party {run.PartyId}";
        if (SessionId != run.SessionId) return $"it was written in session '{SessionId}', and this run's session is '{run.SessionId}'";
        if (PartyCount != run.PartyCount) return $"it was written by a cluster of {PartyCount} parties, and this one has {run.PartyCount}";
        if (ClusterHash != run.ClusterHash)
            return "it was written with another cluster file (the parties' hosts, ports, certificates or timeouts differ)";
        if (DataHash != run.DataHash)
            return "it was written on other data (this party's data file, or the columns read from it, changed since)";
        var mine = Settings.ToDictionary(s => s.Name, s => s.Value);
        foreach (var (name, value) in run.Settings)
        {
            if (!mine.TryGetValue(name, out var saved)) return $"it has no setting {name} (written by another version of mpc)";
            if (saved != value) return $"it was written with {name} = {saved}, and this run has {name} = {value}";
        }
        var extra = mine.Keys.Except(run.Settings.Select(s => s.Name)).FirstOrDefault();
        return extra is null ? null : $"it has a setting {extra} that this run does not (written by another version of mpc)";
    }
}
