namespace Mpc.Net.Diagnostics;

/// <summary>Limits and thresholds of <see cref="PartyDoctor"/>.</summary>
public sealed record DoctorOptions
{
    /// <summary>
    /// How long to wait for the peers' doctors (they must run at about the same time): dialing retries and the wait for
    /// peers that dial this party end then. Null: the cluster's connect timeout.
    /// </summary>
    public TimeSpan? Wait { get; init; }

    /// <summary>The clock whose time is compared with the peers' and against certificates' validity (tests shift it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>A certificate that expires sooner than this is a warning.</summary>
    public TimeSpan CertificateExpiryWarning { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Clocks further apart than this are a warning: logs and checkpoints from different organisations no longer line up.
    /// </summary>
    public TimeSpan ClockSkewWarning { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clocks further apart than this fail the check: certificate dates and audit records cannot be compared.</summary>
    public TimeSpan ClockSkewFailure { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Round trips per peer for the clock comparison; the one with the shortest round trip is used.</summary>
    public int ClockSamples { get; init; } = 5;
}
