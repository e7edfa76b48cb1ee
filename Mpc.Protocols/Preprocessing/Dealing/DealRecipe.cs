using System.Runtime.InteropServices;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing.Dealing;

/// <summary>One vector of a dealing: its length in 64-bit words and whether it is XOR-shared (else additive mod 2^64).</summary>
internal readonly record struct VectorShape(int Length, bool Xor);

/// <summary>
/// The full values of the masks a dealer has dealt, by the tag of their dealing: every later triple for a mask
/// (<see cref="DealKind.MatrixTripleForMask"/>) needs the whole A.
/// </summary>
internal sealed class DealtMasks
{
    private readonly Dictionary<(int Rows, int Columns, ulong Ordinal), Z2k[]> _masks = [];

    public void Keep(int rows, int columns, ulong ordinal, Z2k[] full)
    {
        lock (_masks) _masks[(rows, columns, ordinal)] = full;
    }

    public Z2k[] Find(int rows, int columns, ulong ordinal)
    {
        lock (_masks)
            return _masks.TryGetValue((rows, columns, ordinal), out var full)
                ? full
                : throw new ArgumentException($"no {rows}x{columns} mask was dealt as #{ordinal}");
    }
}

/// <summary>
/// What one dealing produces: the free vectors (uniform; every party's share comes from a PRG) and the dependent ones,
/// a function of the free vectors' full values. Every party derives the shapes from the request alone; only the dealer
/// runs <see cref="Compute"/>.
/// </summary>
internal sealed class DealRecipe
{
    /// <summary>The most 64-bit words one dealing may hold, over all its vectors (1 GiB): a larger request is refused.</summary>
    public const long MaxWords = 1L << 27;

    private const ulong Low63 = (1UL << 63) - 1;

    private readonly Func<Z2k[][], Z2k[][]> _compute;

    private DealRecipe(VectorShape[] free, VectorShape[] dependent, Func<Z2k[][], Z2k[][]> compute)
    {
        Free = free;
        Dependent = dependent;
        All = [.. free, .. dependent];
        DependentWords = dependent.Sum(v => (long)v.Length);
        TotalWords = DependentWords + free.Sum(v => (long)v.Length);
        if (TotalWords > MaxWords)
            throw new ArgumentException($"the dealing would hold {TotalWords} words, more than the {MaxWords} allowed");
        _compute = compute;
    }

    public VectorShape[] Free { get; }

    public VectorShape[] Dependent { get; }

    /// <summary>Free then dependent.</summary>
    public VectorShape[] All { get; }

    /// <summary>64-bit words over every vector.</summary>
    public long TotalWords { get; }

    /// <summary>64-bit words over the dependent vectors: what the dealer sends party 0 for this dealing.</summary>
    public long DependentWords { get; }

    /// <summary>The dependent vectors' full values from the free vectors' full values.</summary>
    public Z2k[][] Compute(Z2k[][] free) => _compute(free);

    /// <summary>The recipe of <paramref name="request"/>; <paramref name="masks"/> holds (and receives) full masks at the dealer.</summary>
    /// <exception cref="ArgumentException">The request's sizes are out of range.</exception>
    public static DealRecipe For(DealRequest request, DealtMasks masks)
    {
        var r = request;
        return r.Kind switch
        {
            DealKind.Triples => Triples(Count(r.P0)),
            DealKind.MatrixTriple => MatrixTriple(Count(r.P0), Count(r.P1), Count(r.P2)),
            DealKind.MatrixMask => MatrixMask(r.Ordinal, Count(r.P0), Count(r.P1), masks),
            DealKind.MatrixTripleForMask => MatrixTripleForMask((uint)r.P0, Count(r.P1), Count(r.P2), Count(r.P3), Count(r.P4),
                Flag(r.P5), Count(r.P6), masks),
            DealKind.TruncationMasks => TruncationMasks(Count(r.P0), Range(r.P1, 0, 62, "bits")),
            DealKind.TruncationPowerMasks => TruncationPowerMasks(Count(r.P0), Range(r.P1, 0, 62, "bits"),
                Range(r.P2, 1, IPowerPreprocessing.MaxDegree, "degree")),
            DealKind.BitMasks => BitMasks(Count(r.P0), Range(r.P1, 0, 64, "bits")),
            DealKind.PowerMasks => PowerMasks(Count(r.P0), Range(r.P1, 1, IPowerPreprocessing.MaxDegree, "degree")),
            DealKind.ComparisonMasks => ComparisonMasks(Count(r.P0), Range(r.P1, 1, 64, "bits"), Flag(r.P2)),
            DealKind.AndTuples => AndTuples(Range(r.P0, 2, 8, "fan-in"), Count(r.P1)),
            _ => throw new ArgumentException($"{r.Kind} is not a dealing"),
        };
    }

