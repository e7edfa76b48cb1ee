using Mpc.Core;

namespace Mpc.Protocols.Malicious;

/// <summary>
/// An actively secure suite caught a party deviating from the protocol: the run stops and releases nothing.
/// <see cref="Check"/> says which check failed; <see cref="Culprit"/> names the party when the protocol lets the honest
/// parties prove who it was (see SECURITY.md, "Active security"), and is null otherwise.
/// </summary>
public sealed class CheatingDetectedException : MpcException
{
    /// <summary>A failed <paramref name="check"/>, with the party it proves guilty if any, and what was seen.</summary>
    public CheatingDetectedException(IntegrityCheck check, int? culprit, string detail)
        : base(Describe(check, culprit, detail))
    {
        Check = check;
        Culprit = culprit;
    }

    /// <summary>The check that failed.</summary>
    public IntegrityCheck Check { get; }

    /// <summary>The party the check proves deviated, or null when the check cannot tell which one did.</summary>
    public int? Culprit { get; }

    private static string Describe(IntegrityCheck check, int? culprit, string detail)
    {
        string name = check switch
        {
            IntegrityCheck.OpeningConsistency => "opening consistency check",
            IntegrityCheck.BroadcastConsistency => "broadcast consistency check",
            IntegrityCheck.SharingConsistency => "sharing consistency (degree) check",
            IntegrityCheck.MacCheck => "MAC check",
            IntegrityCheck.MalformedElement => "element check",
            IntegrityCheck.SquareCheck => "square check",
            _ => check.ToString(),
        };
        string who = culprit is { } party
            ? $"party {party} cheated"
            : "the check cannot tell which party cheated";
        return $"cheating detected: the {name} failed ({detail}); {who}; nothing was released";
    }
}
