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
