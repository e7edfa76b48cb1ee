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
    /// Checks every product and input made since the last check, and that every party received the same masked inputs;
    /// throws <see cref="CheatingDetectedException"/> if any was tampered with. Three rounds: a coin toss (beside the
    /// digests of the masked inputs), the product [r][w] (beside the degree check when N &gt; 2t + 1), and the opening of
    /// [u] - [r][w], which must be zero. <see cref="OpenAsync"/> and <see cref="OpenToAsync"/> call it first; call it
    /// yourself to bound the memory the unchecked sharings hold.
    /// </summary>
    public async ValueTask VerifyAsync(CancellationToken ct = default)
    {
        var pending = _pending;
        var broadcasts = _broadcasts;
        if (pending.Count == 0 && broadcasts.Count == 0) return; // the same at every party: program order
        _pending = [];
        _broadcasts = [];
        long count = Unchecked;
        Unchecked = 0;

        // Every tag now, in program order.
        var randoms = _engine.RandomsAsync(2, ct).AsTask(); // the coin, and the degree check's mask
        var coinTag = _session.NextTag();
        var digestTag = _session.NextTag();
        var degreeTag = _session.NextTag();
        var zeroTag = _session.NextTag();
        var combination = CombineAsync(pending, broadcasts, randoms, coinTag, digestTag, ct);
        var keyTimesW = _engine.ReduceAsync(KeyTimesAsync(combination), ct, beside: DegreeCheck).AsTask(); // beside the degree check

        var (_, u, degree) = await combination.ConfigureAwait(false);
        var degreeOpening = DegreeCheck
            ? OpenCheckedAsync(new T[] { degree }, degreeTag, "the degree check", ct, IntegrityCheck.SharingConsistency).AsTask()
            : Task.FromResult<T[]>([]);
        var rw = await keyTimesW.ConfigureAwait(false);
        await degreeOpening.ConfigureAwait(false);

        var zero = await OpenCheckedAsync(new T[] { u - rw[0] }, zeroTag, "the MAC check", ct).ConfigureAwait(false);
        if (zero[0] != T.Zero)
            throw new CheatingDetectedException(IntegrityCheck.MacCheck, null,
                $"a random combination of the {count} products and inputs since the last check does not match its MAC");
    }

    private async ValueTask<T[]> KeyTimesAsync(Task<(T W, T U, T Degree)> combination)
    {
        var (w, _, _) = await combination.ConfigureAwait(false);
        return [w * _key]; // degree 2t, reduced by the caller
    }

    /// <summary>
    /// Waits until every tracked sharing is fixed, then tosses the coins (one opening of a random sharing, beside the
    /// exchange of the masked inputs' digests) and forms w = sum a [z], u = sum a [r z] and, when N &gt; 2t + 1, the
    /// masked random combination for the degree check.
    /// </summary>
    private async Task<(T W, T U, T Degree)> CombineAsync(List<Task<(T[] Values, T[] Macs)>> pending, List<Task<T[]>> broadcasts,
        Task<T[]> randoms, StreamTag coinTag, StreamTag digestTag, CancellationToken ct)
    {
        var pairs = await Task.WhenAll(pending).ConfigureAwait(false);
        var masked = await Task.WhenAll(broadcasts).ConfigureAwait(false);
        var random = await randoms.ConfigureAwait(false);

        int n = _session.PartyCount;
        var digest = Digest(masked);
        var digests = new byte[n * DigestBytes];
        var exchange = Network.ExchangeWithAllAsync(digestTag, digest, digests, ct, countRound: false).AsTask();
        var coin = await OpenCheckedAsync(random.AsMemory(0, 1), coinTag, "the coin toss", ct).ConfigureAwait(false);
        await exchange.ConfigureAwait(false);
        CheckDigests(digest, digests, $"the {masked.Length} masked inputs since the last check");

        // Coefficients from the coin, which nobody knew while the sharings above were being made.
        Span<byte> seed = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(coin.AsSpan()), seed);
        using var prg = AesCtrPrg.Derive(seed, "mpc-mac-check"u8, []);
        T w = T.Zero, u = T.Zero, degree = random[1];
        if (DegreeCheck) degree += prg.NextUniform<T>() * _key;
        var coefficients = new ulong[Math.Min(CoefficientChunk, pairs.Length == 0 ? 0 : pairs.Max(p => p.Values.Length))];
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
    /// All-to-all opening of degree-t shares, every share checked (a failure reported as <paramref name="check"/>):
    /// one round. Only an <paramref name="attributable"/> opening names a culprit (see <see cref="Reconstruct"/>).
    /// </summary>
    private async ValueTask<T[]> OpenCheckedAsync(ReadOnlyMemory<T> shares, StreamTag tag, string what, CancellationToken ct,
        IntegrityCheck check = IntegrityCheck.OpeningConsistency, bool attributable = false)
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
        Network.CountRound();
        return Reconstruct(all, length, what, check, attributable);
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
        return Reconstruct(all, length, what, IntegrityCheck.OpeningConsistency, attributable);
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
    private T[] Reconstruct(T[] all, int length, string what, IntegrityCheck check, bool attributable)
    {
        int n = _session.PartyCount;
        for (int p = 0; p < n; p++)
            if (p != Me) RequireElements(all.AsSpan(p * length, length), p, what);
        var result = new T[length];
        try
        {
            _engine.Scheme.ReconstructChecked(_engine.AllParties, all, result);
            return result;
        }
        catch (ShareReconstructionException)
        {
            throw Inconsistent(all, length, what, check, attributable);
        }
    }

    private CheatingDetectedException Inconsistent(T[] all, int length, string what, IntegrityCheck check, bool attributable)
    {
        int n = _session.PartyCount;
        var column = new T[n];
        var one = new T[1];
        for (int e = 0; e < length; e++)
        {
            for (int p = 0; p < n; p++) column[p] = all[p * length + e];
            try
            {
                _engine.Scheme.ReconstructChecked(_engine.AllParties, column, one);
            }
            catch (ShareReconstructionException)
            {
                int[] wrong = attributable ? [.. _engine.Scheme.ProvablyWrongShares(column).Where(p => p != Me)] : [];
                string detail = $"in {what}, the shares of element {e} do not lie on one polynomial of degree {Threshold}"
                    + (wrong.Length > 1 ? $"; parties {string.Join(", ", wrong)} sent shares off every candidate" : "");
                return new CheatingDetectedException(check, wrong.Length > 0 ? wrong[0] : null, detail);
            }
        }
        return new CheatingDetectedException(check, null, $"in {what}, the shares do not lie on one polynomial of degree {Threshold}");
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