    private static int Count(int value) => value >= 0 ? value : throw new ArgumentException($"size {value} is negative");

    private static int Range(int value, int min, int max, string what) =>
        value >= min && value <= max ? value : throw new ArgumentException($"{what} {value} is outside {min}..{max}");

    private static bool Flag(int value) => value is 0 or 1 ? value == 1 : throw new ArgumentException($"flag {value} is neither 0 nor 1");

    private static long Product(int a, int b) =>
        (long)a * b <= int.MaxValue ? a * b : throw new ArgumentException($"{a} x {b} elements is too many");

    private static VectorShape Ring(long length) => new(checked((int)length), false);

    private static VectorShape Words(long length) => new(checked((int)length), true);

    private static Span<ulong> W(Z2k[] vector) => MemoryMarshal.Cast<Z2k, ulong>(vector.AsSpan());

    private static DealRecipe Triples(int count) => new([Ring(count), Ring(count)], [Ring(count)], free =>
    {
        var c = new Z2k[count];
        VectorMath.Multiply<Z2k>(free[0], free[1], c);
        return [c];
    });

    private static DealRecipe MatrixTriple(int rows, int inner, int columns) =>
        new([Ring(Product(rows, inner)), Ring(Product(inner, columns))], [Ring(Product(rows, columns))], free =>
        {
            var c = new Z2k[rows * columns];
            VectorMath.MatrixMultiply<Z2k>(free[0], free[1], c, rows, inner, columns);
            return [c];
        });

    private static DealRecipe MatrixMask(ulong ordinal, int rows, int columns, DealtMasks masks) =>
        new([Ring(Product(rows, columns))], [], free =>
        {
            masks.Keep(rows, columns, ordinal, free[0]);
            return [];
        });

    // The mask is named by its ordinal and shape; the triple is for rows [firstRow, firstRow + rows) of it.
    private static DealRecipe MatrixTripleForMask(uint maskOrdinal, int maskRows, int width, int firstRow, int rows, bool transposed,
        int columns, DealtMasks masks)
    {
        if ((long)firstRow + rows > maskRows)
            throw new ArgumentException(
                $"rows {firstRow}..{firstRow + rows - 1} do not lie within the {maskRows} rows of mask #{maskOrdinal}");
        long bLength = Product(transposed ? rows : width, columns), cLength = Product(transposed ? width : rows, columns);
        return new([Ring(bLength)], [Ring(cLength)], free =>
        {
            var full = masks.Find(maskRows, width, maskOrdinal);
            var a = full.AsSpan(firstRow * width, rows * width);
            var c = new Z2k[cLength];
            if (transposed) VectorMath.TransposedMatrixMultiply<Z2k>(a, free[0], c, rows, width, columns);
            else VectorMath.MatrixMultiply<Z2k>(a, free[0], c, rows, width, columns);
            return [c];
        });
    }

