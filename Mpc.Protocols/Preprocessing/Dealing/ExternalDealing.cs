using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>
/// A computing party's side of an external dealer (<see cref="DealerService"/>). A dealing's ordinal is how many of the
/// same shape came before it (every party counts alike, starting operations in the same order), and every party derives
/// its shares from the PRG it shares with the dealer keyed by the shape and the ordinal, except party 0's dependent
/// shares, which the dealer computes and sends in answer to party 0's request (<see cref="DealerLink"/>). Party 0 sends
/// shapes only; the dealer never receives a value.
/// </summary>
internal sealed class ExternalDealing(DealerLink link) : IDealing
{
    private readonly Dictionary<DealRequest, ulong> _next = [];
    private readonly DealtMasks _unused = new(); // a computing party never computes a recipe

    public string Dealer => $"the dealer (id {link.DealerId})";

    public (ulong Ordinal, ValueTask<Z2k[][]> Shares) Deal(DealRequest shape, CancellationToken ct)
    {
        ulong ordinal;
        lock (_next)
        {
            _next.TryGetValue(shape, out ordinal);
            _next[shape] = ordinal + 1;
        }
        var request = shape.WithOrdinal(ordinal);
        var recipe = DealRecipe.For(request, _unused);
        var answer = link.PartyId == 0 ? link.Ask(request, recipe) : null;
        return (ordinal, FillAsync(request, recipe, answer));
    }

    private async ValueTask<Z2k[][]> FillAsync(DealRequest request, DealRecipe recipe, Task<Z2k[]>? answer)
    {
        var mine = DealerArithmetic.Allocate(recipe.All);
        int free = recipe.Free.Length;
        using (var prg = link.Prg(request))
            for (int i = 0; i < (answer is null ? mine.Length : free); i++) prg.Fill<Z2k>(mine[i]);
        if (answer is null) return mine;
        var corrections = await answer.ConfigureAwait(false);
        int offset = 0;
        for (int j = 0; j < recipe.Dependent.Length; j++)
        {
            corrections.AsSpan(offset, mine[free + j].Length).CopyTo(mine[free + j]);
            offset += mine[free + j].Length;
        }
        return mine;
    }
}
