namespace Mpc.Protocols;

/// <summary>
/// The families of traffic that share one link. Each has its own tag counter, so a preprocessing
/// stream running beside the online phase can never take an online tag.
/// </summary>
public enum ProtocolChannel : byte
{
    /// <summary>Session set-up (pairwise seeds).</summary>
    Setup = 0,
    /// <summary>The online phase: inputs, openings, multiplications.</summary>
    Online = 1,
    /// <summary>Producing triples, truncation pairs and random bits.</summary>
    Preprocessing = 2,
    /// <summary>Oblivious transfer and its extension.</summary>
    ObliviousTransfer = 3,
    /// <summary>Garbled circuits.</summary>
    Garbling = 4,
    /// <summary>A computing party's link to an external dealer: its seed, and party 0's requests.</summary>
    Dealer = 5,
    /// <summary>
    /// Comparisons that run beside the online phase (the Shamir suite's): their own counter, so that their tags follow
    /// the program order of comparisons whatever the order in which they and the online operations beside them go.
    /// </summary>
    Comparison = 6,
}
