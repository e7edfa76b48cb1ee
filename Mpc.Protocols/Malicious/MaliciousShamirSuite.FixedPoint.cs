using System.Numerics;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols.Shamir.Internal;

namespace Mpc.Protocols.Malicious;

public sealed partial class MaliciousShamirSuite<T>
{
    /// <summary>Bits of statistical hiding of the masks that truncation and comparison open values under.</summary>
    public int StatisticalSecurity => 40;

    /// <inheritdoc />
    public int TruncationErrorBound => 1;

    /// <inheritdoc />
    /// <remarks>
    /// A masked value v + 2^(k-1) + r' + 2^m r'' with r' below 2^m and r'' below C(n, t) 2^(k+s-m) is below
    /// (C(n, t) + 1) 2^(k+s), which k keeps below p/2, so its opening never wraps.
    /// </remarks>
    public int TruncationInputBits =>
        (int)(T.Modulus - 1).GetBitLength() - 1 - StatisticalSecurity - Math.Max((int)Math.Ceiling(Math.Log2(_session.PartyCount)) + 2,
            (int)Math.Ceiling(Math.Log2(MaskTerms + 1)) + 1);

    /// <summary>C(n, t): the pseudo-random terms of a bounded mask (one per set of n - t parties).</summary>
    private int MaskTerms
    {
        get
        {
            long terms = 1;
            for (int i = 0; i < Threshold; i++) terms = terms * (_session.PartyCount - i) / (i + 1);
            return (int)terms;
        }
    }

