namespace Mpc.Ml.Training;

/// <summary>
/// What a party tells the others before training: whether it resumes, the epochs it holds checkpoints of, and for each
/// peer the public fingerprint of the key it shares with it (<see cref="Mpc.Protocols.EpochKeys.PairFingerprint"/>;
/// 0 for itself or when it holds none). Nothing secret.
/// </summary>
public sealed record ResumeAnnouncement(bool Resume, IReadOnlyList<int> Epochs, IReadOnlyList<long> PairFingerprints);
