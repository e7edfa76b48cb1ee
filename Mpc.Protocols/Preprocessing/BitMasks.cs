using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// My shares of random masks r, uniform in Z_2^64, together with shares of r's low <see cref="BitCount"/>
/// bits (each a 0/1 ring element; bit i of mask e at e * BitCount + i). Used once, for comparisons.
/// </summary>
public sealed record BitMasks(Z2k[] R, Z2k[] Bits, int BitCount)
{
    /// <summary>The number of masks.</summary>
    public int Count => R.Length;
}
