using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>How a <see cref="DealerPreprocessing"/> gets this party's shares of one dealing.</summary>
internal interface IDealing
{
    /// <summary>Who deals, for reports: "party 0" or "dealer (id 3)".</summary>
    string Dealer { get; }

    /// <summary>The masks this party dealt (only a dealer that is also a computing party keeps any).</summary>
    DealtMasks Masks { get; }

    /// <summary>My shares of <paramref name="recipe"/>'s free vectors, then of its dependent ones.</summary>
    ValueTask<Z2k[][]> DealAsync(DealRequest request, DealRecipe recipe, CancellationToken ct);
}

/// <summary>The arithmetic every dealer does: sum the shares parties derive, then correct one party's dependent shares.</summary>
internal static class DealerArithmetic
{
    /// <summary>Fresh vectors of <paramref name="shapes"/>.</summary>
    public static Z2k[][] Allocate(IEnumerable<VectorShape> shapes) => shapes.Select(v => new Z2k[v.Length]).ToArray();

    /// <summary>Adds (or XORs) the next <paramref name="count"/> vectors of <paramref name="prg"/>'s stream into <paramref name="sums"/>.</summary>
    public static void AddStream(Mpc.Core.Random.AesCtrPrg prg, DealRecipe recipe, Z2k[][] sums, int count)
    {
        var shapes = recipe.All.ToArray();
        for (int i = 0; i < count; i++)
        {
            var derived = GC.AllocateUninitializedArray<Z2k>(shapes[i].Length);
            prg.Fill<Z2k>(derived);
            Combine(sums[i], derived, shapes[i].Xor);
        }
    }

    /// <summary>
    /// From the full free values (the first vectors of <paramref name="sums"/>) and the sum of every other party's
    /// dependent shares (the rest), the one missing dependent share each: full value minus (or XOR) the others' sum.
    /// </summary>
    public static Z2k[][] Corrections(DealRecipe recipe, Z2k[][] sums)
    {
        int free = recipe.Free.Length;
        var full = recipe.Compute(sums[..free]);
        var corrections = new Z2k[recipe.Dependent.Length][];
        for (int j = 0; j < corrections.Length; j++)
        {
            var others = sums[free + j];
            var correction = corrections[j] = new Z2k[others.Length];
            if (recipe.Dependent[j].Xor)
                for (int k = 0; k < correction.Length; k++) correction[k] = new Z2k(full[j][k].Value ^ others[k].Value);
            else
                VectorMath.Subtract<Z2k>(full[j], others, correction);
        }
        return corrections;
    }

    private static void Combine(Z2k[] sum, Z2k[] value, bool xor)
    {
        if (!xor) VectorMath.Add<Z2k>(sum, value, sum);
        else for (int k = 0; k < sum.Length; k++) sum[k] = new Z2k(sum[k].Value ^ value[k].Value);
    }
}
