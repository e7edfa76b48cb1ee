using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Core.Sharing;
using Mpc.Net;

namespace Mpc.Protocols.Malicious;

public sealed partial class MaliciousShamirSuite<T>
{
    private const int DigestBytes = 32;

    // With N = 2t + 1 the t + 1 honest shares always lie on one degree-t polynomial: nothing for a degree check to find.
    private bool DegreeCheck => _session.PartyCount > 2 * Threshold + 1;

    /// <summary>
    /// Checks every product and input made since the last check, that every party received the same masked inputs, and
    /// that the squares opened for random bits are the squares of their random values; throws
    /// <see cref="CheatingDetectedException"/> if anything was tampered with. Three rounds: a coin toss (beside the
    /// digests of the masked inputs), the product [r][w] (beside the degree check when N &gt; 2t + 1), and the opening of
    /// [u] - [r][w], which must be zero; one more when squares are to be confirmed (the reduction of their combination,
    /// before w). <see cref="OpenAsync"/> and <see cref="OpenToAsync"/> call it first; call it yourself to bound the
    /// memory the unchecked sharings hold.
    /// </summary>
    public async ValueTask VerifyAsync(CancellationToken ct = default)
    {
        var (pending, broadcasts, squares) = (_pending, _broadcasts, _squares);
        if (pending.Count == 0 && broadcasts.Count == 0 && squares.Count == 0) return; // alike everywhere: program order
        (_pending, _broadcasts, _squares) = ([], [], []);
        long count = Unchecked;
        Unchecked = 0;

        // Every tag now, in program order.
        var randoms = _engine.RandomsAsync(2, ct).AsTask(); // the coin, and the degree check's mask
        var coinTag = _session.NextTag();
        var digestTag = _session.NextTag();
        var seed = CoinsAsync(pending, broadcasts, squares, randoms, coinTag, digestTag, ct);
        bool confirmSquares = squares.Count > 0;
        var sums = confirmSquares ? SquareTerms(squares, seed) : null;
        var sum = confirmSquares ? _engine.ReduceAsync(Element(sums!, mac: false), ct).AsTask() : null;
        var sumMac = confirmSquares ? _engine.ReduceAsync(Element(sums!, mac: true), ct, beside: true).AsTask() : null;
        var degreeTag = _session.NextTag();
        var zeroTag = _session.NextTag();
        var squaresTag = _session.NextTag();
        var combination = CombineAsync(pending, sum, sumMac, randoms, seed);
        var keyTimesW = _engine.ReduceAsync(KeyTimesAsync(combination), ct, beside: DegreeCheck).AsTask(); // beside the degree check

        var (_, u, degree) = await combination.ConfigureAwait(false);
        var degreeOpening = DegreeCheck
            ? OpenCheckedAsync(new T[] { degree }, degreeTag, "the degree check", ct, IntegrityCheck.SharingConsistency).AsTask()
            : Task.FromResult<T[]>([]);
        var rw = await keyTimesW.ConfigureAwait(false);
        await degreeOpening.ConfigureAwait(false);

        // The zero opening, and beside it the squares' combination (a sum of random values' squares: nothing secret).
        var squaresOpening = confirmSquares
            ? OpenCheckedAsync(await sum!.ConfigureAwait(false), squaresTag, "the squares' check", ct, countRound: false).AsTask()
            : null;
        var zero = await OpenCheckedAsync(new T[] { u - rw[0] }, zeroTag, "the MAC check", ct).ConfigureAwait(false);
        if (zero[0] != T.Zero)
            throw new CheatingDetectedException(IntegrityCheck.MacCheck, null,
                $"a random combination of the {count} products and inputs since the last check does not match its MAC");
        if (squaresOpening is null) return;
        var opened = await squaresOpening.ConfigureAwait(false);
        var (_, _, expected) = await sums!.ConfigureAwait(false);
        if (opened[0] != expected)
            throw new CheatingDetectedException(IntegrityCheck.SquareCheck, null,
                "a random combination of the squares opened for random bits since the last check differs from the same " +
                "combination of their random values' squares");
    }

