using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;

namespace Mpc.Protocols.FixedPoint;

/// <summary>
/// Elementary functions of secret fixed-point values, on any suite: reciprocal and division, square root, exp and log.
/// Each normalises its input by comparisons against public powers of two, all in one comparison (Catrina and Saxena,
/// FC 2010: the bit length as indicators, so that scaling is a product with a secret power of two), then evaluates a
/// Newton iteration or a polynomial on the normalised value. Rounds are stated in terms of the suite's comparison (C)
/// and fixed-point product (M: 1 round fused, else 2).
/// </summary>
/// <remarks>
/// Inputs must lie in the ranges each method names: values up to 2^<see cref="IntegerBits"/> (24 by default, so that
/// the normalised products fit a 64-bit ring) and, for reciprocals, square roots and logarithms, at least one unit of
/// the format (2^-f). A "unit" below is 2^-f; errors of "2 units" grow to the suite's truncation error bound plus 2
/// where that bound exceeds 1 (Shamir with t = 3: 4). The errors stated hold at f = 16 and are checked by the property
/// tests over random N and values; results carry the format's resolution besides (a result below 2^-f is 0).
/// </remarks>
public sealed class FixedPointFunctions<T> where T : unmanaged, IRing<T>
{
    private readonly IArithmeticSuite<T> _suite;
    private readonly FixedPointFormat _format;
    private readonly int _f;
    private readonly int _width; // L = IntegerBits + f, even: values' bit lengths run 1..L

    private static readonly double[] Exp2 = PolynomialFit.OnUnitInterval(s => Math.Pow(2, (s + 1) / 2), 7);
    private static readonly double[] Ln = PolynomialFit.OnUnitInterval(s => Math.Log((s + 3) / 4), 10);

    /// <param name="suite">The suite.</param>
    /// <param name="format">The fixed-point format (f even).</param>
    /// <param name="integerBits">Magnitudes below 2^integerBits are allowed (rounded up so that it and f sum to an even
    /// width L); L + f + 2 must fit the suite's truncation range (64-bit rings: up to 28 integer bits at f = 16).</param>
    public FixedPointFunctions(IArithmeticSuite<T> suite, FixedPointFormat format, int integerBits = 24)
    {
        _suite = suite;
        _format = format;
        _f = format.FractionalBits;
        if (_f % 2 != 0) throw new ArgumentException($"The functions need an even number of fractional bits, not {_f}.", nameof(format));
        _width = integerBits + _f + ((integerBits + _f) % 2);
        if (_width + _f + 2 > suite.TruncationInputBits)
            throw new ArgumentException($"{integerBits} integer bits and {_f} fractional bits need a truncation range of " +
                $"{_width + _f + 2} bits; the {suite.Name} suite has {suite.TruncationInputBits}.", nameof(integerBits));
        IntegerBits = _width - _f;
    }

    /// <summary>Magnitudes must stay below 2^IntegerBits.</summary>
    public int IntegerBits { get; }

