using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Comparison;

/// <summary>
/// [a &lt; b] for public integers a and secret b given as shared bits, over any suite (the BitLT step of
/// Catrina and de Hoogh, "Improved primitives for secure multiparty integer computation", SCN 2010).
/// </summary>
/// <remarks>
/// d_i = a_i XOR b_i is linear because a is public. A prefix OR from the top bit, e_i = OR of d_j for j >= i,
/// takes ceil(log2 m) rounds of multiplications (u OR v = u + v - uv, Kogge-Stone doubling). The first
/// differing position has f_i = e_i - e_(i+1) = 1, and there b_i = 1 - a_i, so [a &lt; b] = sum of f_i over
/// the positions where a_i = 0: linear again.
/// </remarks>
internal static class BitwiseLessThan
{
    /// <param name="suite">The suite to multiply in.</param>
    /// <param name="a">Public values, below 2^m.</param>
    /// <param name="bBits">Shared bits of b, element-major: bit i of element e at e * m + i.</param>
    /// <param name="m">Bits per element.</param>
    /// <param name="ct">Cancels the protocol.</param>
    public static async ValueTask<SharedVector<T>> PublicLessThanSharedAsync<T>(
        IArithmeticSuite<T> suite, UInt128[] a, SharedVector<T> bBits, int m, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int count = a.Length;
        if (bBits.Length != count * m) throw new ArgumentException($"Expected {count} x {m} shared bits, got {bBits.Length}.");
        if (m == 0) return suite.Constant(new T[count]);

        // d = a XOR b: b where a_i = 0, 1 - b where a_i = 1.
        var flip = new T[count * m];
        var ones = new T[count * m];
        for (int e = 0; e < count; e++)
            for (int i = 0; i < m; i++)
                if (((a[e] >> i) & 1) != 0)
                {
                    flip[e * m + i] = -T.One;
                    ones[e * m + i] = T.One;
                }
                else flip[e * m + i] = T.One;
        var prefix = suite.AddPublic(suite.MultiplyPublic(bBits, flip), ones).Shares;

        // Prefix OR from the top: after the pass with stride s, e_i covers bits i .. i + 2s - 1.
        for (int stride = 1; stride < m; stride *= 2)
        {
            int pairs = m - stride;
            var u = new T[count * pairs];
            var v = new T[count * pairs];
            for (int e = 0; e < count; e++)
            {
                prefix.AsSpan(e * m, pairs).CopyTo(u.AsSpan(e * pairs));
                prefix.AsSpan(e * m + stride, pairs).CopyTo(v.AsSpan(e * pairs));
            }
            var su = new SharedVector<T>(u);
            var sv = new SharedVector<T>(v);
            var uv = await suite.MultiplyAsync(su, sv, ct).ConfigureAwait(false);
            var or = suite.Subtract(suite.Add(su, sv), uv).Shares;
            var next = (T[])prefix.Clone();
            for (int e = 0; e < count; e++) or.AsSpan(e * pairs, pairs).CopyTo(next.AsSpan(e * m));
            prefix = next;
        }

        // sum over a_i = 0 of f_i, f_i = e_i - e_(i+1).
        var result = new T[count];
        for (int e = 0; e < count; e++)
        {
            T sum = T.Zero;
            for (int i = 0; i < m; i++)
            {
                if (((a[e] >> i) & 1) != 0) continue;
                T above = i + 1 < m ? prefix[e * m + i + 1] : T.Zero;
                sum += prefix[e * m + i] - above;
            }
            result[e] = sum;
        }
        return new(result);
    }

    /// <summary>x XOR y for shared bits: x + y - 2xy. One round.</summary>
    public static async ValueTask<SharedVector<T>> XorAsync<T>(IArithmeticSuite<T> suite, SharedVector<T> x, SharedVector<T> y, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var xy = await suite.MultiplyAsync(x, y, ct).ConfigureAwait(false);
        return suite.Subtract(suite.Add(x, y), suite.Scale(xy, T.FromInt64(2)));
    }
}
