using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>
/// A computing party's side of an external dealer (<see cref="DealerService"/>): every party derives its shares of a
/// dealing from the PRG it shares with the dealer, except party 0's dependent shares, which the dealer computes and
/// sends in answer to party 0's request. Party 0 sends shapes only; the dealer never receives a value.
/// </summary>
internal sealed class ExternalDealing(DealerLink link) : IDealing
{
    public string Dealer => $"the dealer (id {link.DealerId})";

    public DealtMasks Masks { get; } = new();

    public async ValueTask<Z2k[][]> DealAsync(DealRequest request, DealRecipe recipe, CancellationToken ct)
    {
        var mine = DealerArithmetic.Allocate(recipe.All);
        int free = recipe.Free.Length;
        var answer = link.PartyId == 0 ? link.RequestAsync(request, recipe, ct) : null;
        using (var prg = link.Prg(request.Tag))
            for (int i = 0; i < (answer is null ? mine.Length : free); i++) prg.Fill<Z2k>(mine[i]);
        if (answer is not null)
        {
            var corrections = await answer.ConfigureAwait(false);
            int offset = 0;
            for (int j = 0; j < recipe.Dependent.Length; j++)
            {
                corrections.AsSpan(offset, mine[free + j].Length).CopyTo(mine[free + j]);
                offset += mine[free + j].Length;
            }
        }
        return mine;
    }
}
