namespace Mpc.Protocols.Shamir;

/// <summary>How the Shamir suite draws the low mask r' of Catrina-Saxena truncation.</summary>
public enum ShamirTruncation
{
    /// <summary>
    /// r' is the sum of parties 0..t's contributions, each uniform in [0, 2^m): the low bits of x + r' are
    /// uniform as long as one contributor is honest, and the result is floor(x / 2^m) plus an error in
    /// [-floor((t+1)/2), ceil((t+1)/2)] units (zero-mean after the built-in correction). One input round and one
    /// opening. The default: it costs no multiplication.
    /// </summary>
    SummedMasks,

    /// <summary>
    /// r' = sum of 2^i b_i over m jointly random bits (each the XOR of t + 1 parties' bits): error at most one
    /// unit, at the price of about m multiplications per truncated element.
    /// </summary>
    RandomBits,
}
