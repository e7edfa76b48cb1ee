namespace Mpc.Net.Diagnostics;

/// <summary>How one check of <see cref="PartyDoctor"/> ended.</summary>
public enum CheckOutcome
{
    /// <summary>Nothing to do.</summary>
    Pass,

    /// <summary>A run will work, but something should be fixed soon (a certificate near its expiry, clocks apart).</summary>
    Warn,

    /// <summary>A run would fail, or would run with a weakness; the check's advice says what to do.</summary>
    Fail,

    /// <summary>Not checked, because an earlier check failed or the configuration does not call for it.</summary>
    Skip,
}
