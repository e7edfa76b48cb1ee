using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Ml.Sigmoid;

/// <summary>
/// The accurate option: z is clipped to [-B, B] with exact comparisons, then an odd polynomial of configurable
/// degree fitted on that interval is evaluated, so the result is within the fit's error of the sigmoid everywhere
/// (beyond the interval it is p(+-1), within 1 - sigmoid(B) + the fit error of 0 or 1). On [-8, 8] the error on the
/// whole line is 0.055 at degree 5, 0.026 at degree 7, 0.013 at degree 9 (degree 9 costs a fourth level).
/// </summary>
/// <remarks>
/// Rounds: one batched comparison of z + B and z - B (the suite's LessThanZero, on as few bits as the score bound
/// allows), one multiplication for the clip t = z + [z &lt; -B](-B - z) + [z >= B](B - z) (bits times values: no
/// truncation), then the polynomial: where the ring allows, of t on the comparison's grid of 2^-6, from its exact
/// powers and one truncation by as few bits as the multipliers allow (<see cref="CoarsePowerEvaluator.TryPlanOnGrid"/>:
/// the actively secure suite pays a random bit per bit it truncates), else ceil(log2 degree) levels of fixed-point
/// products. A suite that allows speculative evaluation
/// (<see cref="IArithmeticSuite{T}.SpeculativeComparison"/>) runs the comparison and the polynomial at once and
/// selects with one product: the rounds of the longer of the two, plus one; its comparison is exact. Its polynomial
/// only has to be right on [-B, B], so it is evaluated from exact powers of z rounded to a grid of 2^-q
/// (<see cref="CoarsePowerEvaluator"/>: two rounds with the dealer's power masks, against seven for the tree with
/// N > 2), which moves the result by at most 0.004 at degree 5 (q = 6), unbiased. Elsewhere the
/// comparison runs on z truncated to 1/64 (about a third fewer bits, so a third less work in Shamir's comparison),
/// which can misplace the clip only within 2/64 of -B or B, where it moves the result by at most 0.004.
/// </remarks>
public sealed class ClippedPolynomialSigmoid : OddChebyshevSigmoid, ISigmoid
{
    /// <summary>
    /// A fit of odd <paramref name="degree"/> on [-<paramref name="bound"/>, <paramref name="bound"/>]; the bound is a
    /// power of two.
    /// </summary>
    public ClippedPolynomialSigmoid(int degree = 7, double bound = 8) : base(degree, bound) { }

    // Fractional bits the clip's comparisons keep where the suite cannot compare speculatively.
    private const int CoarseBits = 6;

    /// <inheritdoc />
    public string Name =>
        string.Create(CultureInfo.InvariantCulture, $"clipped polynomial (degree {Degree}, Chebyshev on [-{Bound}, {Bound}])");

    /// <inheritdoc />
    public double Evaluate(double z) => Polynomial(Math.Clamp(z, -Bound, Bound) / Bound);

    /// <inheritdoc />
    public double ResidualBound(double inputBound) => SigmoidIntervals.ResidualBound(Evaluate, Math.Min(inputBound, Bound));

