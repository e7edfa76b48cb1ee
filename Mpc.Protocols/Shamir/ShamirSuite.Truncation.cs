using System.Numerics;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Shamir;

public sealed partial class ShamirSuite<T>
{
    /// <summary>
    /// Catrina and Saxena's probabilistic truncation (FC 2010, TruncPR). For x in [-2^(k-1), 2^(k-1)):
    /// open c = x + 2^(k-1) + 2^m r'' + r', where r' = sum of 2^i b_i over m jointly random bits and r'' a
    /// jointly random mask of k + s - m bits (s = statistical security), and return (x - (c mod 2^m) + r') / 2^m.
    /// The result is floor(x / 2^m) or one more (the latter with probability (x mod 2^m) / 2^m).
    /// </summary>
    /// <remarks>
    /// Rounds: one input round for the mask contributions, ceil(log2(t + 1)) multiplication rounds to combine
    /// the random bits, then the one opening round. Random bits: each of parties 0..t contributes a secret
    /// random bit per position and the bits are combined by XOR (a + b - 2ab), so the result is uniform and
    /// unknown as long as one contributor is honest; r'' is the sum of every party's contribution, so one honest
    /// party's mask hides x statistically (distance at most 2^-s).
    /// </remarks>
    public async ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default)
    {
        if (bits < 0 || bits >= TruncationInputBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"Truncation shifts by 0 to {TruncationInputBits - 1} bits in this suite.");
        if (bits == 0) return x;
        int length = x.Length, k = TruncationInputBits;

        var (lowMask, highMask, _) = await MasksAsync(length, bits, k, ct).ConfigureAwait(false);

        // Round: open c = x + 2^(k-1) + 2^m r'' + r'.
        var masked = Add(Add(x, lowMask), Scale(highMask, T.FromInt128(Int128.One << bits)));
        var offset = T.FromInt128(Int128.One << (k - 1));
        var c = await OpenAsync(AddPublic(masked, Enumerable.Repeat(offset, length).ToArray()), ct).ConfigureAwait(false);

        // (x - c' + r') * 2^-m, with c' = c mod 2^m as an integer.
        var inverse = T.Inverse(T.FromInt128(Int128.One << bits));
        var cLow = new T[length];
        var lowBits = (BigInteger.One << bits) - 1;
        for (int i = 0; i < length; i++) cLow[i] = T.FromBigInteger(T.ToBigInteger(c[i]) & lowBits);
        var numerator = Add(x, lowMask);
        var shifted = new T[length];
        VectorMath.Subtract<T>(numerator.Shares, cLow, shifted);
        VectorMath.Scale<T>(shifted, inverse, shifted);
        return new(shifted);
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
        var lowBits = (BigInteger.One << m) - 1;
        for (int i = 0; i < length; i++)
        {
            var value = T.ToBigInteger(c[i]) & lowBits;
            cLow[i] = (UInt128)value;
            cLowElements[i] = T.FromBigInteger(value);
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
        var highRaw = new UInt128[length];
        random.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(highRaw.AsSpan()));
        UInt128 highMaskBits = (UInt128.One << highBits) - 1;
        for (int i = 0; i < length; i++) myHigh[i] = T.FromInt128((Int128)(highRaw[i] & highMaskBits));

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