    private async ValueTask<T[]> KeyTimesAsync(Task<(T W, T U, T Degree)> combination)
    {
        var (w, _, _) = await combination.ConfigureAwait(false);
        return [w * _key]; // degree 2t, reduced by the caller
    }

    /// <summary>
    /// Waits until everything to check is fixed, then tosses the coins (one opening of a random sharing, beside the
    /// exchange of the masked inputs' digests): the seed of every coefficient of the check, which nobody knew while the
    /// sharings were being made.
    /// </summary>
    private async Task<byte[]> CoinsAsync(List<Task<(T[] Values, T[] Macs)>> pending, List<Task<T[]>> broadcasts,
        List<Task<(T[] A, T[] AMacs, T[] Squares)>> squares, Task<T[]> randoms, StreamTag coinTag, StreamTag digestTag,
        CancellationToken ct)
    {
        await Task.WhenAll(pending).ConfigureAwait(false);
        await Task.WhenAll(squares).ConfigureAwait(false);
        var masked = await Task.WhenAll(broadcasts).ConfigureAwait(false);
        var random = await randoms.ConfigureAwait(false);

        int n = _session.PartyCount;
        var digest = Digest(masked);
        var digests = new byte[n * DigestBytes];
        var exchange = Network.ExchangeWithAllAsync(digestTag, digest, digests, ct, countRound: false).AsTask();
        var coin = await OpenCheckedAsync(random.AsMemory(0, 1), coinTag, "the coin toss", ct).ConfigureAwait(false);
        await exchange.ConfigureAwait(false);
        CheckDigests(digest, digests, $"the {masked.Length} masked inputs since the last check");
        return SHA256.HashData(MemoryMarshal.AsBytes(coin.AsSpan()));
    }

    /// <summary>
    /// The squares' check, locally: with 64-bit coefficients g_i from the coins, my degree-2t shares of
    /// S = sum g_i a_i a_i and of its MAC sum g_i (r a_i) a_i, and the public sum g_i c_i of the opened squares, which S
    /// must equal. A wrong c_i makes them differ but with probability 2^-64; a wrong S would need a wrong MAC to match.
    /// </summary>
    private static async Task<(T S, T Mac, T Expected)> SquareTerms(List<Task<(T[] A, T[] AMacs, T[] Squares)>> claims,
        Task<byte[]> seed)
    {
        using var prg = AesCtrPrg.Derive(await seed.ConfigureAwait(false), "mpc-square-check"u8, []);
        T s = T.Zero, mac = T.Zero, expected = T.Zero;
        foreach (var claim in claims)
        {
            var (a, aMacs, squares) = await claim.ConfigureAwait(false);
            var g = new ulong[a.Length];
            prg.Fill<ulong>(g);
            var products = new T[a.Length];
            VectorMath.Multiply<T>(a, a, products);
            s += VectorMath.DotWords<T>(g, products);
            VectorMath.Multiply<T>(aMacs, a, products);
            mac += VectorMath.DotWords<T>(g, products);
            expected += VectorMath.DotWords<T>(g, squares);
        }
        return (s, mac, expected);
    }

    private static async ValueTask<T[]> Element(Task<(T S, T Mac, T Expected)> sums, bool mac)
    {
        var (s, m, _) = await sums.ConfigureAwait(false);
        return [mac ? m : s];
    }

