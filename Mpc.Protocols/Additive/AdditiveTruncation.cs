namespace Mpc.Protocols.Additive;

/// <summary>How the additive suite divides by a power of two.</summary>
public enum AdditiveTruncation
{
    /// <summary>
    /// Open x + r against a preprocessed mask whose top bit is shared, and correct the wrap-around exactly
    /// (after Escudero, Ghosh, Keller, Rachuri and Scholl, CRYPTO 2020, section 5). Any N, one round,
    /// error at most one unit in the last place, never a large error. The default.
    /// </summary>
    MaskedWithWrapCorrection,

    /// <summary>
    /// SecureML's local truncation (Mohassel and Zhang 2017): two parties only, no communication. Each
    /// element is off by more than one unit with probability about 2^(l+1-64) for |x| &lt; 2^l, so a long
    /// training run can hit a huge error; use it only where that risk is acceptable.
    /// </summary>
    SecureMlLocal,
}
