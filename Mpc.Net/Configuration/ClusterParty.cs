namespace Mpc.Net.Configuration;

/// <summary>One party as the cluster file describes it: who it is, where it listens, which certificate it must present.</summary>
public sealed record ClusterParty
{
    /// <summary>Party id in 0..N-1.</summary>
    public required int Id { get; init; }

    /// <summary>A short name for people and logs (unique in the cluster).</summary>
    public required string Name { get; init; }

    /// <summary>The host name or address it listens on (and that others dial).</summary>
    public required string Host { get; init; }

    /// <summary>The TCP port it listens on.</summary>
    public required int Port { get; init; }

    /// <summary>Absolute path of its certificate (PEM); null only in insecure clusters.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>SHA-256 of the certificate (DER), the pin a peer must match; null if no certificate was loaded.</summary>
    public byte[]? CertificateSha256 { get; init; }

    /// <summary>Absolute path of this party's own config file, which <c>mpc launch</c> uses; null if the cluster file names none.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>What it does: compute on shares (the default) or deal correlated randomness and hold no data.</summary>
    public PartyRole Role { get; init; } = PartyRole.Compute;

    /// <summary>True for the dealer entry.</summary>
    public bool IsDealer => Role == PartyRole.Dealer;

    /// <summary>"party 2 (carol)" or "dealer 3 (trent)", as messages name it.</summary>
    public string Label => $"{(IsDealer ? "dealer" : "party")} {Id} ({Name})";

    /// <summary>"name" as exceptions print it.</summary>
    public override string ToString() => $"{Label} at {Host}:{Port}";
}

/// <summary>What a cluster member does.</summary>
public enum PartyRole
{
    /// <summary>Holds data and computes on shares.</summary>
    Compute,

    /// <summary>
    /// Holds no data and computes nothing: it deals correlated randomness (triples, masks) to the computing parties and
    /// never receives an online value. At most one per cluster, with the highest id.
    /// </summary>
    Dealer,
}
