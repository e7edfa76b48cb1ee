using System.Numerics;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Shamir;

public sealed partial class ShamirSuite<T>
{
    /// <summary>
    /// Catrina and Saxena's probabilistic truncation (FC 2010, TruncPR). For x in [-2^(k-1), 2^(k-1)):
    /// open c = x + 2^(k-1) + 2^m r'' + r' and return (x - (c mod 2^m) + r') / 2^m, which is
    /// floor((x mod 2^m + r') / 2^m) above floor(x / 2^m). r'' is the sum of every party's mask of k + s - m bits,
    /// so one honest party's mask hides x statistically (distance at most 2^-s); r' is drawn as
    /// <see cref="Truncation"/> says.
    /// </summary>
    /// <remarks>
    /// Rounds: one input round for the mask contributions, then the opening; with
    /// <see cref="ShamirTruncation.RandomBits"/> also ceil(log2(t + 1)) multiplication rounds for the bits.
    /// </remarks>
    public async ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default)
    {
        if (bits < 0 || bits >= TruncationInputBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"Truncation shifts by 0 to {TruncationInputBits - 1} bits in this suite.");
        if (bits == 0) return x;
        int length = x.Length, k = TruncationInputBits;

        SharedVector<T> lowMask, highMask;
        int correction = 0;
        if (Truncation == ShamirTruncation.RandomBits)
            (lowMask, highMask, _) = await MasksAsync(length, bits, k, ct).ConfigureAwait(false);
        else
        {
            (lowMask, highMask) = await SummedMasksAsync(length, bits, k, ct).ConfigureAwait(false);
            correction = (Threshold + 1) / 2; // centres the error of a sum of t + 1 uniform low masks
        }

        // Round: open c = x + 2^(k-1) + 2^m r'' + r'.
        var masked = Add(Add(x, lowMask), Scale(highMask, T.FromInt128(Int128.One << bits)));
        var offset = T.FromInt128(Int128.One << (k - 1));
        var c = await OpenAsync(AddPublic(masked, Enumerable.Repeat(offset, length).ToArray()), ct).ConfigureAwait(false);

        // (x - c' + r') * 2^-m - correction, with c' = c mod 2^m (c is below 2^126, so its signed lift is itself).
        var inverse = T.Inverse(T.FromInt128(Int128.One << bits));
        var lowBits = (Int128.One << bits) - 1;
        var cLow = new T[length];
        for (int i = 0; i < length; i++) cLow[i] = T.FromInt128(T.ToSignedInt128(c[i]) & lowBits);
        var shifted = new T[length];
        VectorMath.Subtract<T>(Add(x, lowMask).Shares, cLow, shifted);
        VectorMath.Scale<T>(shifted, inverse, shifted);
        var result = new SharedVector<T>(shifted);
        return correction == 0 ? result : AddPublic(result, Enumerable.Repeat(T.FromInt64(-correction), length).ToArray());
    }

    /// <summary>
    /// One input round: parties 0..t each deal a low mask uniform in [0, 2^m) and every party deals a high mask
    /// uniform in [0, 2^(inputBits + s - m)); returns the sums.
    /// </summary>
    private async ValueTask<(SharedVector<T> Low, SharedVector<T> High)> SummedMasksAsync(int length, int bits, int inputBits, CancellationToken ct)
    {
        int n = _session.PartyCount, me = _session.PartyId;
        var myLow = RandomBelow(length, bits);
        var myHigh = RandomBelow(length, inputBits + StatisticalSecurity - bits);
        var lows = new List<ValueTask<SharedVector<T>>>();
        var highs = new List<ValueTask<SharedVector<T>>>();
        for (int p = 0; p <= Threshold; p++) lows.Add(InputAsync(p, myLow, length, ct));
        for (int p = 0; p < n; p++) highs.Add(InputAsync(p, myHigh, length, ct));
        var low = await lows[0].ConfigureAwait(false);
        for (int p = 1; p < lows.Count; p++) low = Add(low, await lows[p].ConfigureAwait(false));
        var high = await highs[0].ConfigureAwait(false);
        for (int p = 1; p < highs.Count; p++) high = Add(high, await highs[p].ConfigureAwait(false));
        return (low, high);
    }

    // Uniform integers in [0, 2^bits), bits <= 127, as field elements.
    private T[] RandomBelow(int length, int bits)
    {
        var raw = new UInt128[length];
        _session.Random.Fill<UInt128>(raw);
        UInt128 mask = bits >= 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;
        var result = new T[length];
        for (int i = 0; i < length; i++) result[i] = T.FromInt128((Int128)(raw[i] & mask));
        return result;
    }

    /// <summary>
    /// Exact [x &lt; 0] for x in [-2^(l-1), 2^(l-1)), via Catrina and de Hoogh's exact Mod2m (SCN 2010): with
    /// m = l - 1 and y = x + 2^m, open c = y + 2^m r'' + r', let c' = c mod 2^m and u = [c' &lt; r'] (BitLT);
    /// then y mod 2^m = c' - r' + 2^m u exactly, and bit m of y, (y - y mod 2^m) / 2^m, is 1 exactly when x >= 0.
    /// Rounds: the mask rounds of <see cref="TruncateAsync"/>, one opening, ceil(log2 m) for BitLT.
    /// </summary>
    public async ValueTask<SharedVector<T>> LessThanZeroAsync(SharedVector<T> x, int? inputBits = null, CancellationToken ct = default)
    {
        int l = inputBits ?? TruncationInputBits;
        if (l < 2 || l > TruncationInputBits)
            throw new ArgumentOutOfRangeException(nameof(inputBits), l, $"Comparison inputs have 2 to {TruncationInputBits} bits in this suite.");
        int length = x.Length, m = l - 1;
        var (lowMask, highMask, maskBits) = await MasksAsync(length, m, l, ct).ConfigureAwait(false);

        var twoToM = T.FromInt128(Int128.One << m);
        var y = AddPublic(x, Enumerable.Repeat(twoToM, length).ToArray());
        var c = await OpenAsync(Add(Add(y, lowMask), Scale(highMask, twoToM)), ct).ConfigureAwait(false);

        var cLow = new UInt128[length];
        var cLowElements = new T[length];
        var lowBits = (Int128.One << m) - 1;
        for (int i = 0; i < length; i++)
        {
            var value = T.ToSignedInt128(c[i]) & lowBits; // c is below 2^126: its signed lift is itself
            cLow[i] = (UInt128)value;
            cLowElements[i] = T.FromInt128(value);
        }
        var u = await Comparison.BitwiseLessThan.PublicLessThanSharedAsync(this, cLow, maskBits, m, ct).ConfigureAwait(false);

        // y mod 2^m = c' - r' + 2^m u; bit m of y = (y - y mod 2^m) / 2^m; x < 0 iff that bit is 0.
        var yMod = Add(Subtract(Constant(cLowElements), lowMask), Scale(u, twoToM));
        var top = Scale(Subtract(y, yMod), T.Inverse(twoToM));
        var one = Enumerable.Repeat(T.One, length).ToArray();
        return AddPublic(Scale(top, -T.One), one);
    }

    /// <summary>
    /// Shares of r' = sum 2^i b_i over m jointly random bits (and the bits, element-major), and of r'' (the sum of
    /// every party's mask of inputBits + s - m bits).
    /// </summary>
    private async ValueTask<(SharedVector<T> Low, SharedVector<T> High, SharedVector<T> Bits)> MasksAsync(int length, int bits, int inputBits, CancellationToken ct)
    {
        int n = _session.PartyCount, t = Threshold, me = _session.PartyId;
        int highBits = inputBits + StatisticalSecurity - bits;
        var random = _session.Random;

        // One input round: parties 0..t deal m random bits per element; every party deals its r'' part.
        var myBits = new T[length * bits];
        var myHigh = new T[length];
        if (me <= t)
        {
            var raw = new byte[myBits.Length];
            random.Fill(raw);
            for (int i = 0; i < myBits.Length; i++) myBits[i] = (raw[i] & 1) == 0 ? T.Zero : T.One;
        }
        RandomBelow(length, highBits).CopyTo(myHigh, 0);

        var bitInputs = new List<ValueTask<SharedVector<T>>>();
        for (int p = 0; p <= t; p++)
            bitInputs.Add(InputAsync(p, p == me ? myBits : ReadOnlyMemory<T>.Empty, myBits.Length, ct));
        var highInputs = new List<ValueTask<SharedVector<T>>>();
        for (int p = 0; p < n; p++)
            highInputs.Add(InputAsync(p, p == me ? myHigh : ReadOnlyMemory<T>.Empty, length, ct));

        var contributions = new List<SharedVector<T>>();
        foreach (var input in bitInputs) contributions.Add(await input.ConfigureAwait(false));
        SharedVector<T> high = await highInputs[0].ConfigureAwait(false);
        for (int p = 1; p < n; p++) high = Add(high, await highInputs[p].ConfigureAwait(false));

        // XOR the contributions pairwise, a tree of ceil(log2(t + 1)) multiplication rounds.
        while (contributions.Count > 1)
        {
            var next = new List<SharedVector<T>>();
            var products = new List<(SharedVector<T> A, SharedVector<T> B, ValueTask<SharedVector<T>> Product)>();
            for (int i = 0; i + 1 < contributions.Count; i += 2)
                products.Add((contributions[i], contributions[i + 1], MultiplyAsync(contributions[i], contributions[i + 1], ct)));
            foreach (var (a, b, product) in products)
            {
                var ab = await product.ConfigureAwait(false);
                next.Add(Subtract(Add(a, b), Scale(ab, T.FromInt64(2))));
            }
            if (contributions.Count % 2 == 1) next.Add(contributions[^1]);
            contributions = next;
        }
        var randomBits = contributions[0];

        // r' = sum over positions of 2^i b_i.
        var low = new T[length];
        for (int i = 0; i < bits; i++)
        {
            var weight = T.FromInt128(Int128.One << i);
            for (int e = 0; e < length; e++) low[e] += weight * randomBits.Shares[e * bits + i];
        }
        return (new(low), high, randomBits);
    }
}
