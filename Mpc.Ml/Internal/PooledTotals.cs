using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Internal;

/// <summary>
/// Sums over every party of one vector each (per-feature totals for standardisation), opened exactly: a sum of N
/// values that each fit the fixed-point range need not fit it, and would wrap around the ring without a sound.
/// </summary>
/// <remarks>
/// Each value v is input as two fixed-point numbers, a high part h = round(v / 2^s), an integer, and a low part
/// l = v - h 2^s, with |l| &lt;= 2^(s-1). The split point s is the largest with N 2^(s-1) below half the format's
/// range, so the sum of the low parts cannot wrap; the sum of the high parts cannot either as long as every
/// |v| &lt; <see cref="PartyLimit"/> = (M / N - 1) 2^s for the format's largest value M, which each party checks of its
/// own values before anything is input (about 4e26 for 16 fractional bits in Z_2^64 with N = 3, far beyond any total
/// a double keeps exactly). The total is then sum(h) 2^s + sum(l), exact to the format's resolution. Both parts
/// are opened in one opening, as one sum used to be: no round more, twice the elements.
/// </remarks>
internal static class PooledTotals
{
    /// <summary>The split point s for <paramref name="parties"/> parties: N 2^(s-1) &lt;= M / 2.</summary>
    public static int SplitBits<T>(FixedPointArithmetic<T> fixedPoint, int parties) where T : unmanaged, IRing<T> =>
        (int)Math.Floor(Math.Log2(fixedPoint.Format.MaxValue<T>() / parties));

    /// <summary>The largest magnitude one party's value may have: beyond it the high parts' sum could wrap.</summary>
    public static double PartyLimit<T>(FixedPointArithmetic<T> fixedPoint, int parties) where T : unmanaged, IRing<T> =>
        (Math.Floor(fixedPoint.Format.MaxValue<T>() / parties) - 1) * Math.ScaleB(1.0, SplitBits(fixedPoint, parties));

    /// <summary>
    /// The element-wise sums of every party's <paramref name="mine"/> (all of one length). One opening.
    /// </summary>
    /// <param name="fixedPoint">The arithmetic to input and open in.</param>
    /// <param name="mine">This party's values.</param>
    /// <param name="tooLarge">The error for this party's value at an index beyond <see cref="PartyLimit"/> (given the limit).</param>
    /// <param name="ct">Cancels the protocol.</param>
    public static async ValueTask<double[]> OpenAsync<T>(FixedPointArithmetic<T> fixedPoint, double[] mine,
        Func<int, double, Exception> tooLarge, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int parties = suite.Session.PartyCount, d = mine.Length;
        double limit = PartyLimit(fixedPoint, parties);
        int bad = Array.FindIndex(mine, v => !(Math.Abs(v) < limit));
        if (bad >= 0) throw tooLarge(bad, limit);

        double unit = Math.ScaleB(1.0, SplitBits(fixedPoint, parties));
        var parts = new double[2 * d];
        for (int j = 0; j < d; j++)
        {
            double high = Math.Round(mine[j] / unit);
            parts[j] = mine[j] - high * unit;   // exact: |v - h 2^s| <= 2^(s-1), and v and h 2^s share their low bits
            parts[d + j] = high;
        }
        var encoded = fixedPoint.Format.Encode<T>(parts);

        var total = await PartySums.InputAndAddAsync(suite, encoded, ct).ConfigureAwait(false);
        var opened = await fixedPoint.OpenAsync(total, ct).ConfigureAwait(false);

        var sums = new double[d];
        for (int j = 0; j < d; j++) sums[j] = opened[d + j] * unit + opened[j];
        return sums;
    }

    /// <summary>How the limit reads in an error message.</summary>
    public static string Describe(double limit) => limit.ToString("G4", CultureInfo.InvariantCulture);
}
