using System.Runtime.CompilerServices;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Preprocessing by a trusted dealer, PRG-compressed as CrypTen's trusted third party does: every party
/// other than the dealer derives its shares from the PRG it shares with the dealer, and the dealer takes
/// the correction (c_0 = a b - sum of the others' c_i) as its own share. No communication, no rounds.
/// </summary>
/// <remarks>
/// Security: the dealer knows every triple, so it must be trusted not to combine them with what it sees
/// online (semi-honest, non-colluding). Here the dealer is party 0 of the computation; deployments that cannot
/// trust any computing party use the OT-based source instead.
/// </remarks>
public sealed class DealerPreprocessing(Session session) : IAdditivePreprocessing, IBinaryPreprocessing, IPowerPreprocessing
{
    /// <summary>The party that plays the dealer.</summary>
    public const int Dealer = 0;

    private const ulong Low63 = (1UL << 63) - 1;

    // Masks this source dealt; the dealer also keeps the full A, which every later triple for the mask needs.
    private readonly ConditionalWeakTable<MatrixMask, DealtMask> _masks = new();

    /// <inheritdoc />
    public string Name => "dealer";

    /// <inheritdoc />
    public PreprocessingUsage Usage { get; } = new();

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default)
    {
        var v = Deal([count, count], [count], free =>
        {
            var c = new Z2k[count];
            VectorMath.Multiply<Z2k>(free[0], free[1], c);
            return [c];
        });
        Usage.AddTriples(count);
        return ValueTask.FromResult(new BeaverTriples<Z2k>(v[0], v[1], v[2]));
    }

    /// <inheritdoc />
    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default)
    {
        var v = Deal([rows * inner, inner * columns], [rows * columns], free =>
        {
            var c = new Z2k[rows * columns];
            VectorMath.MatrixMultiply<Z2k>(free[0], free[1], c, rows, inner, columns);
            return [c];
        });
        Usage.AddMatrixTriple(v[0].Length + v[1].Length + v[2].Length);
        return ValueTask.FromResult(new MatrixTriple<Z2k>(v[0], v[1], v[2], rows, inner, columns));
    }

    /// <inheritdoc />
    public ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Z2k[]? full = null;
        var v = Deal([rows * columns], [], free =>
        {
            full = free[0];
            return [];
        });
        var mask = new MatrixMask(v[0], rows, columns);
        _masks.Add(mask, new DealtMask(full));
        Usage.AddMatrixMask(v[0].Length);
        return ValueTask.FromResult(mask);
    }

    /// <inheritdoc />
    public ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (!_masks.TryGetValue(mask.Whole, out var dealt))
            throw new ArgumentException("This mask was not taken from this preprocessing source.", nameof(mask));
        int rows = mask.Rows, width = mask.Columns;
        int bLength = (transposed ? rows : width) * columns, cLength = (transposed ? width : rows) * columns;
        var v = Deal([bLength], [cLength], free =>
        {
            // Only the dealer runs this, and only the dealer kept the full A.
            var a = dealt.Full.AsSpan(mask.FirstRow * width, rows * width);
            var c = new Z2k[cLength];
            if (transposed) VectorMath.TransposedMatrixMultiply<Z2k>(a, free[0], c, rows, width, columns);
            else VectorMath.MatrixMultiply<Z2k>(a, free[0], c, rows, width, columns);
            return [c];
        });
        Usage.AddMatrixTriple(v[0].Length + v[1].Length);
        return ValueTask.FromResult(new FixedMaskTriple(v[0], v[1], transposed, columns));
    }

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        var v = Deal([count], [count, count], free =>
        {
            var top = new Z2k[count];
            var low = new Z2k[count];
            for (int i = 0; i < count; i++)
            {
                ulong r = free[0][i].Value;
                top[i] = new Z2k(r >> 63);
                low[i] = new Z2k((r & Low63) >> bits);
            }
            return [top, low];
        });
        Usage.AddTruncationMasks(count);
        return ValueTask.FromResult(new TruncationMasks(v[0], v[1], v[2], bits));
    }

    /// <inheritdoc />
    public ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, IPowerPreprocessing.MaxDegree);
        // Free: r. Dependent: T, then L^1 .. L^d, then T L^1 .. T L^(d-1) (T L^0 is T).
        var v = Deal([count], Enumerable.Repeat(count, 2 * degree).ToArray(), free =>
        {
            var result = new Z2k[2 * degree][];
            for (int k = 0; k < result.Length; k++) result[k] = new Z2k[count];
            for (int i = 0; i < count; i++)
            {
                ulong r = free[0][i].Value, top = r >> 63, low = (r & Low63) >> bits, power = 1;
                result[0][i] = new Z2k(top);
                for (int j = 1; j <= degree; j++)
                {
                    power = unchecked(power * low);
                    result[j][i] = new Z2k(power);
                    if (j < degree) result[degree + j][i] = new Z2k(top * power);
                }
            }
            return result;
        });
        var lowPowers = new Z2k[degree * count];
        var topTimesLowPowers = new Z2k[degree * count];
        v[1].CopyTo(topTimesLowPowers, 0);
        for (int j = 1; j <= degree; j++) v[1 + j].CopyTo(lowPowers, (j - 1) * count);
        for (int j = 1; j < degree; j++) v[1 + degree + j].CopyTo(topTimesLowPowers, j * count);
        Usage.AddTruncationMasks(count);
        Usage.AddPowerMasks(count);
        var masks = new TruncationMasks(v[0], v[1], v[2], bits);
        return ValueTask.FromResult(new TruncationPowerMasks(masks, lowPowers, topTimesLowPowers, degree));
    }

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        var v = Deal([count], [count * bits], free =>
        {
            var bitValues = new Z2k[count * bits];
            for (int e = 0; e < count; e++)
                for (int i = 0; i < bits; i++)
                    bitValues[e * bits + i] = new Z2k((free[0][e].Value >> i) & 1);
            return [bitValues];
        });
        Usage.AddBitMasks(count);
        return ValueTask.FromResult(new BitMasks(v[0], v[1], bits));
    }

    /// <inheritdoc />
    public ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, IPowerPreprocessing.MaxDegree);
        // Free: rho. Dependent: rho^2 .. rho^degree, each the previous times rho.
        var v = Deal([count], Enumerable.Repeat(count, degree - 1).ToArray(), free =>
        {
            var powers = new Z2k[degree - 1][];
            var previous = free[0];
            for (int k = 0; k < degree - 1; k++)
            {
                powers[k] = new Z2k[count];
                VectorMath.Multiply<Z2k>(previous, free[0], powers[k]);
                previous = powers[k];
            }
            return powers;
        });
        var shares = new Z2k[degree * count];
        for (int k = 0; k < degree; k++) v[k].CopyTo(shares, k * count);
        Usage.AddPowerMasks(count);
        return ValueTask.FromResult(new PowerMasks(shares, count, degree));
    }

    /// <inheritdoc />
    public ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        int words = (count + 63) >> 6;
        // Free: r (additive) and the conversion bits (XOR), and with products a uniform beta (additive). Dependent: r's low
        // bits (XOR), the conversion bits as ring values, and with products rho beta.
        (int, bool)[] free = withProducts ? [(count, false), (words, true), (count, false)] : [(count, false), (words, true)];
        (int, bool)[] dependent = withProducts
            ? [(bits * words, true), (count, false), (count, false)]
            : [(bits * words, true), (count, false)];
        var v = DealWords(free, dependent, values =>
        {
            var r = values[0];
            var packed = new ulong[bits * words];
            for (int e = 0; e < count; e++)
            {
                ulong value = r[e], bit = 1UL << (e & 63);
                int word = e >> 6;
                for (int i = 0; i < bits; i++)
                    if (((value >> i) & 1) != 0) packed[i * words + word] |= bit;
            }
            var conversion = new ulong[count];
            for (int e = 0; e < count; e++) conversion[e] = (values[1][e >> 6] >> (e & 63)) & 1;
            if (!withProducts) return [packed, conversion];
            var products = new ulong[count];
            for (int e = 0; e < count; e++) products[e] = conversion[e] * values[2][e];
            return [packed, conversion, products];
        });
        Usage.AddBitMasks(count);
        int d = free.Length;
        return ValueTask.FromResult(new PackedComparisonMasks(AsRing(v[0]), v[d], v[1], AsRing(v[d + 1]), bits)
        {
            ProductMasks = withProducts ? AsRing(v[2]) : null,
            ConversionProducts = withProducts ? AsRing(v[d + 2]) : null,
        });
    }

    /// <inheritdoc />
    public ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fanIn, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(words);
        int subsets = (1 << fanIn) - 1;
        // Free: the k masks. Dependent: the AND of every subset of two or more, in increasing mask order, each the AND
        // of a smaller subset (already computed) and one mask.
        var composite = new List<int>();
        for (int mask = 3; mask <= subsets; mask++)
            if ((mask & (mask - 1)) != 0) composite.Add(mask);
        var v = DealWords(Enumerable.Repeat((words, true), fanIn).ToArray(), composite.Select(_ => (words, true)).ToArray(), free =>
        {
            var and = new ulong[subsets + 1][];
            for (int i = 0; i < fanIn; i++) and[1 << i] = free[i];
            foreach (int mask in composite)
            {
                int low = mask & -mask;
                var rest = and[mask ^ low];
                var single = and[low];
                var product = new ulong[words];
                for (int w = 0; w < words; w++) product[w] = rest[w] & single[w];
                and[mask] = product;
            }
            return composite.Select(mask => and[mask]).ToArray();
        });
        var shares = new ulong[subsets * words];
        for (int i = 0; i < fanIn; i++) v[i].CopyTo(shares, ((1 << i) - 1) * words);
        for (int j = 0; j < composite.Count; j++) v[fanIn + j].CopyTo(shares, (composite[j] - 1) * words);
        Usage.AddBinaryTriples(64L * words * (subsets - fanIn));
        return ValueTask.FromResult(new BinaryAndTuples(fanIn, words, shares));
    }

    private static Z2k[] AsRing(ulong[] words) => System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, Z2k>(words).ToArray();

    /// <summary>
    /// <see cref="Deal"/> for vectors of 64-bit words that are either additive shares (summed mod 2^64) or XOR shares
    /// (one flag per vector): my shares of the free vectors (uniform), then of the dependent ones.
    /// </summary>
    private ulong[][] DealWords((int Length, bool Xor)[] free, (int Length, bool Xor)[] dependent, Func<ulong[][], ulong[][]> dependents)
    {
        var tag = session.NextTag(ProtocolChannel.Preprocessing);
        var all = free.Concat(dependent).ToArray();
        var mine = all.Select(v => new ulong[v.Length]).ToArray();
        if (session.PartyId != Dealer)
        {
            using var prg = session.SharedPrg(Dealer, tag);
            foreach (var vector in mine) prg.Fill<ulong>(vector);
            return mine;
        }

        var sums = all.Select(v => new ulong[v.Length]).ToArray();
        for (int i = 0; i < free.Length; i++)
        {
            session.Random.Fill<ulong>(mine[i]);
            mine[i].CopyTo(sums[i], 0);
        }
        for (int p = 0; p < session.PartyCount; p++)
        {
            if (p == Dealer) continue;
            using var prg = session.SharedPrg(p, tag);
            for (int i = 0; i < all.Length; i++)
            {
                var derived = GC.AllocateUninitializedArray<ulong>(all[i].Length);
                prg.Fill<ulong>(derived);
                Combine(sums[i], derived, all[i].Xor);
            }
        }
        var full = dependents(sums[..free.Length]);
        for (int j = 0; j < dependent.Length; j++)
        {
            var share = mine[free.Length + j];
            var others = sums[free.Length + j];
            for (int k = 0; k < share.Length; k++) share[k] = dependent[j].Xor ? full[j][k] ^ others[k] : unchecked(full[j][k] - others[k]);
        }
        return mine;

        static void Combine(ulong[] sum, ulong[] value, bool xor)
        {
            if (xor) for (int k = 0; k < sum.Length; k++) sum[k] ^= value[k];
            else for (int k = 0; k < sum.Length; k++) sum[k] = unchecked(sum[k] + value[k]);
        }
    }

    /// <summary>
    /// One dealing: returns my shares of the free vectors (uniform) followed by the dependent ones, which are
    /// <paramref name="dependents"/> applied to the full free values. Non-dealers derive all their shares from the
    /// PRG they share with the dealer; the dealer draws its own free shares, derives everyone else's to learn the
    /// full values, and keeps (dependent value - the others' derived dependent shares).
    /// </summary>
    private Z2k[][] Deal(int[] freeLengths, int[] dependentLengths, Func<Z2k[][], Z2k[][]> dependents)
    {
        var tag = session.NextTag(ProtocolChannel.Preprocessing);
        var lengths = freeLengths.Concat(dependentLengths).ToArray();
        var mine = lengths.Select(length => new Z2k[length]).ToArray();
        if (session.PartyId != Dealer)
        {
            using var prg = session.SharedPrg(Dealer, tag);
            foreach (var vector in mine) prg.FillUniform<Z2k>(vector);
            return mine;
        }

        // Sums of the free vectors over every party, and of the others' dependent vectors.
        var sums = lengths.Select(length => new Z2k[length]).ToArray();
        for (int i = 0; i < freeLengths.Length; i++)
        {
            session.Random.FillUniform<Z2k>(mine[i]);
            mine[i].CopyTo(sums[i], 0);
        }
        for (int p = 0; p < session.PartyCount; p++)
        {
            if (p == Dealer) continue;
            using var prg = session.SharedPrg(p, tag);
            for (int i = 0; i < lengths.Length; i++)
            {
                var derived = GC.AllocateUninitializedArray<Z2k>(lengths[i]);
                prg.FillUniform<Z2k>(derived);
                VectorMath.Add<Z2k>(sums[i], derived, sums[i]);
            }
        }
        var full = dependents(sums[..freeLengths.Length]);
        for (int j = 0; j < dependentLengths.Length; j++)
            VectorMath.Subtract<Z2k>(full[j], sums[freeLengths.Length + j], mine[freeLengths.Length + j]);
        return mine;
    }

    private sealed record DealtMask(Z2k[]? Full);
}