    private static DealRecipe TruncationMasks(int count, int bits) => new([Ring(count)], [Ring(count), Ring(count)], free =>
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

    // Free: r. Dependent: T, then L^1 .. L^d, then T L^1 .. T L^(d-1) (T L^0 is T).
    private static DealRecipe TruncationPowerMasks(int count, int bits, int degree) =>
        new([Ring(count)], Enumerable.Repeat(Ring(count), 2 * degree).ToArray(), free =>
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

    private static DealRecipe BitMasks(int count, int bits) => new([Ring(count)], [Ring(Product(count, bits))], free =>
    {
        var bitValues = new Z2k[count * bits];
        for (int e = 0; e < count; e++)
            for (int i = 0; i < bits; i++)
                bitValues[e * bits + i] = new Z2k((free[0][e].Value >> i) & 1);
        return [bitValues];
    });

    // Free: rho. Dependent: rho^2 .. rho^degree, each the previous times rho.
    private static DealRecipe PowerMasks(int count, int degree) =>
        new([Ring(count)], Enumerable.Repeat(Ring(count), degree - 1).ToArray(), free =>
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

    // Free: r (additive) and the conversion bits (XOR), and with products a uniform beta (additive). Dependent: r's low bits
    // (XOR, packed 64 elements to a word), the conversion bits as ring values, and with products rho beta.
    private static DealRecipe ComparisonMasks(int count, int bits, bool withProducts)
    {
        int words = (count + 63) >> 6;
        VectorShape[] free = withProducts ? [Ring(count), Words(words), Ring(count)] : [Ring(count), Words(words)];
        VectorShape[] dependent = withProducts
            ? [Words((long)bits * words), Ring(count), Ring(count)]
            : [Words((long)bits * words), Ring(count)];
        return new(free, dependent, values =>
        {
            var r = W(values[0]);
            var conversionWords = W(values[1]);
            var packed = new Z2k[bits * words];
            var packedWords = W(packed);
            for (int e = 0; e < count; e++)
            {
                ulong value = r[e], bit = 1UL << (e & 63);
                int word = e >> 6;
                for (int i = 0; i < bits; i++)
                    if (((value >> i) & 1) != 0) packedWords[i * words + word] |= bit;
            }
            var conversion = new Z2k[count];
            for (int e = 0; e < count; e++) conversion[e] = new Z2k((conversionWords[e >> 6] >> (e & 63)) & 1);
            if (!withProducts) return [packed, conversion];
            var products = new Z2k[count];
            for (int e = 0; e < count; e++) products[e] = new Z2k(unchecked(conversion[e].Value * values[2][e].Value));
            return [packed, conversion, products];
        });
    }

    // Free: the k masks. Dependent: the AND of every subset of two or more, in increasing subset order, each the AND of a
    // smaller subset (already computed) and one mask.
    private static DealRecipe AndTuples(int fanIn, int words)
    {
        int subsets = (1 << fanIn) - 1;
        var composite = CompositeSubsets(fanIn);
        return new(Enumerable.Repeat(Words(words), fanIn).ToArray(), composite.Select(_ => Words(words)).ToArray(), free =>
        {
            var and = new Z2k[subsets + 1][];
            for (int i = 0; i < fanIn; i++) and[1 << i] = free[i];
            foreach (int mask in composite)
            {
                int low = mask & -mask;
                var rest = W(and[mask ^ low]);
                var single = W(and[low]);
                var product = new Z2k[words];
                var productWords = W(product);
                for (int w = 0; w < words; w++) productWords[w] = rest[w] & single[w];
                and[mask] = product;
            }
            return composite.Select(mask => and[mask]).ToArray();
        });
    }

    /// <summary>
    /// The subsets of two or more of <paramref name="fanIn"/> masks, in the order <see cref="DealKind.AndTuples"/> deals them.
    /// </summary>
    public static List<int> CompositeSubsets(int fanIn)
    {
        var composite = new List<int>();
        for (int mask = 3; mask < 1 << fanIn; mask++)
            if ((mask & (mask - 1)) != 0) composite.Add(mask);
        return composite;
    }
}