    /// <inheritdoc />
    public double IntermediateBits(double inputBound, int fractionalBits)
    {
        double comparisons = SigmoidIntervals.ComparisonBits(inputBound + Bound, fractionalBits);
        double polynomial = CoefficientBits + 3 * fractionalBits;
        return Math.Max(comparisons, polynomial);
    }

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> EvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, double inputBound,
        CancellationToken ct = default)
        where T : unmanaged, IRing<T> =>
        CanSelect(fixedPoint, fixedPoint.Format.FractionalBits)
            ? SelectAsync(fixedPoint, z, fixedPoint.Format.FractionalBits, inputBound, ct)
            : ClipThenEvaluateAsync(fixedPoint, z, inputBound, ct);

    /// <inheritdoc />
    public async ValueTask<SharedVector<T>> EvaluateProductAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> product,
        double inputBound, CancellationToken ct = default)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int f = fixedPoint.Format.FractionalBits;
        if (ComparisonBits(inputBound, 2 * f) <= suite.TruncationInputBits && CanSelect(fixedPoint, 2 * f))
            return await SelectAsync(fixedPoint, product, 2 * f, inputBound, ct).ConfigureAwait(false);
        return await EvaluateAsync(fixedPoint, await suite.TruncateAsync(product, f, ct).ConfigureAwait(false), inputBound, ct)
            .ConfigureAwait(false);
    }

    private int ComparisonBits(double inputBound, int fractionalBits) =>
        (int)Math.Ceiling(SigmoidIntervals.ComparisonBits(inputBound + Bound, fractionalBits));

    /// <summary>
    /// Whether both branches may run at once: the suite compares speculatively and, where its truncations hide only
    /// values in range, the polynomial has the grid's plan, whose odd terms can be selected before they are truncated.
    /// </summary>
    private bool CanSelect<T>(FixedPointArithmetic<T> fixedPoint, int scaleBits)
        where T : unmanaged, IRing<T> =>
        fixedPoint.Suite.SpeculativeComparison is { } comparison
        && (comparison.MasksValuesOutOfRange || PlanInRange(fixedPoint, scaleBits) is not null);

    private CoarsePowerEvaluator? PlanInRange<T>(FixedPointArithmetic<T> fixedPoint, int scaleBits)
        where T : unmanaged, IRing<T> =>
        PlanOnInterval<T>(fixedPoint.Format.FractionalBits, scaleBits, fixedPoint.Suite.TruncationInputBits);

    /// <summary>
    /// Both branches at once (a suite that allows speculative evaluation): the comparisons of z with -B and B start
    /// first, the polynomial runs on the unclipped z meanwhile (its value outside [-B, B] is meaningless), and one
    /// product selects: [-B &lt;= z &lt; B] p(z / B) + [z &lt; -B] p(-1) + [z >= B] p(1), the same function as the clip.
    /// Rounds: max(comparison, polynomial), the select made in the comparison's last round where the suite can
    /// (<see cref="ISpeculativeComparison{T}.LessThanZeroAndProductAsync"/>), else one more.
    /// </summary>
    private async ValueTask<SharedVector<T>> SelectAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z, int scaleBits,
        double inputBound, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        if (!suite.SpeculativeComparison!.MasksValuesOutOfRange)
            return await SelectThenTruncateAsync(fixedPoint, z, scaleBits, inputBound, PlanInRange(fixedPoint, scaleBits)!, ct)
                .ConfigureAwait(false);
        int n = z.Length;
        // The polynomial runs on the unclipped z while the comparisons run; its value outside [-B, B] is selected away.
        var (below, products) = await CompareBesideAsync(suite, z, scaleBits, inputBound,
            () => EvaluateOnIntervalAsync(fixedPoint, z, scaleBits, ct), ct).ConfigureAwait(false);

        var underLow = SigmoidIntervals.Slice(below, 0, n);
        var underHigh = SigmoidIntervals.Slice(below, n, n);
        // [-B <= z < B] p = [z < B] p - [z < -B] p: bits times values, no truncation.
        var inside = suite.Subtract(SigmoidIntervals.Slice(products, n, n), SigmoidIntervals.Slice(products, 0, n));
        var low = fixedPoint.Format.Encode<T>(Polynomial(-1));
        var high = fixedPoint.Format.Encode<T>(Polynomial(1));
        var highs = new T[n];
        Array.Fill(highs, high);
        // + [z < -B] p(-1) + (1 - [z < B]) p(1)
        return suite.Add(inside, suite.AddPublic(suite.Add(suite.Scale(underLow, low), suite.Scale(underHigh, -high)), highs));
    }

    /// <summary>
    /// Both branches at once where the suite's truncations hide only values in range (Shamir): the polynomial's odd
    /// terms S = p(z / B) - c_0 are formed untruncated (the grid's truncation of z, then exact powers) beside the
    /// comparisons, the selection multiplies them by the bits (products are reshared: any value stays hidden), and only
    /// the selected [-B &lt;= z &lt; B] S, within the plan's range, is truncated. One round more than the other form;
    /// no value outside the suite's range is ever truncated or opened, however far z lies outside [-B, B].
    /// </summary>
    private async ValueTask<SharedVector<T>> SelectThenTruncateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z,
        int scaleBits, double inputBound, CoarsePowerEvaluator plan, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int n = z.Length, f = fixedPoint.Format.FractionalBits;
        var (below, products) = await CompareBesideAsync(suite, z, scaleBits, inputBound,
            () => plan.OddTermsAsync(suite, z, scaleBits, ct), ct).ConfigureAwait(false);

        // trunc([-B <= z < B] S) + [z < B] (c_0 - p(1)) + [z < -B] (p(-1) - c_0) + p(1): the same function as the clip.
        var inside = suite.Subtract(SigmoidIntervals.Slice(products, n, n), SigmoidIntervals.Slice(products, 0, n));
        var truncated = await suite.TruncateAsync(inside, plan.SumBits - f, ct).ConfigureAwait(false);
        var format = fixedPoint.Format;
        double c0 = Polynomial(0), low = Polynomial(-1), high = Polynomial(1);
        var linear = suite.Add(suite.Scale(SigmoidIntervals.Slice(below, n, n), format.Encode<T>(c0 - high)),
            suite.Scale(SigmoidIntervals.Slice(below, 0, n), format.Encode<T>(low - c0)));
        return suite.Add(truncated, suite.AddPublic(linear, Enumerable.Repeat(format.Encode<T>(high), n).ToArray()));
    }

    /// <summary>
    /// [z &lt; -B] and [z &lt; B], and each times the value <paramref name="branch"/> computes meanwhile (z's length):
    /// the comparisons start first, taking their tags now, and wait for the branch only at their last round, which
    /// makes the products. Only the bits down to 2^-6 of z are compared: within 1/64 below -B or B a bit may err,
    /// which moves the result by at most p's slope times 1/64 (the polynomial is continuous with the clipped ends); a
    /// third fewer bits, and a level of gates less.
    /// </summary>
    private async ValueTask<(SharedVector<T> Below, SharedVector<T> Products)> CompareBesideAsync<T>(IArithmeticSuite<T> suite,
        SharedVector<T> z, int scaleBits, double inputBound, Func<ValueTask<SharedVector<T>>> branch, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int n = z.Length;
        var bound = T.FromInt128((Int128)Math.Round(Math.ScaleB(Bound, scaleBits)));
        var plus = new T[n];
        var minus = new T[n];
        Array.Fill(plus, bound);
        Array.Fill(minus, -bound);
        var multiplicand = new TaskCompletionSource<SharedVector<T>>();
        var selection = suite.LessThanZeroAndProductAsync(
            SigmoidIntervals.Concatenate(suite.AddPublic(z, plus), suite.AddPublic(z, minus)),
            Math.Min(ComparisonBits(inputBound, scaleBits), suite.TruncationInputBits), Math.Max(0, scaleBits - CoarseBits),
            multiplicand.Task, ct);
        try
        {
            var value = await branch().ConfigureAwait(false);
            multiplicand.SetResult(SigmoidIntervals.Concatenate(value, value));
        }
        catch (Exception ex)
        {
            multiplicand.TrySetException(ex);
            throw;
        }
        return await selection.ConfigureAwait(false);
    }

    private async ValueTask<SharedVector<T>> ClipThenEvaluateAsync<T>(FixedPointArithmetic<T> fixedPoint, SharedVector<T> z,
        double inputBound, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var suite = fixedPoint.Suite;
        int n = z.Length;

        // [z < -B] and [z < B] in one comparison, on z truncated to 1/64 (the comparison's cost grows with its bits;
        // the clip moves by at most p's slope times 2/64 where the truncation errs, next to the boundary).
        int f = fixedPoint.Format.FractionalBits, coarse = Math.Min(f, CoarseBits);
        var scaled = coarse < f ? await suite.TruncateAsync(z, f - coarse, ct).ConfigureAwait(false) : z;
        var edge = T.FromInt128((Int128)Math.Round(Math.ScaleB(Bound, coarse)));
        var plus = new T[n];
        var minus = new T[n];
        Array.Fill(plus, edge);
        Array.Fill(minus, -edge);
        var below = await suite.LessThanZeroAsync(
            SigmoidIntervals.Concatenate(suite.AddPublic(scaled, plus), suite.AddPublic(scaled, minus)),
            Math.Min(ComparisonBits(inputBound, coarse) + 1, suite.TruncationInputBits), ct).ConfigureAwait(false);
        var underLow = SigmoidIntervals.Slice(below, 0, n);
        var atLeastHigh = suite.AddPublic(suite.Scale(SigmoidIntervals.Slice(below, n, n), -T.One), Enumerable.Repeat(T.One, n).ToArray());

        if (coarse < f && PlanOnGrid<T>(coarse, f, suite.TruncationInputBits) is { } plan)
        {
            // The clip on the grid (z truncated to 2^-q, B 2^q), then p(T / 2^q) from exact powers of the clipped T: one
            // truncation in all instead of one per level.
            var grid = await ClipAsync(scaled, minus, plus).ConfigureAwait(false);
            var odd = await plan.OddTermsAsync(suite, grid, coarse, ct).ConfigureAwait(false);
            var terms = await suite.TruncateAsync(odd, plan.SumBits - f, ct).ConfigureAwait(false);
            return fixedPoint.AddPublic(terms, Enumerable.Repeat(Polynomial(0), n).ToArray());
        }

        var t = await ClipAsync(z, Enumerable.Repeat(fixedPoint.Format.Encode<T>(-Bound), n).ToArray(),
            Enumerable.Repeat(fixedPoint.Format.Encode<T>(Bound), n).ToArray()).ConfigureAwait(false);
        return await EvaluatePolynomialAsync(fixedPoint, t, ct).ConfigureAwait(false);

        // v + [z < -B](low - v) + [z >= B](high - v): bits times values, no truncation.
        async ValueTask<SharedVector<T>> ClipAsync(SharedVector<T> v, T[] low, T[] high)
        {
            var towardsLow = suite.AddPublic(suite.Scale(v, -T.One), low);
            var towardsHigh = suite.AddPublic(suite.Scale(v, -T.One), high);
            var corrections = await suite.MultiplyAsync(SigmoidIntervals.Concatenate(underLow, atLeastHigh),
                SigmoidIntervals.Concatenate(towardsLow, towardsHigh), ct).ConfigureAwait(false);
            return suite.Add(v, suite.Add(SigmoidIntervals.Slice(corrections, 0, n), SigmoidIntervals.Slice(corrections, n, n)));
        }
    }
}
