namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// My XOR shares of packed AND tuples of fan-in <see cref="FanIn"/>: random masks a_1..a_k and the AND of every subset
/// of them, for 64 gates per word. With them, one opening of the masked inputs x_i XOR a_i gives the AND of all k
/// inputs: AND x_i = XOR over subsets S of (AND of the opened d_i outside S) AND a_S. Fan-in 2 is a Beaver triple.
/// Used once.
/// </summary>
/// <param name="FanIn">Inputs per gate, 2 to 8.</param>
/// <param name="Words">64-gate words.</param>
/// <param name="Shares">For every non-empty subset, by its bit mask s = 1 .. 2^k - 1 (bit i for input i),
/// <see cref="Words"/> words at (s - 1) * Words.</param>
public sealed record BinaryAndTuples(int FanIn, int Words, ulong[] Shares)
{
    /// <summary>My shares of the AND of the masks in subset <paramref name="mask"/>.</summary>
    public ReadOnlySpan<ulong> Subset(int mask) => Shares.AsSpan((mask - 1) * Words, Words);

    /// <summary>Word <paramref name="word"/> of subset <paramref name="mask"/>.</summary>
    public ulong this[int mask, int word] => Shares[(mask - 1) * Words + word];
}
