using System.Numerics;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// Evaluates p(u) = 1/2 + sum over odd k of c_k u^k, u = t / 2^s, on shared fixed-point t, in ceil(log2 d) levels of
/// one batched fixed-point product each (a tree of powers: u^k = u^a u^(k-a) with a the largest power of two
/// below k).
/// </summary>
/// <remarks>
/// Every product of a level truncates by 2f, so one call serves plain powers and coefficient terms alike: the left
/// factor carries an integer multiplier, 2^f for a plain power and round(c_k 2^f) for a term c_k u^k, so the terms
/// come out of the last level already weighted and the sum needs no extra truncation round. On the first level the
/// multipliers also divide t by 2^s (exact for s &lt;= f/2). Products stay below c 2^(3f) for |u| &lt;= 1.
/// </remarks>
internal static class OddPolynomialEvaluator
{
    public static async ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> t, int shift,
        double[] coefficients, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int f = fixedPoint.Format.FractionalBits, n = t.Length, degree = coefficients.Length - 1;
        if (2 * shift > f)
            throw new ArgumentOutOfRangeException(nameof(shift), shift,
                $"Scaling by 2^-{shift} needs at least {2 * shift} fractional bits.");

        var plainNeeded = new SortedSet<int>();
        for (int k = 3; k <= degree; k += 2) AddFactors(k, plainNeeded);
        int levels = Math.Max(1, degree == 1 ? 1 : (int)Math.Ceiling(Math.Log2(degree)));

        var powers = new Dictionary<int, SharedVector<T>>(); // u^e with f fractional bits
        var one = fixedPoint.Constant(Enumerable.Repeat(1.0, n).ToArray());
        SharedVector<T>? sum = null;
        for (int level = 1; level <= levels; level++)
        {
            var left = new List<SharedVector<T>>();
            var right = new List<SharedVector<T>>();
            var outputs = new List<int>(); // > 0: plain power e; < 0: term -k
            if (level == 1)
            {
                // u = t / 2^s and u^2 = t^2 / 2^(2s), and the linear term c_1 u, straight from t.
                if (plainNeeded.Contains(1) || plainNeeded.Contains(2)) Add(Multiplier(Math.ScaleB(1, -shift)), t, one, 1);
                if (plainNeeded.Contains(2)) Add(Multiplier(Math.ScaleB(1, -2 * shift)), t, t, 2);
                Add(Multiplier(coefficients[1] * Math.ScaleB(1, -shift)), t, one, -1);
            }
            else
            {
                int a = 1 << (level - 1);
                foreach (int e in plainNeeded.Where(e => e > a && e <= 2 * a))
                    Add(T.FromInt128(Int128.One << f), powers[a], powers[e - a], e);
                for (int k = 3; k <= degree; k += 2)
                    if (k > a && k <= 2 * a) Add(Multiplier(coefficients[k]), powers[a], powers[k - a], -k);
            }
            if (left.Count == 0) continue;

            var product = await suite.MultiplyAndTruncateAsync(Concatenate(left), Concatenate(right), 2 * f, ct).ConfigureAwait(false);
            for (int i = 0; i < outputs.Count; i++)
            {
                var part = product.Slice(i * n, n);
                if (outputs[i] > 0) powers[outputs[i]] = part;
                else sum = sum is null ? part : suite.Add(sum, part);
            }

            void Add(T multiplier, SharedVector<T> x, SharedVector<T> y, int output)
            {
                left.Add(suite.Scale(x, multiplier));
                right.Add(y);
                outputs.Add(output);
            }
        }
        return fixedPoint.AddPublic(sum!, Enumerable.Repeat(coefficients[0], n).ToArray());

        T Multiplier(double c) => T.FromInt128((Int128)Math.Round(Math.ScaleB(c, f)));
    }

    /// <summary>The plain powers the tree needs to form u^k: u^a and u^(k-a), and theirs in turn.</summary>
    private static void AddFactors(int k, SortedSet<int> needed)
    {
        if (k <= 1) { needed.Add(1); return; }
        int a = 1 << (BitOperations.Log2((uint)(k - 1)));
        foreach (int factor in new[] { a, k - a })
            if (needed.Add(factor) && factor > 2) AddFactors(factor, needed);
        if (k - a == 1 || a == 1) needed.Add(1);
        if (a == 2 || k - a == 2) needed.Add(2);
    }

    /// <summary>ceil(log2 degree) levels, at least one: the rounds of fixed-point products the evaluation costs.</summary>
    public static int Levels(int degree) => degree <= 2 ? 1 : (int)Math.Ceiling(Math.Log2(degree));

    private static SharedVector<T> Concatenate<T>(List<SharedVector<T>> parts) where T : unmanaged, IRing<T> =>
        parts.Count == 1 ? parts[0] : SharedVector<T>.Concat([.. parts]);
}
