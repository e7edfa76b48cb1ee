using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Comparison;

/// <summary>
/// [a &lt; b] for public integers a and secret b given as shared bits, over any suite: the comparison tree of the
/// BitLT step (Catrina and de Hoogh, "Improved primitives for secure multiparty integer computation", SCN 2010,
/// with the logarithmic-depth tree instead of a prefix OR).
/// </summary>
/// <remarks>
/// Each bit position is a leaf with lt_i = [a_i &lt; b_i] = (1 - a_i) b_i and eq_i = [a_i = b_i], both linear
/// because a is public. Two adjacent ranges combine as lt = lt_hi + eq_hi lt_lo and eq = eq_hi eq_lo, so a level
/// halves the ranges with two products per pair (one at the root, which needs no eq): about 2m products over
/// ceil(log2 m) rounds, where a Kogge-Stone prefix OR takes about m log2 m in the same rounds.
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

        // Leaves, node-major (node i of element e at i * count + e): lt = b where a_i = 0, else 0; eq = b where a_i = 1, else 1 - b.
        var ltFactor = new T[count * m];
        var eqFactor = new T[count * m];
        var eqConstant = new T[count * m];
        var bitsByNode = new T[count * m];
        var shares = bBits.LocalShares;
        for (int e = 0; e < count; e++)
            for (int i = 0; i < m; i++)
            {
                int k = i * count + e;
                bitsByNode[k] = shares[e * m + i];
                if (((a[e] >> i) & 1) != 0) eqFactor[k] = T.One;
                else
                {
                    ltFactor[k] = T.One;
                    eqFactor[k] = -T.One;
                    eqConstant[k] = T.One;
                }
            }
        var bits = SharedVector<T>.FromShares(bitsByNode);
        var lt = suite.MultiplyPublic(bits, ltFactor).LocalShares.ToArray();
        var eq = suite.AddPublic(suite.MultiplyPublic(bits, eqFactor), eqConstant).LocalShares.ToArray();
        return SharedVector<T>.FromShares(await CombineAsync(lt, eq, count, m,
            async (left, right, token) => (await suite.MultiplyAsync(SharedVector<T>.FromShares(left),
                SharedVector<T>.FromShares(right), token).ConfigureAwait(false)).LocalShares.ToArray(), ct).ConfigureAwait(false));
    }

    /// <summary>Shares of the elementwise product of two shared vectors (one multiplication call: one round).</summary>
    public delegate ValueTask<T[]> Multiply<T>(T[] left, T[] right, CancellationToken ct);

    /// <summary>
    /// The tree over m ranges of <paramref name="count"/> elements each, node-major (node i of element e at i * count + e,
    /// node 0 the lowest): combines (lt, eq) pairs as lt = lt_hi + eq_hi lt_lo and eq = eq_hi eq_lo, and returns the
    /// root's lt. The same tree computes a carry out of generate and propagate bits (g for lt, p for eq, over GF(2^k)
    /// where + is XOR): ceil(log2 m) multiplications.
    /// </summary>
    public static async ValueTask<T[]> CombineAsync<T>(T[] lt, T[] eq, int count, int m, Multiply<T> multiply, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        // Combine pairs (2j + 1 above 2j); an odd top node passes up unchanged. Nodes are ordered from the low bit.
        for (int nodes = m; nodes > 1; nodes = (nodes + 1) / 2)
        {
            int pairs = nodes / 2;
            bool root = nodes == 2;
            // One product: eq_hi times (lt_lo, eq_lo), or only lt_lo at the root.
            int width = pairs * count;
            var left = new T[root ? width : 2 * width];
            var right = new T[left.Length];
            for (int j = 0; j < pairs; j++)
            {
                Array.Copy(eq, (2 * j + 1) * count, left, j * count, count);
                Array.Copy(lt, 2 * j * count, right, j * count, count);
                if (root) continue;
                Array.Copy(eq, (2 * j + 1) * count, left, width + j * count, count);
                Array.Copy(eq, 2 * j * count, right, width + j * count, count);
            }
            var products = await multiply(left, right, ct).ConfigureAwait(false);

            int next = (nodes + 1) / 2;
            var nextLt = new T[next * count];
            var nextEq = new T[next * count];
            for (int j = 0; j < pairs; j++)
                for (int e = 0; e < count; e++)
                {
                    nextLt[j * count + e] = lt[(2 * j + 1) * count + e] + products[j * count + e];
                    if (!root) nextEq[j * count + e] = products[width + j * count + e];
                }
            if (nodes % 2 == 1)
            {
                Array.Copy(lt, (nodes - 1) * count, nextLt, pairs * count, count);
                Array.Copy(eq, (nodes - 1) * count, nextEq, pairs * count, count);
            }
            lt = nextLt;
            eq = nextEq;
        }
        return lt.AsSpan(0, count).ToArray();
    }

    /// <summary>
    /// The products <see cref="PublicLessThanSharedAsync"/> makes for <paramref name="count"/> elements of <paramref name="m"/> bits.
    /// </summary>
    public static int Products(int count, int m)
    {
        int total = 0;
        for (int nodes = m; nodes > 1; nodes = (nodes + 1) / 2) total += (nodes == 2 ? 1 : 2) * (nodes / 2) * count;
        return total;
    }

    /// <summary>x XOR y for shared bits: x + y - 2xy. One round.</summary>
    public static async ValueTask<SharedVector<T>> XorAsync<T>(IArithmeticSuite<T> suite, SharedVector<T> x,
        SharedVector<T> y, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var xy = await suite.MultiplyAsync(x, y, ct).ConfigureAwait(false);
        return suite.Subtract(suite.Add(x, y), suite.Scale(xy, T.FromInt64(2)));
    }
}
