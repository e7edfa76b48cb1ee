using Mpc.Net;

namespace Mpc.Protocols.ObliviousTransfer;

/// <summary>
/// A peer sent an oblivious-transfer message that fails a validity check, e.g. a base-OT point that is not on the
/// curve. <see cref="PeerException.PeerId"/> is that peer and <see cref="Check"/> the check it failed.
/// </summary>
public sealed class ObliviousTransferException : PeerException
{
    /// <summary>Party <paramref name="peerId"/> sent <paramref name="what"/>, which failed <paramref name="check"/>.</summary>
    public ObliviousTransferException(int peerId, ObliviousTransferCheck check, string what)
        : base(peerId, $"Party {peerId} sent an invalid oblivious-transfer message: {what} fails check {check} ({Explain(check)}).")
    {
        Check = check;
        What = what;
    }

    /// <summary>The check that failed.</summary>
    public ObliviousTransferCheck Check { get; }

    /// <summary>Which value failed it, e.g. "base-OT point B[17]".</summary>
    public string What { get; }

    /// <inheritdoc />
    public override string Reason => $"sent an invalid oblivious-transfer message: {What} fails check {Check}";

    private static string Explain(ObliviousTransferCheck check) => check switch
    {
        ObliviousTransferCheck.PointEncoding => "not an uncompressed P-256 point encoding",
        ObliviousTransferCheck.PointOnCurve => "not on the curve",
        ObliviousTransferCheck.PointNotAtInfinity => "the point at infinity",
        _ => "unknown check",
    };
}
