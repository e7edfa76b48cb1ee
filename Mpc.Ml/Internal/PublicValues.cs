using System.Text;
using Mpc.Core.Arithmetic;
using Mpc.Core.Text;
using Mpc.Protocols;

namespace Mpc.Ml.Internal;

/// <summary>
/// Public values every party tells every other, through the suite: each inputs its own vector and all are opened
/// together. For agreeing on shapes and hashes, never for secrets.
/// </summary>
internal static class PublicValues
{
    /// <summary>Every party's <paramref name="mine"/>, by party id. Every party passes the same length.</summary>
    public static async ValueTask<long[][]> ExchangeAsync<T>(IArithmeticSuite<T> suite, long[] mine, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int parties = suite.Session.PartyCount, me = suite.Session.PartyId, length = mine.Length;
        var encoded = mine.Select(T.FromInt64).ToArray();
        // Started together: each input takes its tag before its first await.
        var inputs = new ValueTask<SharedVector<T>>[parties];
        for (int p = 0; p < parties; p++) inputs[p] = suite.InputAsync(p, p == me ? encoded : ReadOnlyMemory<T>.Empty, length, ct);
        var all = new SharedVector<T>[parties];
        for (int p = 0; p < parties; p++) all[p] = await inputs[p].ConfigureAwait(false);
        var opened = await suite.OpenAsync(SharedVector<T>.Concat(all), ct).ConfigureAwait(false);
        var result = new long[parties][];
        for (int p = 0; p < parties; p++)
            result[p] = opened.AsSpan(p * length, length).ToArray().Select(v => (long)T.ToSignedInt128(v)).ToArray();
        return result;
    }

    /// <summary>The most UTF-8 bytes of text one party may send in <see cref="ExchangeLinesAsync"/>.</summary>
    public const int MaxTextBytes = 1 << 20;

    /// <summary>
    /// Every party's lines of text, by party id (two exchanges: lengths, then UTF-8 bytes). Every line, this party's
    /// included, comes back escaped and cut as <see cref="PeerText"/> does, so all parties hold the same lists and none
    /// holds a line a terminal would obey.
    /// </summary>
    /// <exception cref="Data.DataException">A party announced more than <see cref="MaxTextBytes"/>.</exception>
    public static async ValueTask<string[][]> ExchangeLinesAsync<T>(IArithmeticSuite<T> suite, IReadOnlyList<string> mine,
        CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', mine));
        if (bytes.Length > MaxTextBytes)
            throw new Data.DataException($"this party's text has {bytes.Length} bytes, more than the {MaxTextBytes} a party may send.",
                suite.Session.PartyId);
        var lengths = await ExchangeAsync(suite, [bytes.Length, mine.Count], ct).ConfigureAwait(false);
        for (int p = 0; p < lengths.Length; p++)
            if (lengths[p][0] is < 0 or > MaxTextBytes)
                throw new Data.DataException(
                    $"the party announced {lengths[p][0]} bytes of text, outside the 0..{MaxTextBytes} a party may send.", p);
        int longest = (int)lengths.Max(l => l[0]);
        var padded = new long[longest];
        for (int i = 0; i < bytes.Length; i++) padded[i] = bytes[i];
        var all = await ExchangeAsync(suite, padded, ct).ConfigureAwait(false);
        return all.Select((values, p) => lengths[p][1] == 0
            ? []
            : Encoding.UTF8.GetString(values.Take((int)lengths[p][0]).Select(v => (byte)v).ToArray())
                .Split('\n').Select(line => PeerText.Escape(line)).ToArray()).ToArray();
    }

    /// <summary>The parties whose value differs from the most common one (ties: from party 0's).</summary>
    public static int[] Dissenters<TValue>(IReadOnlyList<TValue> values) where TValue : notnull
    {
        var counts = values.GroupBy(v => v).Select(g => (Value: g.Key, Count: g.Count())).ToList();
        int best = counts.Max(c => c.Count);
        var winners = counts.Where(c => c.Count == best).Select(c => c.Value).ToList();
        var majority = winners.Count == 1 ? winners[0] : values[0];
        return Enumerable.Range(0, values.Count).Where(p => !EqualityComparer<TValue>.Default.Equals(values[p], majority)).ToArray();
    }
}
