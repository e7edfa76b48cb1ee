using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing.Dealing;

namespace Mpc.Protocols.Preprocessing.Planning;

/// <summary>
/// Produces a plan's material in bulk: the requests that differ only in how many they ask for become one request to
/// the source (all triples at once, all truncation masks for one shift at once, all triples for one view of a mask as
/// one wide triple, ...), and each planned request gets its slice. Far fewer, far larger batches: the source's rounds
/// and per-call costs are paid once per kind instead of once per operation.
/// </summary>
/// <remarks>
/// Slices are as good as separately made material: every element of a batch is independent of the others, and the
/// columns of a wide triple op(A)[B_1 .. B_t] are the triples op(A) B_i. Packed comparison masks are sliced at word
/// boundaries (each request's share of the batch starts on a fresh word; the unused bits of its last word are cleared
/// at every party, so they stay shares of 0).
/// </remarks>
internal static class PlanProduction
{
    /// <summary>
    /// Makes the material of requests [<paramref name="first"/>, <paramref name="end"/>) of <paramref name="plan"/> into
    /// <paramref name="material"/> (by request index), appending the masks it makes to <paramref name="masks"/> (by
    /// ordinal; triples may be for masks made by an earlier range).
    /// </summary>
    public static async Task ProduceAsync(IAdditivePreprocessing source, IReadOnlyList<DealRequest> plan, int first, int end,
        object?[] material, List<MatrixMask> masks, CancellationToken ct)
    {
        var groups = new Dictionary<DealRequest, List<int>>();
        var order = new List<DealRequest>();
        for (int i = first; i < end; i++)
        {
            var key = KeyOf(plan[i], i);
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
                order.Add(key);
            }
            members.Add(i);
        }
        // In order of first appearance: a mask is planned before any triple for it.
        foreach (var key in order)
        {
            var members = groups[key];
            var head = plan[members[0]];
            switch (head.Kind)
            {
                case DealKind.MatrixMask:
                    var mask = await source.TakeMatrixMaskAsync(head.P0, head.P1, ct).ConfigureAwait(false);
                    masks.Add(mask);
                    material[members[0]] = mask;
                    break;
                case DealKind.MatrixTriple:
                    material[members[0]] = await source.TakeMatrixTripleAsync(head.P0, head.P1, head.P2, ct).ConfigureAwait(false);
                    break;
                case DealKind.MatrixTripleForMask:
                    await MaskTriplesAsync(source, plan, members, masks, material, ct).ConfigureAwait(false);
                    break;
                case DealKind.Triples:
                    var triples = await source.TakeTriplesAsync(Total(plan, members, r => r.P0), ct).ConfigureAwait(false);
                    Slice(plan, members, material, r => r.P0,
                        (o, c, _) => new BeaverTriples<Z2k>(Part(triples.A, o, c), Part(triples.B, o, c), Part(triples.C, o, c)));
                    break;
                case DealKind.TruncationMasks:
                    var truncation = await source.TakeTruncationMasksAsync(Total(plan, members, r => r.P0), head.P1, ct)
                        .ConfigureAwait(false);
                    Slice(plan, members, material, r => r.P0, (o, c, _) => Part(truncation, o, c));
                    break;
                case DealKind.BitMasks:
                    var bits = await source.TakeBitMasksAsync(Total(plan, members, r => r.P0), head.P1, ct).ConfigureAwait(false);
                    Slice(plan, members, material, r => r.P0,
                        (o, c, _) => new BitMasks(Part(bits.R, o, c), Part(bits.Bits, o * bits.BitCount, c * bits.BitCount),
                            bits.BitCount));
                    break;
                case DealKind.ComparisonMasks:
                    await ComparisonMasksAsync(Binary(source), plan, members, material, ct).ConfigureAwait(false);
                    break;
                case DealKind.AndTuples:
                    var tuples = await Binary(source).TakeAndTuplesAsync(head.P0, Total(plan, members, r => r.P1), ct)
                        .ConfigureAwait(false);
                    Slice(plan, members, material, r => r.P1, (o, c, _) => Part(tuples, o, c));
                    break;
                case DealKind.PowerMasks:
                    var powers = await Powers(source).TakePowerMasksAsync(Total(plan, members, r => r.P0), head.P1, ct)
                        .ConfigureAwait(false);
                    Slice(plan, members, material, r => r.P0,
                        (o, c, _) => new PowerMasks(Blocks(powers.Powers, powers.Count, powers.Degree, o, c), c, powers.Degree));
                    break;
                case DealKind.TruncationPowerMasks:
                    var tp = await Powers(source).TakeTruncationPowerMasksAsync(Total(plan, members, r => r.P0), head.P1, head.P2, ct)
                        .ConfigureAwait(false);
                    Slice(plan, members, material, r => r.P0, (o, c, _) => new TruncationPowerMasks(Part(tp.Masks, o, c),
                        Blocks(tp.LowPowers, tp.Count, tp.Degree, o, c), Blocks(tp.TopTimesLowPowers, tp.Count, tp.Degree, o, c),
                        tp.Degree));
                    break;
                default:
                    throw new ArgumentException($"{head.Kind} is not a request a plan holds.", nameof(plan));
            }
        }
    }

    /// <summary>Requests that may be served from one batch share a key: the request without its count (and ordinal).</summary>
    private static DealRequest KeyOf(DealRequest r, int index) => r.Kind switch
    {
        DealKind.Triples or DealKind.TruncationMasks or DealKind.BitMasks or DealKind.ComparisonMasks or DealKind.PowerMasks
            or DealKind.TruncationPowerMasks => r with { P0 = 0 },
        DealKind.AndTuples => r with { P1 = 0 },
        DealKind.MatrixTripleForMask => r with { P6 = 0 },
        _ => r with { Ordinal = (ulong)index },
    };

    private static int Total(IReadOnlyList<DealRequest> plan, List<int> members, Func<DealRequest, int> count)
    {
        long total = 0;
        foreach (int i in members) total += count(plan[i]);
        return total <= int.MaxValue ? (int)total
            : throw new InvalidOperationException($"The plan asks for {total} elements of one kind at once, more than one batch holds.");
    }

    private static void Slice(IReadOnlyList<DealRequest> plan, List<int> members, object?[] material, Func<DealRequest, int> count,
        Func<int, int, DealRequest, object> slice)
    {
        int offset = 0;
        foreach (int i in members)
        {
            int c = count(plan[i]);
            material[i] = slice(offset, c, plan[i]);
            offset += c;
        }
    }

    // All triples for one view of a mask (same rows, same orientation) as one triple with the columns side by side.
    private static async Task MaskTriplesAsync(IAdditivePreprocessing source, IReadOnlyList<DealRequest> plan, List<int> members,
        List<MatrixMask> masks, object?[] material, CancellationToken ct)
    {
        var first = plan[members[0]];
        if (first.P0 < 0 || first.P0 >= masks.Count)
            throw new ArgumentException($"The plan asks for a triple for mask #{first.P0} before that mask.", nameof(plan));
        var whole = masks[first.P0];
        var view = first.P3 == 0 && first.P4 == whole.Rows ? whole : whole.SelectRows(first.P3, first.P4);
        bool transposed = first.P5 == 1;
        int total = Total(plan, members, r => r.P6);
        var wide = await source.TakeMatrixTripleForAsync(view, transposed, total, ct).ConfigureAwait(false);
        int bRows = wide.B.Length / Math.Max(total, 1), cRows = wide.C.Length / Math.Max(total, 1);
        Slice(plan, members, material, r => r.P6,
            (o, c, _) => new FixedMaskTriple(Columns(wide.B, bRows, total, o, c), Columns(wide.C, cRows, total, o, c), transposed, c));
    }

    // Each request's masks start on a fresh word of the batch, so its packed bits are whole words of the batch's.
    private static async Task ComparisonMasksAsync(IBinaryPreprocessing source, IReadOnlyList<DealRequest> plan, List<int> members,
        object?[] material, CancellationToken ct)
    {
        var first = plan[members[0]];
        var batch = await source.TakeComparisonMasksAsync(Total(plan, members, r => (r.P0 + 63) & ~63), first.P1, first.P2 == 1, ct)
            .ConfigureAwait(false);
        int batchWords = batch.Words, bits = batch.BitCount;
        Slice(plan, members, material, r => (r.P0 + 63) & ~63, (o, _, request) =>
        {
            int c = request.P0, words = (c + 63) >> 6, firstWord = o >> 6;
            ulong lastWordMask = c % 64 == 0 ? ulong.MaxValue : (1UL << (c % 64)) - 1;
            var packed = new ulong[bits * words];
            for (int i = 0; i < bits; i++)
            {
                batch.Bits.AsSpan(i * batchWords + firstWord, words).CopyTo(packed.AsSpan(i * words));
                if (words > 0) packed[i * words + words - 1] &= lastWordMask;
            }
            var conversion = batch.ConversionBits.AsSpan(firstWord, words).ToArray();
            if (words > 0) conversion[^1] &= lastWordMask;
            return new PackedComparisonMasks(Part(batch.R, o, c), packed, conversion, Part(batch.ConversionValues, o, c), bits)
            {
                ProductMasks = batch.ProductMasks is { } beta ? Part(beta, o, c) : null,
                ConversionProducts = batch.ConversionProducts is { } products ? Part(products, o, c) : null,
            };
        });
    }

    private static IBinaryPreprocessing Binary(IAdditivePreprocessing source) => source as IBinaryPreprocessing
        ?? throw new InvalidOperationException($"The plan needs packed comparison material, which the {source.Name} source does not make.");

    private static IPowerPreprocessing Powers(IAdditivePreprocessing source) => source as IPowerPreprocessing
        ?? throw new InvalidOperationException($"The plan needs power masks, which the {source.Name} source does not make.");

    private static T[] Part<T>(T[] all, int offset, int count) => all.AsSpan(offset, count).ToArray();

    private static TruncationMasks Part(TruncationMasks m, int o, int c) =>
        new(Part(m.R, o, c), Part(m.TopBit, o, c), Part(m.LowShifted, o, c), m.Bits);

    private static BinaryAndTuples Part(BinaryAndTuples t, int firstWord, int words)
    {
        int subsets = (1 << t.FanIn) - 1;
        var shares = new ulong[subsets * words];
        for (int s = 1; s <= subsets; s++) t.Subset(s).Slice(firstWord, words).CopyTo(shares.AsSpan((s - 1) * words));
        return new BinaryAndTuples(t.FanIn, words, shares);
    }

    // Elements [o, o + c) of every one of the blocks of length count.
    private static Z2k[] Blocks(Z2k[] all, int count, int blocks, int o, int c)
    {
        var part = new Z2k[blocks * c];
        for (int b = 0; b < blocks; b++) all.AsSpan(b * count + o, c).CopyTo(part.AsSpan(b * c));
        return part;
    }

    // Columns [o, o + c) of a rows x width row-major matrix.
    private static Z2k[] Columns(Z2k[] matrix, int rows, int width, int o, int c)
    {
        var part = new Z2k[rows * c];
        for (int r = 0; r < rows; r++) matrix.AsSpan(r * width + o, c).CopyTo(part.AsSpan(r * c));
        return part;
    }
}
