using System.Collections.Concurrent;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;

namespace Mpc.Core.Sharing;

/// <summary>
/// Shamir's t-out-of-n secret sharing over a finite field (Shamir 1979): the secret is f(0) of a random polynomial
/// f of degree t, and party i (0-based) holds f(i + 1). Any t + 1 shares determine the secret by Lagrange
/// interpolation; any t shares are jointly uniform, whatever the secret.
/// </summary>
/// <remarks>
/// Evaluation powers (a Vandermonde matrix) are precomputed, and Lagrange coefficients are cached per set of
/// parties, so sharing and reconstruction are axpy loops over whole vectors. Instances are thread-safe.
/// Share layouts are party-major, as in <see cref="AdditiveSharing"/>.
/// </remarks>
public sealed class ShamirScheme<T> where T : unmanaged, IFiniteField<T>
{
    private readonly T[][] _powers; // _powers[i][k] = (i + 1)^k, k = 1..t
    private readonly ConcurrentDictionary<ulong, T[]> _lagrangeAtZero = new();

    /// <summary>A scheme for <paramref name="partyCount"/> parties, polynomials of degree <paramref name="threshold"/>.</summary>
    /// <param name="partyCount">n, from 1 to 64.</param>
    /// <param name="threshold">t, from 0 to n - 1: t shares reveal nothing, t + 1 reconstruct.</param>
    public ShamirScheme(int partyCount, int threshold)
    {
        if (partyCount is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(partyCount), partyCount, "Shamir sharing supports 1 to 64 parties.");
        if (threshold < 0 || threshold >= partyCount)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"The threshold t must satisfy 0 <= t < n = {partyCount}.");
        if (T.Modulus <= partyCount)
            throw new ArgumentException($"The field has too few elements for {partyCount} distinct evaluation points.");

