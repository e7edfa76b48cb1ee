using System.Buffers;
using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Common;

namespace Mpc.Protocols.Additive;

// Powers from the dealer's power masks (IFastPowers).
public sealed partial class AdditiveSuite
{
    /// <summary>
    /// Powers from the dealer's power masks (<see cref="IPowerPreprocessing"/>), one opening for any degree.
    /// <see cref="PowersAsync"/>: open m = x + rho (uniform, as rho is), then x^k = (m - rho)^k = sum over j of C(k, j)
    /// m^(k-j) (-rho)^j, linear in the shares of rho^j; an identity of the ring, so exact mod 2^64; the message is n
    /// elements, whatever the degree. <see cref="TruncatedPowersAsync"/>: from the truncation's single opening c,
    /// t = A + B T - L with A and B public (<see cref="TruncationTerms"/>), so, T being a bit, t^k = sum over j of C(k, j)
    /// (-1)^j (A^(k-j) L^j + ((A + B)^(k-j) - A^(k-j)) T L^j): linear in the dealt shares; the same t as
    /// <see cref="TruncateAsync"/> would give for the same mask. Both take their tag and masks when called.
    /// </summary>
    private sealed class PowerMasks(AdditiveSuite suite, IPowerPreprocessing dealer) : IFastPowers<Z2k>
    {
        public async ValueTask<SharedVector<Z2k>> PowersAsync(SharedVector<Z2k> x, int degree, CancellationToken ct = default)
        {
            PowerTree.CheckDegree(degree);
            int n = x.Length;
            var tag = suite.Session.NextTag();
            var masks = await dealer.TakePowerMasksAsync(n, degree, ct).ConfigureAwait(false);

            // Round 1: open m = x + rho.
            var masked = GC.AllocateUninitializedArray<Z2k>(n);
            VectorMath.Add<Z2k>(x.Shares, masks.Power(1), masked);
            var m = await suite.OpenSharesAsync(masked, tag, ct).ConfigureAwait(false);

            // x = m - rho: A = m, no T term.
            var publics = new ulong[n];
            for (int e = 0; e < n; e++) publics[e] = m[e].Value;
            return new(suite.ExpandPowers(degree, publics, slopes: null, masks.Powers, topTimesLowPowers: null));
        }

        public async ValueTask<SharedVector<Z2k>> TruncatedPowersAsync(SharedVector<Z2k> x, int bits, int degree,
            CancellationToken ct = default)
        {
            PowerTree.CheckDegree(degree);
            if (bits is < 0 or > 62) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Truncation shifts by 0 to 62 bits.");
            if (bits == 0) return await PowersAsync(x, degree, ct).ConfigureAwait(false);
            int n = x.Length;
            var tag = suite.Session.NextTag();
            var dealt = await dealer.TakeTruncationPowerMasksAsync(n, bits, degree, ct).ConfigureAwait(false);
            var masks = dealt.Masks;

            var c = await suite.OpenForTruncationAsync(x, masks, tag, ct).ConfigureAwait(false); // as the truncation does

            var publics = new ulong[n];
            var slopes = new ulong[n];
            for (int e = 0; e < n; e++) (publics[e], slopes[e]) = TruncationTerms(c[e].Value, bits);
            ArrayPool<Z2k>.Shared.Return(c);
            return new(suite.ExpandPowers(degree, publics, slopes, dealt.LowPowers, dealt.TopTimesLowPowers));
        }
    }

    /// <summary>
    /// My shares of t^k, k = 1..degree (power-major), for t = A + B T - L per element with A, B public, T a shared bit and
    /// L shared: t^k = sum over j of C(k, j) (-1)^j (A^(k-j) L^j + ((A + B)^(k-j) - A^(k-j)) T L^j), where L^0 = 1 (the
    /// leader's) and the j = k term has no T part. Blocks of <paramref name="lowPowers"/> hold L^1 .. L^degree, those of
    /// <paramref name="topTimesLowPowers"/> T, T L, .. T L^(degree-1); without <paramref name="slopes"/> B = 0 and T plays no part.
    /// </summary>
    private Z2k[] ExpandPowers(int degree, ulong[] publics, ulong[]? slopes, Z2k[] lowPowers, Z2k[]? topTimesLowPowers)
    {
        int n = publics.Length;
        var binomial = SignedBinomials(degree);
        var a = new ulong[degree + 1];
        var aPlusB = new ulong[degree + 1];
        var result = new Z2k[degree * n];
        for (int e = 0; e < n; e++)
        {
            ulong publicPart = publics[e], slope = slopes is null ? 0 : slopes[e];
            a[0] = aPlusB[0] = 1;
            for (int i = 1; i <= degree; i++)
            {
                a[i] = unchecked(a[i - 1] * publicPart);
                aPlusB[i] = unchecked(aPlusB[i - 1] * (publicPart + slope));
            }
            for (int k = 1; k <= degree; k++)
            {
                // j = 0: A^k at the leader and ((A + B)^k - A^k) T.
                ulong share = IsLeader ? a[k] : 0;
                if (topTimesLowPowers is not null) share = unchecked(share + (aPlusB[k] - a[k]) * topTimesLowPowers[e].Value);
                for (int j = 1; j <= k; j++)
                {
                    ulong term = unchecked(a[k - j] * lowPowers[(j - 1) * n + e].Value);
                    if (topTimesLowPowers is not null && j < k)
                        term = unchecked(term + (aPlusB[k - j] - a[k - j]) * topTimesLowPowers[j * n + e].Value);
                    share = unchecked(share + binomial[k, j] * term);
                }
                result[(k - 1) * n + e] = new Z2k(share);
            }
        }
        return result;
    }

    // (-1)^j C(k, j) mod 2^64, row k, column j.
    private static ulong[,] SignedBinomials(int degree)
    {
        var coefficient = new ulong[degree + 1, degree + 1];
        for (int k = 0; k <= degree; k++)
        {
            ulong c = 1;
            for (int j = 0; j <= k; j++)
            {
                coefficient[k, j] = (j & 1) == 0 ? c : unchecked(0 - c);
                c = c * (ulong)(k - j) / (ulong)(j + 1);
            }
        }
        return coefficient;
    }
}
