namespace Mpc.Protocols.Replicated;

/// <summary>How the replicated suite truncates (alone, or fused with a product). Both: error at most one unit, never a large one.</summary>
public enum ReplicatedTruncation
{
    /// <summary>
    /// Two rounds online and nothing made ahead: a rotating helper masks the value for the other two. The least
    /// computation and traffic, so the faster where rounds are cheap (one machine, a LAN).
    /// </summary>
    TwoRounds,

    /// <summary>
    /// One round online, with masks the three parties make ahead in batches (nine rounds and about 40 words per mask
    /// per party, once per batch of up to 2^16): the faster where round trips are long (a WAN).
    /// </summary>
    OneRound,
}
