using Mpc.Core.Circuits;

namespace Mpc.Protocols.Garbling;

/// <summary>The circuits of <see cref="YaoBridge"/>, over n values packed into one input of n · w bits.</summary>
internal static class ConversionCircuits
{
    public const int RingBits = 64;

    /// <summary>Inputs a, b (n × 64 bits); output a + b mod 2^64 per element (63 ANDs each).</summary>
    public static Circuit AddShares(int n)
    {
        var builder = new CircuitBuilder();
        Wire[] a = builder.Input(n * RingBits), b = builder.Input(n * RingBits);
        var sum = new Wire[n * RingBits];
        for (int e = 0; e < n; e++)
        {
            builder.Add(a.AsSpan(e * RingBits, RingBits), b.AsSpan(e * RingBits, RingBits)).CopyTo(sum, e * RingBits);
        }
        builder.Output(sum);
        return builder.Build();
    }

    /// <summary>Inputs v (n × w bits, zero-extended to 64), r (n × 64 bits); output v - r mod 2^64 per element.</summary>
    public static Circuit SubtractMask(int n, int width)
    {
        var builder = new CircuitBuilder();
        Wire[] v = builder.Input(n * width), r = builder.Input(n * RingBits);
        builder.Output(MaskedDifference(builder, v, width, r, n));
        return builder.Build();
    }

    /// <summary>
    /// Inputs a (n × bits), b (n × bits), r (n × 64 bits): per element, s = bit (bits - 1) of a + b (the sign of an
    /// element in [-2^(bits-1), 2^(bits-1))), output s - r mod 2^64. bits - 1 ANDs for the sign plus 63 for the mask.
    /// </summary>
    public static Circuit SignMasked(int n, int bits)
    {
        var builder = new CircuitBuilder();
        Wire[] a = builder.Input(n * bits), b = builder.Input(n * bits), r = builder.Input(n * RingBits);
        var sign = new Wire[n];
        for (int e = 0; e < n; e++)
        {
            sign[e] = builder.Add(a.AsSpan(e * bits, bits), b.AsSpan(e * bits, bits))[bits - 1];
        }
        builder.Output(MaskedDifference(builder, sign, 1, r, n));
        return builder.Build();
    }

    private static Wire[] MaskedDifference(CircuitBuilder builder, Wire[] v, int width, Wire[] r, int n)
    {
        var result = new Wire[n * RingBits];
        var wide = new Wire[RingBits];
        for (int e = 0; e < n; e++)
        {
            for (int i = 0; i < RingBits; i++) wide[i] = i < width ? v[e * width + i] : builder.Zero;
            builder.Subtract(wide, r.AsSpan(e * RingBits, RingBits)).CopyTo(result, e * RingBits);
        }
        return result;
    }
}
