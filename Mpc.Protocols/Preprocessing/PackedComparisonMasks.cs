using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// My shares of <see cref="Count"/> comparison masks: r uniform in Z_2^64 (additive shares), bits 0..BitCount-1 of
/// each r as XOR shares packed bit-sliced (bit i of mask e is bit e % 64 of word i * Words + e / 64), and one random
/// conversion bit per mask in both forms (packed XOR shares and additive shares of the same bit), which turns an
/// XOR-shared result into an additive one with a single opening. Used once.
/// </summary>
public sealed record PackedComparisonMasks(Z2k[] R, ulong[] Bits, ulong[] ConversionBits, Z2k[] ConversionValues, int BitCount)
{
    /// <summary>Where asked for: my shares of a uniform beta per mask, which masks the value the result is multiplied by.</summary>
    public Z2k[]? ProductMasks { get; init; }

    /// <summary>Where asked for: my shares of rho beta, rho the conversion bit (as a ring value).</summary>
    public Z2k[]? ConversionProducts { get; init; }

    /// <summary>The number of masks.</summary>
    public int Count => R.Length;

    /// <summary>64-bit words per packed bit position: ceil(Count / 64).</summary>
    public int Words => (Count + 63) >> 6;
}