    /// <summary>
    /// Catrina and Saxena's probabilistic truncation (FC 2010) with an authenticated mask whose range no party can
    /// stretch: open c = x + 2^(k-1) + r' + 2^m r'' and return floor(c / 2^m) - 2^(k-1-m) - r'', within one unit of
    /// floor(x / 2^m). r' (m bits) is made of checked random bits, so it is uniform below 2^m; r'' is a pseudo-random
    /// sum of C(n, t) integers below 2^(k+s-m) (<see cref="BoundedMasksAsync"/>), bounded whatever t parties do, with
    /// one term unknown to any t of them: r' + 2^m times that term is uniform below 2^(k+s) and hides x + 2^(k-1)
    /// within 2^-s. Rounds: one for the bits and the MAC of r'', one opening.
    /// </summary>
    public ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default)
    {
        Require(x, nameof(x));
        CheckShift(bits);
        return bits == 0 ? ValueTask.FromResult(x) : TruncateLaterAsync(ValueTask.FromResult(x), x.Length, bits, ct);
    }

    /// <inheritdoc />
    /// <remarks>The product, then the truncation, with every tag taken at the call.</remarks>
    public ValueTask<SharedVector<T>> MultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int bits,
        CancellationToken ct = default) =>
        Truncated(MultiplyAsync(x, y, ct), x.Length, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(SharedVector<T> x, SharedVector<T> y, int rows, int inner,
        int columns, int bits, CancellationToken ct = default) =>
        Truncated(MatrixMultiplyAsync(x, y, rows, inner, columns, ct), rows * columns, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> MatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns, int bits,
        CancellationToken ct = default) =>
        Truncated(MatrixMultiplyAsync(x, y, columns, ct), x.Rows * columns, bits, ct);

    /// <inheritdoc />
    public ValueTask<SharedVector<T>> TransposedMatrixMultiplyAndTruncateAsync(ReusableMatrix<T> x, SharedVector<T> y, int columns,
        int bits, CancellationToken ct = default) =>
        Truncated(TransposedMatrixMultiplyAsync(x, y, columns, ct), x.Columns * columns, bits, ct);

    private ValueTask<SharedVector<T>> Truncated(ValueTask<SharedVector<T>> product, int length, int bits, CancellationToken ct)
    {
        CheckShift(bits);
        return bits == 0 ? product : TruncateLaterAsync(product, length, bits, ct);
    }

    // The truncation of a vector still being computed: every tag taken now, in program order.
    private async ValueTask<SharedVector<T>> TruncateLaterAsync(ValueTask<SharedVector<T>> pending, int length, int bits,
        CancellationToken ct)
    {
        int k = TruncationInputBits;
        var randomBits = RandomBitsAsync(length * bits, ct);
        var highMask = BoundedMasksAsync(length, HighMaskBits ?? k + StatisticalSecurity - bits, ct);
        var openTag = _session.NextTag();
        var x = await pending.ConfigureAwait(false);
        var low = BitsValue(await randomBits.ConfigureAwait(false), length, bits);
        var high = await highMask.ConfigureAwait(false);

        var masked = Add(Add(x, low), Scale(high, Power(bits)));
        masked = AddPublic(masked, Repeat(Power(k - 1), length));
        var c = await OpenCheckedAsync(masked.Shares, openTag, "a truncation's masked value", ct).ConfigureAwait(false);
        OpenedTap?.Invoke("a truncation's masked value", c);

        var shifted = new T[length];
        var offset = Power(k - 1 - bits);
        for (int i = 0; i < length; i++) shifted[i] = T.FromInt128(T.ToSignedInt128(c[i]) >> bits) - offset;
        return Subtract(Constant(shifted), high);
    }

    /// <summary>
    /// [x &lt; 0] exactly for x in [-2^(b-1), 2^(b-1)): with y = x + 2^(b-1) and m = b - 1, open c = y + r' + 2^m r''
    /// (r' of m checked bits, kept as bits; r'' a bounded pseudo-random sum of C(n, t) terms of s + 1 bits, as in
    /// <see cref="TruncateAsync"/>), compare c mod 2^m with r' bit by bit ([c' &lt; r'] by a suffix OR of the differing
    /// bits, ceil(log2 m) product rounds), and return 1 - floor(y / 2^m), where y mod 2^m = c' - r' + 2^m [c' &lt; r'].
    /// Rounds: one for the bits, one opening, ceil(log2 m) products.
    /// </summary>
    public async ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default)
    {
        Require(x, nameof(x));
        int b = inputBits ?? TruncationInputBits;
        if (b < 2 || b > TruncationInputBits)
            throw new ArgumentOutOfRangeException(nameof(inputBits), b, $"Comparisons take 2 to {TruncationInputBits} input bits here.");
        int m = b - 1, length = x.Length;
        var randomBits = RandomBitsAsync(length * m, ct);
        var highMask = BoundedMasksAsync(length, StatisticalSecurity + 1, ct);
        var openTag = _session.NextTag();
        var all = await randomBits.ConfigureAwait(false);
        var low = BitsValue(all, length, m);
        var high = await highMask.ConfigureAwait(false);

        var y = AddPublic(x, Repeat(Power(m), length));
        var masked = Add(Add(y, low), Scale(high, Power(m)));
        var c = await OpenCheckedAsync(masked.Shares, openTag, "a comparison's masked value", ct).ConfigureAwait(false);

        // The low m bits of c, public, and [c' < r'] from r''s bits.
        var cLow = new UInt128[length];
        for (int i = 0; i < length; i++) cLow[i] = (UInt128)T.ToSignedInt128(c[i]) & ((UInt128.One << m) - 1);
        var less = await LessThanBitsAsync(cLow, all, length, m, ct).ConfigureAwait(false);

        // floor(y / 2^m) = (y - c' + r' - 2^m [c' < r']) / 2^m, and [x < 0] = 1 - that.
        var publicLow = new T[length];
        for (int i = 0; i < length; i++) publicLow[i] = T.FromInt128((Int128)cLow[i]);
        var remainderFree = Subtract(Add(Subtract(y, Constant(publicLow)), low), Scale(less, Power(m)));
        var msb = Scale(remainderFree, T.Inverse(Power(m)));
        return Subtract(Constant(Repeat(T.One, length)), msb);
    }

    /// <summary>
    /// [c' &lt; r'] per element for public c' and shared bits r'_0..r'_(m-1) (element-major in <paramref name="bits"/>,
    /// m per element): e_i = c_i xor r_i (local), f_i = OR of e_j for j &gt;= i (a suffix OR in
    /// ceil(log2 m) product rounds of at most m / 2 products per element), and the answer sum (f_i - f_(i+1)) (1 - c_i):
    /// r' is larger where they first differ from the top iff c has a 0 there.
    /// </summary>
    private async ValueTask<SharedVector<T>> LessThanBitsAsync(UInt128[] cLow, SharedVector<T> bits, int length, int m,
        CancellationToken ct)
    {
        // e, position-major: e[i * length + element].
        var eShares = new T[m * length];
        var eMacs = new T[m * length];
        for (int i = 0; i < m; i++)
            for (int e = 0; e < length; e++)
            {
                bool ci = ((cLow[e] >> i) & 1) != 0;
                var share = bits.Shares[e * m + i];
                var mac = bits.Macs![e * m + i];
                // c xor r = r for c = 0, 1 - r for c = 1.
                eShares[i * length + e] = ci ? T.One - share : share;
                eMacs[i * length + e] = ci ? _key - mac : mac;
            }
        // Suffix ORs by Sklansky's prefix (1960), from the top: after the level of span s, f_i is the OR of e_i .. the end
        // of i's block of 2s positions; each position in a block's lower half takes in the first of its upper half. At
        // most m / 2 products a level, ceil(log2 m) levels.
        for (int span = 1; span < m; span *= 2)
        {
            var pairs = new List<(int Position, int Upper)>();
            for (int start = 0; start + span < m; start += 2 * span)
                for (int i = start; i < start + span; i++) pairs.Add((i, start + span));
            var left = new T[pairs.Count * length];
            var leftMacs = new T[left.Length];
            var right = new T[left.Length];
            var rightMacs = new T[left.Length];
            for (int k = 0; k < pairs.Count; k++)
            {
                Array.Copy(eShares, pairs[k].Position * length, left, k * length, length);
                Array.Copy(eMacs, pairs[k].Position * length, leftMacs, k * length, length);
                Array.Copy(eShares, pairs[k].Upper * length, right, k * length, length);
                Array.Copy(eMacs, pairs[k].Upper * length, rightMacs, k * length, length);
            }
            var lower = new SharedVector<T>(left, leftMacs);
            var upper = new SharedVector<T>(right, rightMacs);
            var product = await MultiplyAsync(lower, upper, ct).ConfigureAwait(false);
            var combined = Subtract(Add(lower, upper), product);
            for (int k = 0; k < pairs.Count; k++)
            {
                Array.Copy(combined.Shares, k * length, eShares, pairs[k].Position * length, length);
                Array.Copy(combined.Macs!, k * length, eMacs, pairs[k].Position * length, length);
            }
        }
        var f = new SharedVector<T>(eShares, eMacs);
        // sum over i of (f_i - f_(i+1)) (1 - c_i), f_m = 0.
        var result = Constant(new T[length]);
        for (int i = 0; i < m; i++)
        {
            var fi = f.Slice(i * length, length);
            var first = i + 1 < m ? Subtract(fi, f.Slice((i + 1) * length, length)) : fi;
            var weights = new T[length];
            for (int e = 0; e < length; e++) weights[e] = ((cLow[e] >> i) & 1) != 0 ? T.Zero : T.One;
            result = Add(result, MultiplyPublic(first, weights));
        }
        return result;
    }

    /// <summary>
    /// The numbers of <paramref name="length"/> elements from their bits (element-major, <paramref name="width"/> each):
    /// sum over i of 2^i b_i, with its MAC.
    /// </summary>
    private static SharedVector<T> BitsValue(SharedVector<T> bits, int length, int width)
    {
        var values = new T[length];
        var macs = new T[length];
        for (int e = 0; e < length; e++)
        {
            T value = T.Zero, mac = T.Zero;
            for (int i = width - 1; i >= 0; i--) // Horner, from the top bit
            {
                value = value + value + bits.Shares[e * width + i];
                mac = mac + mac + bits.Macs![e * width + i];
            }
            (values[e], macs[e]) = (value, mac);
        }
        return new(values, macs);
    }

    /// <summary>
    /// Authenticated r'' for <paramref name="length"/> masks: a pseudo-random sum of C(n, t) integers below
    /// 2^<paramref name="bits"/> (<see cref="ShamirEngine{T}.BoundedRandomsAsync"/>; no communication) and its MAC by one
    /// product with the key, checked with the products (a wrong MAC, or honest shares off one polynomial, fails the
    /// check). Every tag is taken at the call.
    /// </summary>
    private async Task<SharedVector<T>> BoundedMasksAsync(int length, int bits, CancellationToken ct)
    {
        var values = _engine.BoundedRandomsAsync(length, bits, ct).AsTask();
        var macs = _engine.ReduceAsync(TamperedAsync(KeyProductAsync(values), MaskMacTamper), ct, beside: true).AsTask();
        var pair = PairAsync(values, macs);
        Track(pair, length);
        var (shares, shareMacs) = await pair.ConfigureAwait(false);
        return new SharedVector<T>(shares, shareMacs);
    }

    private static async ValueTask<T[]> TamperedAsync(ValueTask<T[]> local, Action<T[]>? tamper)
    {
        var shares = await local.ConfigureAwait(false);
        tamper?.Invoke(shares);
        return shares;
    }

    /// <summary>
    /// <paramref name="count"/> random bits with their MACs, by the square-root trick (p = 3 mod 4), in one round: for
    /// a random [a], the parties reduce [r a] (its MAC) and, beside it, open a^2 straight from the local products
    /// a_i a_i plus a pseudo-random sharing of zero of degree 2t (DN07's argument: the opened polynomial is uniform but
    /// for a^2). With s the square root of a^2, b = (a / s + 1) / 2 is 0 or 1, uniform, and no party knows it. A wrong
    /// a^2 opens to a non-square (caught at once) or to a wrong square, which <see cref="VerifyAsync"/> catches with
    /// one random combination of all the squares opened since the last check (see <see cref="SquareTerms"/>); until
    /// then nothing but the random a is at stake. Every tag is taken at the call.
    /// </summary>
    private async Task<SharedVector<T>> RandomBitsAsync(int count, CancellationToken ct)
    {
        if ((T.Modulus & 3) != 3)
            throw new NotSupportedException($"Random bits by square roots need p = 3 mod 4; {typeof(T).Name} is not.");
        var a = _engine.RandomsAsync(count, ct).AsTask();
        var zeros = _engine.WideZerosAsync(count, ct).AsTask();
        var aMac = _engine.ReduceAsync(KeyProductAsync(a), ct, beside: true).AsTask();
        var openTag = _session.NextTag();
        Track(PairAsync(a, aMac), count);
        var squares = OpenSquaresAsync(a, zeros, openTag, ct);
        _squares.Add(SquareClaimAsync(a, aMac, squares));

        var opened = await squares.ConfigureAwait(false);
        var roots = SquareRoots(opened);
        for (int i = 0; i < count; i++)
        {
            if (opened[i] == T.Zero || roots[i] * roots[i] != opened[i])
                throw new CheatingDetectedException(IntegrityCheck.SquareCheck, null,
                    $"the square of random value {i} of {count} opened to {(opened[i] == T.Zero ? "zero" : "a non-square")}");
        }
        var inverses = BatchInverse(roots);
        var half = T.Inverse(T.FromInt64(2));
        var shares = await a.ConfigureAwait(false);
        var macs = await aMac.ConfigureAwait(false);
        var bits = new T[count];
        var bitMacs = new T[count];
        var halfKey = half * _key;
        for (int i = 0; i < count; i++)
        {
            var weight = inverses[i] * half;
            bits[i] = weight * shares[i] + half;
            bitMacs[i] = weight * macs[i] + halfKey;
        }
        return new SharedVector<T>(bits, bitMacs);
    }

    // c^((p + 1) / 4), a square root of every square c: repeated squaring when (p + 1) / 4 is a power of two (2^127 - 1).
    private static T[] SquareRoots(T[] squares)
    {
        var exponent = (T.Modulus + 1) / 4;
        var roots = new T[squares.Length];
        if (exponent.IsPowerOfTwo)
        {
            VectorMath.RepeatedSquare<T>(squares, (int)(exponent.GetBitLength() - 1), roots);
            return roots;
        }
        for (int i = 0; i < squares.Length; i++) roots[i] = T.Pow(squares[i], (UInt128)exponent);
        return roots;
    }

    // Opens a^2 from my local product a_i a_i plus my share of a degree-2t zero: one round, every share checked.
    private async Task<T[]> OpenSquaresAsync(Task<T[]> a, Task<T[]> zeros, StreamTag tag, CancellationToken ct)
    {
        var shares = await a.ConfigureAwait(false);
        var square = await zeros.ConfigureAwait(false);
        for (int i = 0; i < square.Length; i++) square[i] += shares[i] * shares[i];
        SquareTamper?.Invoke(square);
        return await OpenCheckedAsync(square, tag, "a random value's square", ct, degree: _engine.ProductScheme).ConfigureAwait(false);
    }

    // What the check must confirm: the opened squares are the squares of [a] (whose MAC is [r a]).
    private static async Task<(T[] A, T[] AMacs, T[] Squares)> SquareClaimAsync(Task<T[]> a, Task<T[]> aMac, Task<T[]> squares) =>
        (await a.ConfigureAwait(false), await aMac.ConfigureAwait(false), await squares.ConfigureAwait(false));

    // Montgomery's trick: every inverse for one inversion and three products per element.
    private static T[] BatchInverse(T[] values)
    {
        var prefix = new T[values.Length];
        var running = T.One;
        for (int i = 0; i < values.Length; i++)
        {
            prefix[i] = running;
            running *= values[i];
        }
        var inverse = values.Length == 0 ? T.One : T.Inverse(running);
        var result = new T[values.Length];
        for (int i = values.Length - 1; i >= 0; i--)
        {
            result[i] = inverse * prefix[i];
            inverse *= values[i];
        }
        return result;
    }

    private static T Power(int bits) => T.FromInt128(Int128.One << bits);

    private static T[] Repeat(T value, int length)
    {
        var values = new T[length];
        Array.Fill(values, value);
        return values;
    }

    private void CheckShift(int bits)
    {
        if (bits < 0 || bits >= TruncationInputBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits,
                $"Truncation shifts by 0 to {TruncationInputBits - 1} bits in this suite.");
    }
}
