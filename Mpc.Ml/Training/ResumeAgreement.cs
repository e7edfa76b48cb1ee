using Mpc.Core.Arithmetic;
using Mpc.Ml.Internal;
using Mpc.Protocols;

namespace Mpc.Ml.Training;

/// <summary>
/// Agrees on the epoch every party resumes from: the latest epoch of which every party holds a checkpoint. A party
/// killed mid-run may lack the checkpoint the others wrote last (they finish an epoch before it does), which is why
/// parties keep the previous checkpoint too.
/// </summary>
/// <remarks>
/// One exchange of public values (<see cref="MaxEpochs"/> epochs and N fingerprints per party), run by every party
/// whether it resumes or starts fresh, so both kinds of run number their later operations alike. Every party sees
/// every announcement and so fails, when it fails, with the same message.
/// </remarks>
public static class ResumeAgreement
{
    /// <summary>How many of its latest checkpoint epochs a party announces.</summary>
    public const int MaxEpochs = 8;

    /// <summary>The epoch to resume from, or null when the parties start fresh.</summary>
    /// <exception cref="ResumeException">Some parties resume and some do not; a party has no checkpoint; two parties'
    /// checkpoints come from different runs; or no epoch is common to all.</exception>
    public static async ValueTask<int?> AgreeAsync<T>(IArithmeticSuite<T> suite, ResumeAnnouncement mine, CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        int n = suite.Session.PartyCount;
        if (mine.PairFingerprints.Count != n) throw new ArgumentException($"Expected {n} fingerprints.", nameof(mine));
        var latest = mine.Epochs.OrderDescending().Take(MaxEpochs).ToArray();
        var values = new long[1 + MaxEpochs + n];
        values[0] = mine.Resume ? 1 : 0;
        for (int i = 0; i < MaxEpochs; i++) values[1 + i] = i < latest.Length ? latest[i] : -1;
        for (int p = 0; p < n; p++) values[1 + MaxEpochs + p] = mine.PairFingerprints[p];
        var all = await PublicValues.ExchangeAsync(suite, values, ct).ConfigureAwait(false);

        var resuming = Enumerable.Range(0, n).Where(p => all[p][0] == 1).ToArray();
        if (resuming.Length == 0) return null;
        if (resuming.Length < n)
        {
            int without = Enumerable.Range(0, n).First(p => all[p][0] != 1);
            throw new ResumeException(
                $"party {resuming[0]} was started with --resume and party {without} without; start every party alike.");
        }

        var epochs = all.Select(a => a.Skip(1).Take(MaxEpochs).Where(e => e >= 0).Select(e => (int)e).ToHashSet()).ToArray();
        var empty = Enumerable.Range(0, n).Where(p => epochs[p].Count == 0).ToArray();
        if (empty.Length > 0)
            throw new ResumeException($"cannot resume: {string.Join(", ", empty.Select(p => $"party {p}"))} " +
                $"{(empty.Length == 1 ? "has" : "have")} no checkpoint (start without --resume to train from scratch).");

        for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++)
                if (all[p][1 + MaxEpochs + q] != all[q][1 + MaxEpochs + p])
                    throw new ResumeException($"cannot resume: the checkpoints of party {p} and party {q} come from different runs " +
                        "(the keys they share differ).");

        var common = epochs.Skip(1).Aggregate(new HashSet<int>(epochs[0]), (set, next) => { set.IntersectWith(next); return set; });
        if (common.Count == 0)
            throw new ResumeException("cannot resume: no epoch of which every party has a checkpoint (" +
                string.Join("; ", Enumerable.Range(0, n).Select(p => $"party {p} has {string.Join(", ", epochs[p].Order())}")) + ").");
        return common.Max();
    }
}