    /// <summary>
    /// 1/x for x with 2^-f &lt;= |x| &lt; 2^IntegerBits: the sign (C), |x| (1), its normalisation into [0.5, 1) (C + 2),
    /// 3 Newton steps from 2.9142 - 2y (6 M), the scaling back with the sign (2). Error: within 2^-12 relative plus
    /// 2 units (the normalised value keeps f bits).
    /// </summary>
    public async ValueTask<SharedVector<T>> ReciprocalAsync(SharedVector<T> x, CancellationToken ct = default)
    {
        var (r, scale) = await NormalisedReciprocalAsync(x, ct).ConfigureAwait(false);
        return await ScaleBackAsync(r, scale, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// a / b for b as in <see cref="ReciprocalAsync"/> and |a / b| &lt; 2^(TruncationInputBits - 2 - L): a times the
    /// normalised reciprocal (M) before the scaling back, so that a small 1/b loses no precision: the rounds of the
    /// reciprocal and one M more. Error: within 2^-12 relative plus 2 units.
    /// </summary>
    public async ValueTask<SharedVector<T>> DivideAsync(SharedVector<T> a, SharedVector<T> b, CancellationToken ct = default)
    {
        var (r, scale) = await NormalisedReciprocalAsync(b, ct).ConfigureAwait(false);
        var ar = await _suite.MultiplyAndTruncateAsync(a, r, _f, ct).ConfigureAwait(false);
        return await ScaleBackAsync(ar, scale, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// r = 1/y for x = y 2^(m - f) with y in [0.5, 1), and the integer ±2^(L - m) (x's sign) that brings r back: 1/x =
    /// r ±2^(L - m) / 2^(L - f).
    /// </summary>
    private async ValueTask<(SharedVector<T> R, SharedVector<T> SignedScale)> NormalisedReciprocalAsync(SharedVector<T> x,
        CancellationToken ct)
    {
        var (sign, magnitude) = await SignAndMagnitudeAsync(x, ct).ConfigureAwait(false);
        var (y, indicators) = await NormaliseAsync(magnitude, even: false, ct).ConfigureAwait(false);
        var scale = Combine(indicators, m => T.FromInt128(Int128.One << (_width - m)));
        var signedScale = _suite.MultiplyAsync(scale, sign, ct); // beside the first Newton step: both take their tags now
        // r0 = 2.9142 - 2y, then r = r (2 - y r): the relative error squares, 0.086 -> 7e-3 -> 5e-5 -> 3e-9.
        var r = _suite.AddPublic(_suite.Scale(y, T.FromInt64(-2)), Repeat(2.9142, x.Length));
        for (int step = 0; step < 3; step++)
        {
            var yr = await _suite.MultiplyAndTruncateAsync(y, r, _f, ct).ConfigureAwait(false);
            r = await _suite.MultiplyAndTruncateAsync(r, _suite.AddPublic(Negate(yr), Repeat(2, x.Length)), _f, ct).ConfigureAwait(false);
        }
        return (r, await signedScale.ConfigureAwait(false));
    }

    /// <summary>v ±2^(L - m) / 2^(L - f): one product with the integer, one truncation.</summary>
    private async ValueTask<SharedVector<T>> ScaleBackAsync(SharedVector<T> v, SharedVector<T> signedScale, CancellationToken ct)
    {
        var scaled = await _suite.MultiplyAsync(v, signedScale, ct).ConfigureAwait(false);
        return await _suite.TruncateAsync(scaled, _width - _f, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// sqrt(x) for 2^-f &lt;= x &lt; 2^IntegerBits (0 gives 0): normalisation by an even shift into [0.25, 1) (C + 2),
    /// 4 Newton steps for 1/sqrt(y) from 7/3 - 4y/3 (12 M), y times it (M), the scaling back (2). Error: within 2^-12
    /// relative plus 2 units.
    /// </summary>
    public async ValueTask<SharedVector<T>> SqrtAsync(SharedVector<T> x, CancellationToken ct = default)
    {
        var (y, indicators) = await NormaliseAsync(x, even: true, ct).ConfigureAwait(false);
        var half = await _suite.TruncateAsync(y, 1, ct).ConfigureAwait(false);
        var q = _suite.AddPublic(await _suite.MultiplyAndTruncateAsync(y, Constant(-4.0 / 3, x.Length), _f, ct).ConfigureAwait(false),
            Repeat(7.0 / 3, x.Length));
        for (int step = 0; step < 4; step++)
        {
            var q2 = await _suite.MultiplyAndTruncateAsync(q, q, _f, ct).ConfigureAwait(false);
            var t = await _suite.MultiplyAndTruncateAsync(half, q2, _f, ct).ConfigureAwait(false);
            q = await _suite.MultiplyAndTruncateAsync(q, _suite.AddPublic(Negate(t), Repeat(1.5, x.Length)), _f, ct).ConfigureAwait(false);
        }
        var root = await _suite.MultiplyAndTruncateAsync(y, q, _f, ct).ConfigureAwait(false);
        // x 2^f = Z / 2^s with Z = y 2^L and s = L - m rounded down to even: sqrt(x) 2^f = sqrt(y) 2^f 2^((L - f - s) / 2),
        // as the integer 2^((L - f - s) / 2 + f / 2), then truncated by f / 2.
        var scale = Combine(indicators, m => T.FromInt128(Int128.One << ((_width - EvenShift(m) - _f) / 2 + _f / 2)));
        var scaled = await _suite.MultiplyAsync(root, scale, ct).ConfigureAwait(false);
        return await _suite.TruncateAsync(scaled, _f / 2, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// e^x for x &lt; (IntegerBits - 1) ln 2 (below -(f + 1) ln 2 it gives 0): u = x log2 e (1), floor(u) by comparisons
    /// with the integers of the range (C), 2^floor(u) from their indicators (local), 2^frac(u) by a degree-7 polynomial
    /// (3 M + 1), their product (M). Error: within 2^-12 relative plus 2 units.
    /// </summary>
    public async ValueTask<SharedVector<T>> ExpAsync(SharedVector<T> x, CancellationToken ct = default)
    {
        int n = x.Length, low = -(_f + 1), high = IntegerBits - 1;
        var u = await _suite.TruncateAsync(_suite.MultiplyPublic(x, Repeat(Math.Log2(Math.E), n)), _f, ct).ConfigureAwait(false);
        // below[j] = [u < j] for j = low + 1 .. high: floor(u) = low + the number of j <= u (clamped to [low, high]).
        int count = high - low;
        var differences = SharedVector<T>.Concat([.. Enumerable.Range(low + 1, count).Select(j => _suite.AddPublic(u, Repeat(-j, n)))]);
        var below = await _suite.LessThanZeroAsync(differences, ct: ct).ConfigureAwait(false);
        var atLeast = Enumerable.Range(0, count).Select(i => _suite.AddPublic(Negate(below.Slice(i * n, n)), Ones(n))).ToArray();
        var floor = _suite.AddPublic(Sum(atLeast), Enumerable.Repeat(T.FromInt64(low), n).ToArray());
        var fraction = _suite.Subtract(u, _suite.Scale(floor, T.FromInt128(Int128.One << _f)));
        // 2^floor: the indicator of floor = j is atLeast[j] - atLeast[j + 1] (atLeast[low] = 1, atLeast[high + 1] = 0).
        var power = _suite.Constant(new T[n]);
        for (int j = low; j <= high; j++)
        {
            if (j + _f < 0) continue; // 2^j below the format's resolution: 0
            var from = j == low ? _suite.Constant(Ones(n)) : atLeast[j - low - 1];
            var indicator = j == high ? from : _suite.Subtract(from, atLeast[j - low]);
            power = _suite.Add(power, _suite.Scale(indicator, T.FromInt128(Int128.One << (j + _f))));
        }
        // 2^t for t in [0, 1) as a polynomial in s = 2t - 1.
        var s = _suite.AddPublic(_suite.Scale(fraction, T.FromInt64(2)), Repeat(-1, n));
        var poly = await PolynomialAsync(s, Exp2, ct).ConfigureAwait(false);
        return await _suite.MultiplyAndTruncateAsync(power, poly, _f, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// ln x for 2^-f &lt;= x &lt; 2^IntegerBits: normalisation into [0.5, 1) (C + 2), ln y by a degree-10 polynomial in
    /// 4y - 3 (4 M + 1), plus the exponent times ln 2 (local). Error: within 2^-12 plus 2 units.
    /// </summary>
    public async ValueTask<SharedVector<T>> LogAsync(SharedVector<T> x, CancellationToken ct = default)
    {
        int n = x.Length;
        var (y, indicators) = await NormaliseAsync(x, even: false, ct).ConfigureAwait(false);
        var s = _suite.AddPublic(_suite.Scale(y, T.FromInt64(4)), Repeat(-3, n));
        var lnY = await PolynomialAsync(s, Ln, ct).ConfigureAwait(false);
        // x = y 2^(m - f): ln x = ln y + (m - f) ln 2, the second a public multiple of each indicator.
        var exponent = Combine(indicators, m => _format.Encode<T>((m - _f) * Math.Log(2)));
        return _suite.Add(lnY, exponent);
    }

    /// <summary>
    /// y = x 2^(L - m) / 2^(L - f) in [0.5, 1) (or, <paramref name="even"/>, the shift rounded down to even: [0.25, 1)), and
    /// the indicators of x's bit length m (x 2^f in [2^(m-1), 2^m)): one comparison of n L elements, one product, one
    /// truncation.
    /// </summary>
    private async ValueTask<(SharedVector<T> Y, SharedVector<T>[] Indicators)> NormaliseAsync(SharedVector<T> x, bool even,
        CancellationToken ct)
    {
        int n = x.Length;
        // below[m] = [x 2^f < 2^m] for m = 1 .. L; the bit length is m where below[m] - below[m - 1] = 1 (below[0] = 0).
        var differences = SharedVector<T>.Concat([.. Enumerable.Range(1, _width)
            .Select(m => _suite.AddPublic(x, Enumerable.Repeat(T.FromInt128(-(Int128.One << m)), n).ToArray()))]);
        var below = await _suite.LessThanZeroAsync(differences, ct: ct).ConfigureAwait(false);
        var indicators = new SharedVector<T>[_width + 1];
        indicators[0] = _suite.Constant(new T[n]);
        for (int m = 1; m <= _width; m++)
            indicators[m] = m == 1 ? below.Slice(0, n) : _suite.Subtract(below.Slice((m - 1) * n, n), below.Slice((m - 2) * n, n));
        var shift = Combine(indicators, m => T.FromInt128(Int128.One << (even ? EvenShift(m) : _width - m)));
        var z = await _suite.MultiplyAsync(x, shift, ct).ConfigureAwait(false);
        return (await _suite.TruncateAsync(z, _width - _f, ct).ConfigureAwait(false), indicators);
    }

    private int EvenShift(int m) => (_width - m) - ((_width - m) % 2);

    /// <summary>Σ_m indicators[m] g(m) for m = 1 .. L: local.</summary>
    private SharedVector<T> Combine(SharedVector<T>[] indicators, Func<int, T> g)
    {
        var sum = _suite.Scale(indicators[1], g(1));
        for (int m = 2; m < indicators.Length; m++) sum = _suite.Add(sum, _suite.Scale(indicators[m], g(m)));
        return sum;
    }

    /// <summary>
    /// Σ c_i s^i for |s| &lt;= 1: s^1..s^d by a tree of fixed-point products (ceil(log2 d) M), then the public
    /// coefficients at double precision and one truncation.
    /// </summary>
    private async ValueTask<SharedVector<T>> PolynomialAsync(SharedVector<T> s, double[] coefficients, CancellationToken ct)
    {
        int n = s.Length, degree = coefficients.Length - 1;
        var powers = new SharedVector<T>[degree + 1];
        powers[1] = s;
        for (int have = 1; have < degree; have *= 2)
        {
            int next = Math.Min(2 * have, degree);
            var left = SharedVector<T>.Concat([.. Enumerable.Range(have + 1, next - have).Select(_ => powers[have])]);
            var right = SharedVector<T>.Concat([.. Enumerable.Range(have + 1, next - have).Select(i => powers[i - have])]);
            var products = await _suite.MultiplyAndTruncateAsync(left, right, _f, ct).ConfigureAwait(false);
            for (int i = have + 1; i <= next; i++) powers[i] = products.Slice((i - have - 1) * n, n);
        }
        // c_0 2^2f + Σ c_i 2^f (s^i 2^f), truncated once by f.
        var sum = _suite.Constant(Enumerable.Repeat(T.FromInt128((Int128)Math.Round(Math.ScaleB(coefficients[0], 2 * _f))), n).ToArray());
        for (int i = 1; i <= degree; i++) sum = _suite.Add(sum, _suite.Scale(powers[i], _format.Encode<T>(coefficients[i])));
        return await _suite.TruncateAsync(sum, _f, ct).ConfigureAwait(false);
    }

    private async ValueTask<(SharedVector<T> Sign, SharedVector<T> Magnitude)> SignAndMagnitudeAsync(SharedVector<T> x,
        CancellationToken ct)
    {
        var negative = await _suite.LessThanZeroAsync(x, ct: ct).ConfigureAwait(false);
        var sign = _suite.AddPublic(_suite.Scale(negative, T.FromInt64(-2)), Ones(x.Length)); // 1 - 2[x < 0]
        return (sign, await _suite.MultiplyAsync(x, sign, ct).ConfigureAwait(false));
    }

    private SharedVector<T> Negate(SharedVector<T> x) => _suite.Scale(x, T.FromInt64(-1));

    private SharedVector<T> Constant(double value, int n) => _suite.Constant(Repeat(value, n));

    private SharedVector<T> Sum(SharedVector<T>[] parts)
    {
        var sum = parts[0];
        for (int i = 1; i < parts.Length; i++) sum = _suite.Add(sum, parts[i]);
        return sum;
    }

    private T[] Repeat(double value, int n) => Enumerable.Repeat(_format.Encode<T>(value), n).ToArray();

    private static T[] Ones(int n) => Enumerable.Repeat(T.One, n).ToArray();
}
