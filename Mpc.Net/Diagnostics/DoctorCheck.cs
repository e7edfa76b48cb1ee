namespace Mpc.Net.Diagnostics;

/// <summary>One line of a doctor's report.</summary>
/// <param name="Subject">Whom it is about: this party or a peer, as <c>"party 1 (bob)"</c>.</param>
/// <param name="Check">What was checked: <c>certificate</c>, <c>private key</c>, <c>tcp</c>, <c>tls</c>, <c>clock</c>...</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Detail">What was found (text a peer sent is escaped and length-limited).</param>
/// <param name="Advice">What the operator should do about a warning or failure; null when there is nothing to do.</param>
public sealed record DoctorCheck(string Subject, string Check, CheckOutcome Outcome, string Detail, string? Advice = null);
