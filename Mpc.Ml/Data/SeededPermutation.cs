using Mpc.Core.Random;

namespace Mpc.Ml.Data;

/// <summary>Permutations from a public seed (Fisher-Yates over an AES-CTR PRG), identical at every party.</summary>
public static class SeededPermutation
{
    /// <summary>A uniform permutation of 0..<paramref name="count"/>-1 determined by <paramref name="seed"/>.</summary>
    public static int[] Create(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var key = new byte[AesCtrPrg.SeedSize];
        BitConverter.TryWriteBytes(key, seed);
        "mlpermut"u8.CopyTo(key.AsSpan(8));
        using var prg = new AesCtrPrg(key);
        var order = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)Below(prg, (ulong)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>A seed for a sub-purpose (a party's own split, an epoch's batch order), derived deterministically.</summary>
    public static ulong Derive(ulong seed, ulong purpose) =>
        unchecked((seed ^ (purpose * 0x9E3779B97F4A7C15UL)) * 0xBF58476D1CE4E5B9UL + purpose);

    // Uniform below bound by rejection (no modulo bias).
    private static ulong Below(AesCtrPrg prg, ulong bound)
    {
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong v;
        do v = prg.NextUInt64(); while (v >= limit);
        return v % bound;
    }
}
