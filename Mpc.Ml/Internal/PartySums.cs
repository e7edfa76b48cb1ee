using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Ml.Internal;

/// <summary>The shared sum over every party of one vector each (all of one length): what each adds is hidden in it.</summary>
internal static class PartySums
{
    /// <summary>Every party inputs <paramref name="mine"/> (inputs started together); their sum, not opened.</summary>
    public static async ValueTask<SharedVector<T>> InputAndAddAsync<T>(IArithmeticSuite<T> suite, T[] mine, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int parties = suite.Session.PartyCount, me = suite.Session.PartyId;
        var inputs = new ValueTask<SharedVector<T>>[parties];
        for (int p = 0; p < parties; p++) inputs[p] = suite.InputAsync(p, p == me ? mine : ReadOnlyMemory<T>.Empty, mine.Length, ct);
        var total = await inputs[0].ConfigureAwait(false);
        for (int p = 1; p < parties; p++) total = suite.Add(total, await inputs[p].ConfigureAwait(false));
        return total;
    }
}
