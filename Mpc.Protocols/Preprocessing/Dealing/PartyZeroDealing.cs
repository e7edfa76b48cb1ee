using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>
/// Party 0 of the computation deals, with no messages: every other party derives its shares from the PRG it shares
/// with party 0 (keyed by the dealing's preprocessing tag, its ordinal), and party 0 draws its free shares and takes the
/// corrections. Party 0 sees every opening as well, so it can unmask every input: only for tests and for parties that
/// are one trust domain.
/// </summary>
internal sealed class PartyZeroDealing(Session session) : IDealing
{
    private readonly DealtMasks _masks = new();

    public string Dealer => "party 0";

    public (ulong Ordinal, ValueTask<Z2k[][]> Shares) Deal(DealRequest shape, CancellationToken ct)
    {
        var tag = session.NextTag(ProtocolChannel.Preprocessing);
        var request = shape.WithOrdinal(tag.Value);
        return (tag.Value, ValueTask.FromResult(Deal(DealRecipe.For(request, _masks), tag)));
    }

    private Z2k[][] Deal(DealRecipe recipe, Mpc.Net.StreamTag tag)
    {
        var mine = DealerArithmetic.Allocate(recipe.All);
        if (session.PartyId != 0)
        {
            using var prg = session.SharedPrg(0, tag);
            foreach (var vector in mine) prg.Fill<Z2k>(vector);
            return mine;
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
        return mine;
    }
}