    /// <summary>
    /// Forms w = sum a [z], u = sum a [r z] over every tracked pair and the squares' (S, its MAC), and, when
    /// N &gt; 2t + 1, the masked random combination for the degree check.
    /// </summary>
    private async Task<(T W, T U, T Degree)> CombineAsync(List<Task<(T[] Values, T[] Macs)>> pending, Task<T[]>? sum,
        Task<T[]>? sumMac, Task<T[]> randoms, Task<byte[]> seed)
    {
        var pairs = new List<(T[] Values, T[] Macs)>(await Task.WhenAll(pending).ConfigureAwait(false));
        if (sum is not null && sumMac is not null) pairs.Add((await sum.ConfigureAwait(false), await sumMac.ConfigureAwait(false)));
        var random = await randoms.ConfigureAwait(false);
        using var prg = AesCtrPrg.Derive(await seed.ConfigureAwait(false), "mpc-mac-check"u8, []);
        T w = T.Zero, u = T.Zero, degree = random[1];
        if (DegreeCheck) degree += prg.NextUniform<T>() * _key;
        var coefficients = new ulong[Math.Min(CoefficientChunk, pairs.Count == 0 ? 0 : pairs.Max(p => p.Values.Length))];
        foreach (var (values, macs) in pairs)
        {
            for (int start = 0; start < values.Length; start += CoefficientChunk)
            {
                int c = Math.Min(CoefficientChunk, values.Length - start);
                var a = coefficients.AsSpan(0, c);
                prg.Fill<ulong>(a);
                w += VectorMath.DotWords<T>(a, values.AsSpan(start, c));
                u += VectorMath.DotWords<T>(a, macs.AsSpan(start, c));
                if (!DegreeCheck) continue;
                prg.Fill<ulong>(a);
                degree += VectorMath.DotWords<T>(a, values.AsSpan(start, c));
                prg.Fill<ulong>(a);
                degree += VectorMath.DotWords<T>(a, macs.AsSpan(start, c));
            }
        }
        return (w, u, degree);
    }

    private const int CoefficientChunk = 1 << 14;

    /// <summary>
    /// Compares the digests of an opened result with every party's: one round. A party that got something else (or says
    /// so) stops everyone's release.
    /// </summary>
    private async ValueTask AgreeAsync(T[] opened, StreamTag tag, CancellationToken ct)
    {
        var digest = Digest([opened]);
        var digests = new byte[_session.PartyCount * DigestBytes];
        await Network.ExchangeWithAllAsync(tag, digest, digests, ct).ConfigureAwait(false);
        CheckDigests(digest, digests, "the opened result");
    }

    private void CheckDigests(byte[] mine, byte[] all, string what)
    {
        for (int p = 0; p < _session.PartyCount; p++)
        {
            if (p == Me || all.AsSpan(p * DigestBytes, DigestBytes).SequenceEqual(mine)) continue;
            throw new CheatingDetectedException(IntegrityCheck.BroadcastConsistency, null,
                $"party {p}'s digest of {what} differs from this party's: a sender told parties different things, " +
                $"or party {p} misreports");
        }
    }

