namespace Mpc.Net.Diagnostics;

/// <summary>Everything one party's doctor checked, in the order it was checked: its files first, then each peer by id.</summary>
/// <param name="Checks">One entry per check.</param>
public sealed record DoctorReport(IReadOnlyList<DoctorCheck> Checks)
{
    /// <summary>True if no check failed (warnings allowed).</summary>
    public bool Passed => Checks.All(c => c.Outcome != CheckOutcome.Fail);

    /// <summary>True if the party's own config could not be loaded (nothing else was checked).</summary>
    public bool ConfigFailed => Checks.Count > 0 && Checks[0] is { Check: PartyDoctor.ConfigCheck, Outcome: CheckOutcome.Fail };
}
