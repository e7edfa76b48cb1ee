namespace Mpc.Net;

/// <summary>
/// A party aborted the run and told us with an abort frame. <see cref="PeerException.PeerId"/> is the
/// culprit (the party that caused the failure, possibly the aborting party itself), which propagates
/// unchanged from party to party: if party 2 dies, everyone reports party 2.
/// </summary>
public sealed class PeerAbortedException : PeerException
{
    /// <summary>
    /// Party <paramref name="abortingPartyId"/> aborted because of party <paramref name="culpritPartyId"/> for <paramref name="reason"/>.
    /// </summary>
    public PeerAbortedException(int abortingPartyId, string abortingPartyName, int culpritPartyId, string culpritPartyName, string reason)
        : base(culpritPartyId, Describe(abortingPartyId, abortingPartyName, culpritPartyId, culpritPartyName, reason))
    {
        AbortingPartyId = abortingPartyId;
        AbortReason = reason;
    }

    /// <summary>
    /// The party that found the failure and aborted first: whose abort frame we received, directly or passed on by
    /// another party (our own id if we aborted first).
    /// </summary>
    public int AbortingPartyId { get; }

    /// <summary>The party that caused the failure (equal to <see cref="PeerException.PeerId"/>).</summary>
    public int CulpritPartyId => PeerId;

    /// <summary>The reason the abort frame carried (never contains a secret).</summary>
    public string AbortReason { get; }

    /// <inheritdoc />
    public override string Reason => AbortReason;

    private static string Describe(int aborting, string abortingName, int culprit, string culpritName, string reason) =>
        aborting == culprit
            ? $"Party {culprit} ({culpritName}) aborted: {reason}"
            : $"Party {culprit} ({culpritName}) failed: {reason} (reported by party {aborting} ({abortingName}))";
}
