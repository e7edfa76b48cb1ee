using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>
/// Party 0 of the computation deals, with no messages: every other party derives its shares from the PRG it shares
/// with party 0, and party 0 draws its free shares and takes the corrections. Party 0 sees every opening as well, so
/// it can unmask every input: only for tests and for parties that are one trust domain.
/// </summary>
internal sealed class PartyZeroDealing(Session session) : IDealing
{
    public string Dealer => "party 0";

    public DealtMasks Masks { get; } = new();

    public ValueTask<Z2k[][]> DealAsync(DealRequest request, DealRecipe recipe, CancellationToken ct)
    {
        var tag = new Mpc.Net.StreamTag(request.Tag);
        var mine = DealerArithmetic.Allocate(recipe.All);
        if (session.PartyId != 0)
        {
            using var prg = session.SharedPrg(0, tag);
            foreach (var vector in mine) prg.Fill<Z2k>(vector);
            return ValueTask.FromResult(mine);
        }

        var sums = DealerArithmetic.Allocate(recipe.All);
        for (int i = 0; i < recipe.Free.Length; i++)
        {
            session.Random.Fill<Z2k>(mine[i]);
            mine[i].CopyTo(sums[i], 0);
        }
        for (int p = 1; p < session.PartyCount; p++)
        {
            using var prg = session.SharedPrg(p, tag);
            DealerArithmetic.AddStream(prg, recipe, sums, sums.Length);
        }
        var corrections = DealerArithmetic.Corrections(recipe, sums);
        for (int j = 0; j < corrections.Length; j++) mine[recipe.Free.Length + j] = corrections[j];
        return ValueTask.FromResult(mine);
    }
}
