using Mpc.Net.Configuration;

namespace Mpc.Party.Checkpoints;

/// <summary>
/// What a checkpoint belongs to: the cluster (the hash the handshake compares), its session id, the party, and the
/// training settings that shape the computation. A checkpoint is used only by a run whose identity is the same.
/// </summary>
internal sealed record CheckpointIdentity(string ClusterHash, string SessionId, int PartyId, int PartyCount, IReadOnlyList<(string Name, string Value)> Settings)
{
    /// <summary>The identity of a run of <paramref name="party"/> with <paramref name="settings"/>.</summary>
    public static CheckpointIdentity Of(PartyConfig party, IReadOnlyList<(string Name, string Value)> settings) =>
        new(Convert.ToHexString(party.Cluster.ComputeHash()), party.Cluster.SessionId, party.PartyId, party.Cluster.PartyCount, settings);

    /// <summary>What differs between a checkpoint's identity (this) and the run's, in words; null when they are the same.</summary>
    public string? DifferenceFrom(CheckpointIdentity run)
    {
        if (PartyId != run.PartyId) return $"it was written by party {PartyId}, and this is party {run.PartyId}";
        if (SessionId != run.SessionId) return $"it was written in session '{SessionId}', and this run's session is '{run.SessionId}'";
        if (PartyCount != run.PartyCount) return $"it was written by a cluster of {PartyCount} parties, and this one has {run.PartyCount}";
        if (ClusterHash != run.ClusterHash) return "it was written with another cluster file (the parties' hosts, ports, certificates or timeouts differ)";
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