        PartyCount = partyCount;
        Threshold = threshold;
        _powers = new T[partyCount][];
        for (int i = 0; i < partyCount; i++)
        {
            var x = EvaluationPoint(i);
            _powers[i] = new T[threshold + 1];
            _powers[i][0] = T.One;
            for (int k = 1; k <= threshold; k++) _powers[i][k] = _powers[i][k - 1] * x;
        }
    }

    /// <summary>n, the number of parties.</summary>
    public int PartyCount { get; }

    /// <summary>t, the degree of the sharing polynomials.</summary>
    public int Threshold { get; }

    /// <summary>The point at which party <paramref name="party"/> (0-based) evaluates: party + 1 in a prime field.</summary>
    public static T EvaluationPoint(int party) => T.NonZeroElement(party);

    /// <summary>
    /// Shares each secret with a fresh random polynomial of degree t; writes the n share vectors party-major
    /// into <paramref name="shares"/> (length n * secrets.Length).
    /// </summary>
    public void Share(ReadOnlySpan<T> secrets, AesCtrPrg prg, Span<T> shares)
    {
        int length = secrets.Length;
        if (shares.Length != (long)PartyCount * length)
            throw new ArgumentException($"Need {PartyCount}x{length} share slots, got {shares.Length}.", nameof(shares));

        // Coefficients c_1..c_t for every secret, coefficient-major.
        var coefficients = new T[Threshold * length];
        prg.FillUniform<T>(coefficients);
        for (int i = 0; i < PartyCount; i++)
        {
            // share_i = secret + sum over k of c_k x_i^k: one pass over the coefficients per party.
            Span<T> share = shares.Slice(i * length, length);
            secrets.CopyTo(share);
            VectorMath.AddCombination<T>(coefficients, _powers[i].AsSpan(1, Threshold), share);
        }
    }

    /// <summary>Shares each secret: result[i] is party i's share vector.</summary>
    public T[][] Share(ReadOnlySpan<T> secrets, AesCtrPrg prg)
    {
        var flat = new T[PartyCount * secrets.Length];
        Share(secrets, prg, flat);
        return AdditiveSharing.Split(flat, PartyCount, secrets.Length);
    }

    /// <summary>
    /// Reconstructs from the share vectors of <paramref name="parties"/> (at least t + 1 distinct ids), laid out in
    /// that order in <paramref name="shares"/>. Only the first t + 1 are used; see <see cref="ReconstructChecked"/>.
    /// </summary>
    public void Reconstruct(ReadOnlySpan<int> parties, ReadOnlySpan<T> shares, Span<T> secrets)
    {
        int length = secrets.Length;
        ValidateParties(parties);
        if (shares.Length != (long)parties.Length * length)
            throw new ShareReconstructionException($"Expected {parties.Length} share vectors of length {length} "
                + $"({parties.Length * length} elements), got {shares.Length}.");

        int used = Threshold + 1;
        var lambda = LagrangeAtZero(parties[..used]);
        Span<T> weights = used <= 16 ? stackalloc T[used] : new T[used];
        for (int j = 0; j < used; j++) weights[j] = lambda[parties[j]];
        VectorMath.LinearCombination<T>(shares[..(used * length)], weights, secrets);
    }

    /// <summary>Reconstructs from a full or partial set of shares given as party id to share vector.</summary>
    public T[] Reconstruct(IReadOnlyDictionary<int, T[]> sharesByParty)
    {
        var (parties, flat, length) = Flatten(sharesByParty);
        var secrets = new T[length];
        Reconstruct(parties, flat, secrets);
        return secrets;
    }

    /// <summary>
    /// Reconstructs and checks that every share given lies on the same polynomial of degree t (needs more than
    /// t + 1 shares to detect anything). Inconsistent shares raise <see cref="ShareReconstructionException"/>
    /// naming the first party whose share disagrees.
    /// </summary>
    public void ReconstructChecked(ReadOnlySpan<int> parties, ReadOnlySpan<T> shares, Span<T> secrets)
    {
        Reconstruct(parties, shares, secrets);
        int length = secrets.Length;
        int used = Threshold + 1;
        if (parties.Length == used) return;

        var basis = parties[..used];
        var expected = new T[length];
        for (int j = used; j < parties.Length; j++)
        {
            // The value the basis polynomial takes at party j's point, by interpolation at that point.
            var lambda = LagrangeAt(basis, EvaluationPoint(parties[j]));
            VectorMath.LinearCombination<T>(shares[..(used * length)], lambda, expected);
            if (!expected.AsSpan().SequenceEqual(shares.Slice(j * length, length)))
                throw new ShareReconstructionException(
                    $"Party {parties[j]}'s shares are not on the degree-{Threshold} polynomial "
                        + $"defined by parties {string.Join(", ", basis.ToArray())}.");
        }
    }

    /// <summary>
    /// The parties whose share of one secret (<paramref name="shares"/>[i] from party i, every party's) is provably
    /// wrong if at most t parties lie: off every degree-t polynomial on which at least n - t of the shares lie. The
    /// honest shares (n - t or more) lie on the true polynomial, so a share off every such candidate is a liar's. A
    /// single wrong share is named when n &gt;= 2t + 2 (a false candidate through it would hold n - t - 1 &gt;= t + 1
    /// honest shares, which fix the true polynomial); any number up to t when n &gt;= 3t + 1 (unique decoding). Empty
    /// when nobody can be named (always for n = 2t + 1), or when the sets to try exceed <paramref name="maxSubsets"/>.
    /// </summary>
    public int[] ProvablyWrongShares(ReadOnlySpan<T> shares, int maxSubsets = 1 << 14)
    {
        int n = PartyCount, used = Threshold + 1;
        if (shares.Length != n) throw new ArgumentException($"Expected one share per party ({n}), got {shares.Length}.", nameof(shares));
        double subsets = 1;
        for (int i = 0; i < used; i++) subsets = subsets * (n - i) / (i + 1);
        if (subsets > maxSubsets) return [];
        ulong onSomeCandidate = 0;
        bool anyCandidate = false;
        var basis = new int[used];
        for (int i = 0; i < used; i++) basis[i] = i;
        while (true)
        {
            // The polynomial through the basis shares; which parties' shares lie on it.
            ulong agreeing = 0;
            int count = 0;
            for (int j = 0; j < n; j++)
            {
                var weights = LagrangeAt(basis, EvaluationPoint(j));
                T value = T.Zero;
                for (int b = 0; b < used; b++) value += weights[b] * shares[basis[b]];
                if (value.Equals(shares[j])) { agreeing |= 1UL << j; count++; }
            }
            if (count >= n - Threshold) { onSomeCandidate |= agreeing; anyCandidate = true; }
            // Next combination of `used` parties out of n, in lexicographic order.
            int k = used - 1;
            while (k >= 0 && basis[k] == n - used + k) k--;
            if (k < 0) break;
            basis[k]++;
            for (int m = k + 1; m < used; m++) basis[m] = basis[m - 1] + 1;
        }
        if (!anyCandidate) return [];
        var wrong = new List<int>();
        for (int j = 0; j < n; j++)
            if ((onSomeCandidate & (1UL << j)) == 0) wrong.Add(j);
        return [.. wrong];
    }

    /// <summary>
    /// Lagrange coefficients at zero for the given parties, indexed by party id (zero for parties not in the set).
    /// Cached per set.
    /// </summary>
    public ReadOnlySpan<T> LagrangeAtZero(ReadOnlySpan<int> parties)
    {
        ValidateParties(parties);
        ulong key = 0;
        foreach (int p in parties) key |= 1UL << p;
        if (_lagrangeAtZero.TryGetValue(key, out var cached)) return cached;

        var byParty = new T[PartyCount];
        var coefficients = LagrangeAt(parties, T.Zero);
        for (int j = 0; j < parties.Length; j++) byParty[parties[j]] = coefficients[j];
        _lagrangeAtZero.TryAdd(key, byParty);
        return byParty;
    }

    // The Lagrange weights of the given parties' evaluation points for the value at x, in their order.
    private static T[] LagrangeAt(ReadOnlySpan<int> parties, T x)
    {
        var points = new T[parties.Length];
        for (int j = 0; j < parties.Length; j++) points[j] = EvaluationPoint(parties[j]);
        return LagrangeWeights(points, x);
    }

    /// <summary>
    /// The Lagrange weights lambda_j(x) = prod over m != j of (x - x_m) / (x_j - x_m), in the order of the given
    /// distinct <paramref name="points"/>: the value at x of any polynomial of degree below their count is the sum of
    /// lambda_j times its value at x_j.
    /// </summary>
    public static T[] LagrangeWeights(ReadOnlySpan<T> points, T x)
    {
        var result = new T[points.Length];
        for (int j = 0; j < points.Length; j++)
        {
            T numerator = T.One, denominator = T.One;
            for (int m = 0; m < points.Length; m++)
            {
                if (m == j) continue;
                numerator *= x - points[m];
                denominator *= points[j] - points[m];
            }
            result[j] = numerator * T.Inverse(denominator);
        }
        return result;
    }

    private void ValidateParties(ReadOnlySpan<int> parties)
    {
        if (parties.Length < Threshold + 1)
            throw new ShareReconstructionException($"Reconstruction needs at least t + 1 = {Threshold + 1} shares; got {parties.Length}.");
        ulong seen = 0;
        foreach (int p in parties)
        {
            if (p < 0 || p >= PartyCount)
                throw new ShareReconstructionException($"Share from party {p}, but parties are numbered 0 to {PartyCount - 1}.");
            if ((seen & (1UL << p)) != 0)
                throw new ShareReconstructionException($"Two shares from party {p}; each party contributes one.");
            seen |= 1UL << p;
        }
    }

    private static (int[] Parties, T[] Flat, int Length) Flatten(IReadOnlyDictionary<int, T[]> sharesByParty)
    {
        var parties = sharesByParty.Keys.ToArray();
        int length = parties.Length == 0 ? 0 : sharesByParty[parties[0]].Length;
        var flat = new T[parties.Length * length];
        for (int j = 0; j < parties.Length; j++)
        {
            var vector = sharesByParty[parties[j]];
            if (vector.Length != length)
                throw new ShareReconstructionException(
                    $"Party {parties[j]}'s share vector has {vector.Length} elements; party {parties[0]}'s has {length}.");
            vector.CopyTo(flat, j * length);
        }
        return (parties, flat, length);
    }
}