    private static byte[] Digest(T[][] vectors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var vector in vectors)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, vector.Length);
            hash.AppendData(length);
            hash.AppendData(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// All-to-all opening of shares of degree t (or <paramref name="degree"/>'s), every share checked (a failure
    /// reported as <paramref name="check"/>): one round. Only an <paramref name="attributable"/> opening names a
    /// culprit (see <see cref="Reconstruct"/>).
    /// </summary>
    private async ValueTask<T[]> OpenCheckedAsync(ReadOnlyMemory<T> shares, StreamTag tag, string what, CancellationToken ct,
        IntegrityCheck check = IntegrityCheck.OpeningConsistency, bool attributable = false, ShamirScheme<T>? degree = null,
        bool countRound = true)
    {
        int n = _session.PartyCount, length = shares.Length;
        var all = new T[n * length];
        shares.CopyTo(all.AsMemory(Me * length, length));
        var pending = new List<Task>(2 * n);
        for (int p = 0; p < n; p++)
        {
            if (p == Me) continue;
            pending.Add(Network.ReceiveAsync<T>(p, tag, all.AsMemory(p * length, length), ct).AsTask());
            pending.Add(Network.SendAsync<T>(p, tag, Outgoing(SentMessage.OpeningShare, p, shares), ct).AsTask());
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        if (countRound) Network.CountRound();
        return Reconstruct(all, length, what, check, attributable, degree ?? _engine.Scheme);
    }

    /// <summary>Receives every other party's shares (an opening to me) and reconstructs them, checked. Counts no round.</summary>
    private async ValueTask<T[]> ReceiveAllAndReconstructAsync(T[] mine, StreamTag tag, string what, CancellationToken ct,
        bool attributable = false)
    {
        int n = _session.PartyCount, length = mine.Length;
        var all = new T[n * length];
        mine.CopyTo(all, Me * length);
        var receives = new List<Task>();
        for (int p = 0; p < n; p++)
            if (p != Me) receives.Add(Network.ReceiveAsync<T>(p, tag, all.AsMemory(p * length, length), ct).AsTask());
        await Task.WhenAll(receives).ConfigureAwait(false);
        return Reconstruct(all, length, what, IntegrityCheck.OpeningConsistency, attributable, _engine.Scheme);
    }

    /// <summary>
    /// The secrets of every party's shares (party-major in <paramref name="all"/>), after checking that each is a field
    /// element (a sender of anything else is named) and that they lie on one degree-t polynomial. When they do not, an
    /// <paramref name="attributable"/> opening names the party whose share is off every candidate polynomial: sound
    /// only for a sharing whose honest shares are known to agree, i.e. a value made from sharings a passed check has
    /// covered (an output opened right after <see cref="VerifyAsync"/>). Before that, a cheater may have dealt an honest
    /// party a share off the polynomial (a resharing, a masked input, a key of the pseudo-random sharing), and the share
    /// that disagrees may be that honest party's: nobody is named.
    /// </summary>
    private T[] Reconstruct(T[] all, int length, string what, IntegrityCheck check, bool attributable, ShamirScheme<T> scheme)
    {
        int n = _session.PartyCount;
        for (int p = 0; p < n; p++)
            if (p != Me) RequireElements(all.AsSpan(p * length, length), p, what);
        var result = new T[length];
        try
        {
            scheme.ReconstructChecked(_engine.AllParties, all, result);
            return result;
        }
        catch (ShareReconstructionException)
        {
            throw Inconsistent(all, length, what, check, attributable, scheme);
        }
    }

    private CheatingDetectedException Inconsistent(T[] all, int length, string what, IntegrityCheck check, bool attributable,
        ShamirScheme<T> scheme)
    {
        int n = _session.PartyCount;
        var column = new T[n];
        var one = new T[1];
        for (int e = 0; e < length; e++)
        {
            for (int p = 0; p < n; p++) column[p] = all[p * length + e];
            try
            {
                scheme.ReconstructChecked(_engine.AllParties, column, one);
            }
            catch (ShareReconstructionException)
            {
                int[] wrong = attributable ? [.. scheme.ProvablyWrongShares(column).Where(p => p != Me)] : [];
                string detail = $"in {what}, the shares of element {e} do not lie on one polynomial of degree {scheme.Threshold}"
                    + (wrong.Length > 1 ? $"; parties {string.Join(", ", wrong)} sent shares off every candidate" : "");
                return new CheatingDetectedException(check, wrong.Length > 0 ? wrong[0] : null, detail);
            }
        }
        return new CheatingDetectedException(check, null,
            $"in {what}, the shares do not lie on one polynomial of degree {scheme.Threshold}");
    }

    /// <summary>Every honest party sends canonical field elements; anything else convicts the (authenticated) sender.</summary>
    private static void RequireElements(ReadOnlySpan<T> received, int from, string what)
    {
        for (int i = 0; i < received.Length; i++)
        {
            var copy = received[i];
            if (T.TryMakeUniform(ref copy) && copy == received[i]) continue;
            throw new CheatingDetectedException(IntegrityCheck.MalformedElement, from,
                $"party {from} sent bytes that are not a field element in {what}");
        }
    }
}
