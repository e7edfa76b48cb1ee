using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Ml.Data;

/// <summary>
/// The set of class labels over every party's rows, learned without learning who holds which: each party inputs a 0/1
/// presence flag for every possible class (0 to <see cref="CsvColumns.MaxClass"/>), the flags are added, and only
/// [total &gt; 0] is opened for each class. So the union of the parties' label sets is revealed (what a multiclass model
/// publishes anyway, as its outputs), not which party holds a class nor how many rows it has.
/// </summary>
/// <remarks>Rounds: the inputs (additive none, others one) and one comparison of 256 elements, then one opening.</remarks>
public static class ClassDiscovery
{
    /// <summary>The classes present at any party, ascending. A party without labels (vertical, not the owner) offers none.</summary>
    public static async ValueTask<int[]> DiscoverAsync<T>(IArithmeticSuite<T> suite, PartyTable mine, CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        const int candidates = CsvColumns.MaxClass + 1;
        var present = new T[candidates];
        if (mine.Labels is { } labels)
            foreach (double label in labels)
            {
                if (!(label >= 0 && label < candidates && label == Math.Floor(label)))
                    throw new DataException($"a class label must be a whole number from 0 to {CsvColumns.MaxClass}.",
                        suite.Session.PartyId, mine.Source, column: mine.LabelName);
                present[(int)label] = T.One;
            }
        var total = await Internal.PartySums.InputAndAddAsync(suite, present, ct).ConfigureAwait(false);
        // -total < 0 exactly where some party holds the class (totals are at most N, far inside the comparison's range).
        var held = await suite.LessThanZeroAsync(suite.Scale(total, T.Zero - T.One), ct: ct).ConfigureAwait(false);
        var opened = await suite.OpenAsync(held, ct).ConfigureAwait(false);
        return [.. Enumerable.Range(0, candidates).Where(c => opened[c] != T.Zero)];
    }
}
