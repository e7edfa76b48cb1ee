using System.Text;
using Mpc.Core;
using Mpc.Net;

namespace Mpc.Protocols.SetIntersection;

/// <summary>What every PSI does first: check this party's ids and tell every party every set's size.</summary>
internal static class PsiInputs
{
    /// <summary>
    /// The UTF-8 bytes of <paramref name="ids"/> and every party's set size, exchanged even when an id is unusable so
    /// that every party stops with an error instead of waiting.
    /// </summary>
    /// <exception cref="InvalidIdException">One of this party's ids is unusable.</exception>
    /// <exception cref="MpcException">Another party's ids are unusable, or a party has none.</exception>
    public static async Task<(byte[][] Encoded, long[] Sizes)> PrepareAsync(Session session, IReadOnlyList<string> ids, int maxIdBytes,
        CancellationToken ct)
    {
        var (encoded, problem) = Encode(ids, maxIdBytes);
        var sizes = new long[session.PartyCount];
        await session.Network.ExchangeWithAllAsync<long>(session.NextTag(), new[] { problem is null ? ids.Count : -1L }, sizes, ct)
            .ConfigureAwait(false);
        if (problem is not null) throw problem;
        for (int p = 0; p < sizes.Length; p++)
        {
            if (sizes[p] < 0) throw new MpcException($"Party {p} has an id it cannot use (its own error says which); no intersection.");
            if (sizes[p] == 0) throw new MpcException($"Party {p} has no ids; the intersection would be empty.");
        }
        return (encoded, sizes);
    }

    // UTF-8 bytes of each id, or the first problem with one.
    private static (byte[][] Encoded, InvalidIdException? Problem) Encode(IReadOnlyList<string> ids, int maxIdBytes)
    {
        var encoded = new byte[ids.Count][];
        var seen = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (int i = 0; i < ids.Count; i++)
        {
            string id = ids[i];
            if (string.IsNullOrEmpty(id)) return (encoded, new InvalidIdException(i, "the id is empty"));
            try
            {
                encoded[i] = strict.GetBytes(id);
            }
            catch (EncoderFallbackException)
            {
                return (encoded, new InvalidIdException(i, "the id is not valid Unicode text (a lone surrogate)"));
            }
            if (encoded[i].Length > maxIdBytes)
                return (encoded, new InvalidIdException(i, $"the id has {encoded[i].Length} UTF-8 bytes, more than {maxIdBytes}"));
            if (!seen.TryAdd(id, i)) return (encoded, new InvalidIdException(i, $"the id repeats the one of row {seen[id]}"));
        }
        return (encoded, null);
    }
}
