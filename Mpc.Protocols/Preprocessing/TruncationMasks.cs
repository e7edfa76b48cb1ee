using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// My shares of random masks for truncation in Z_2^64: r uniform, its top bit r_msb (as a ring element),
/// and (r mod 2^63) >> Bits. Each mask is used once.
/// </summary>
public sealed record TruncationMasks(Z2k[] R, Z2k[] TopBit, Z2k[] LowShifted, int Bits)
{
    /// <summary>The number of masks.</summary>
    public int Count => R.Length;
}
