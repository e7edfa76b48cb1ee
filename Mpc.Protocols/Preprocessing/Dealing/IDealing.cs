using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>How a <see cref="DealerPreprocessing"/> gets this party's shares of one dealing.</summary>
internal interface IDealing
{
    /// <summary>Who deals, for reports: "party 0" or "dealer (id 3)".</summary>
    string Dealer { get; }

    /// <summary>
    /// One dealing of <paramref name="shape"/> (its ordinal unset): the ordinal it is dealt under, assigned now,
    /// synchronously (so parties that start operations in the same order agree), and my shares of its free vectors,
    /// then of its dependent ones.
    /// </summary>
    (ulong Ordinal, ValueTask<Z2k[][]> Shares) Deal(DealRequest shape, CancellationToken ct);
}

/// <summary>The arithmetic every dealer does: sum the shares parties derive, then correct one party's dependent shares.</summary>
internal static class DealerArithmetic
{
    /// <summary>Fresh vectors of <paramref name="shapes"/>.</summary>
    public static Z2k[][] Allocate(IEnumerable<VectorShape> shapes) => shapes.Select(v => new Z2k[v.Length]).ToArray();

    /// <summary>
    /// Adds (or XORs) the next <paramref name="count"/> vectors of <paramref name="prg"/>'s stream into <paramref name="sums"/>.
    /// </summary>
    public static void AddStream(Mpc.Core.Random.AesCtrPrg prg, DealRecipe recipe, Z2k[][] sums, int count)
    {
        var shapes = recipe.All;
        int longest = shapes.Take(count).Select(v => v.Length).DefaultIfEmpty(0).Max();
        var scratch = System.Buffers.ArrayPool<Z2k>.Shared.Rent(longest);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var derived = scratch.AsSpan(0, shapes[i].Length);
                prg.Fill<Z2k>(derived);
                Combine(sums[i], derived, shapes[i].Xor);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<Z2k>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// From the full free values (the first vectors of <paramref name="sums"/>) and the sum of every other party's
    /// dependent shares (the rest), the one missing dependent share each: full value minus (or XOR) the others' sum.
    /// </summary>
    /// <remarks>The corrections overwrite the others' sums in <paramref name="sums"/>, which are returned.</remarks>
    public static Z2k[][] Corrections(DealRecipe recipe, Z2k[][] sums)
    {
        int free = recipe.Free.Length;
        var full = recipe.Compute(sums[..free]);
        var corrections = sums[free..];
        for (int j = 0; j < corrections.Length; j++)
        {
            if (recipe.Dependent[j].Xor) Xor(corrections[j], full[j]);
            else VectorMath.Subtract<Z2k>(full[j], corrections[j], corrections[j]);
        }
        return corrections;
    }

    private static void Combine(Span<Z2k> sum, ReadOnlySpan<Z2k> value, bool xor)
    {
        if (!xor) VectorMath.Add<Z2k>(sum, value, sum);
        else Xor(sum, value);
    }

    private static void Xor(Span<Z2k> sum, ReadOnlySpan<Z2k> value)
    {
        var s = System.Runtime.InteropServices.MemoryMarshal.Cast<Z2k, ulong>(sum);
        var v = System.Runtime.InteropServices.MemoryMarshal.Cast<Z2k, ulong>(value);
        int k = 0;
        for (; k + System.Numerics.Vector<ulong>.Count <= s.Length; k += System.Numerics.Vector<ulong>.Count)
            (new System.Numerics.Vector<ulong>(s[k..]) ^ new System.Numerics.Vector<ulong>(v[k..])).CopyTo(s[k..]);
        for (; k < s.Length; k++) s[k] ^= v[k];
    }
}
