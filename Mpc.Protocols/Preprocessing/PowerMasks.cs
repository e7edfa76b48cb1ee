using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// My shares of <see cref="Count"/> masks rho, uniform in Z_2^64, with their powers rho^2 .. rho^Degree: block k - 1
/// (of <see cref="Count"/> elements) holds rho^k. Opening x + rho once then gives every power of x by the binomial
/// theorem, as linear combinations of these shares. Used once.
/// </summary>
public sealed record PowerMasks(Z2k[] Powers, int Count, int Degree)
{
    /// <summary>My shares of rho^k for k in 1..<see cref="Degree"/>.</summary>
    public ReadOnlySpan<Z2k> Power(int k) => Powers.AsSpan((k - 1) * Count, Count);
}

/// <summary>
/// My shares of truncation masks (<see cref="TruncationMasks"/>: r, its top bit T and L = (r mod 2^63) &gt;&gt; Bits) with
/// the powers L^j (j = 1..Degree, block j - 1 of <see cref="LowPowers"/>) and T L^j (j = 0..Degree - 1, block j of
/// <see cref="TopTimesLowPowers"/>; block 0 is T). Opening x + r once then gives every power of the truncated x: the
/// truncation is A + B T - L for public A and B, and T is a bit, so (A + B T - L)^k = (A - L)^k + T((A + B - L)^k -
/// (A - L)^k), linear in these shares. Used once.
/// </summary>
public sealed record TruncationPowerMasks(TruncationMasks Masks, Z2k[] LowPowers, Z2k[] TopTimesLowPowers, int Degree)
{
    /// <summary>The number of masks.</summary>
    public int Count => Masks.Count;
}
