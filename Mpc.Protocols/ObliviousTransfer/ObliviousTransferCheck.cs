namespace Mpc.Protocols.ObliviousTransfer;

/// <summary>The check a peer's oblivious-transfer message failed (see <see cref="ObliviousTransferException"/>).</summary>
public enum ObliviousTransferCheck
{
    /// <summary>
    /// The bytes are not an uncompressed SEC 1 encoding of a P-256 point (wrong prefix, or a coordinate not below the field prime).
    /// </summary>
    PointEncoding,

    /// <summary>The coordinates do not satisfy the curve equation y^2 = x^3 - 3x + b.</summary>
    PointOnCurve,

    /// <summary>The point is the point at infinity (the group identity), which would make the transfer trivial.</summary>
    PointNotAtInfinity,
}
