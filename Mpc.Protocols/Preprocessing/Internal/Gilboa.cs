using System.Buffers;
using Mpc.Core.Arithmetic;
using Mpc.Protocols.ObliviousTransfer;

namespace Mpc.Protocols.Preprocessing.Internal;

/// <summary>
/// Products of one party's secret by another's, as additive shares mod 2^64, by correlated OT (Gilboa, CRYPTO 1999;
/// as MP-SPDZ's semi2k makes triples). For a * b the receiver chooses with the 64 bits b_s of b, and the sender
/// correlates OT s with a * 2^s: the receiver gets y_s = x_s + b_s a 2^s, the sender keeps x_s, so
/// sum_s y_s - sum_s x_s = a b. Each side learns nothing: the receiver's outputs are masked by the sender's
/// random x_s, and IKNP hides the receiver's choices. OT s only matters from bit s up (its correlation is a multiple
/// of 2^s), so it runs shifted (<see cref="IknpSender.SendCorrelatedShiftedAsync"/>): x_s and y_s have their low s
/// bits 0 (the sum stays uniform through x_0) and the correction travels in 64 - s bits, 2080 bits per product
/// instead of 4096.
/// </summary>
/// <remarks>
/// Matrix products use vector-valued correlations instead of expanding into elementwise products: for S (m x k) held
/// by the sender and R (k x n) by the receiver, OT (l, c, s) chooses with bit s of R[l, c] and correlates with the
/// column S[:, l] * 2^s, so k n 64 OTs of m words make S R, where elementwise products would need m k n 64 OTs.
/// </remarks>
internal static class Gilboa
{
    /// <summary>Words of OT output held at once (8 MiB): bounds memory for any size of batch.</summary>
    private const int ChunkWords = 1 << 20;

    private const int Bits = 64;

    /// <summary>
    /// Sender side of elementwise products: subtracts my share of a[e] * (the receiver's b[e]) from <paramref name="into"/>.
    /// </summary>
    public static async ValueTask SendElementwiseAsync(IknpSender ot, ReadOnlyMemory<Z2k> a, Memory<Z2k> into, CancellationToken ct)
    {
        int perChunk = ChunkWords / Bits;
        var correlations = ArrayPool<ulong>.Shared.Rent(ChunkWords);
        var outputs = ArrayPool<ulong>.Shared.Rent(ChunkWords);
        try
        {
            for (int start = 0; start < a.Length; start += perChunk)
            {
                int count = Math.Min(perChunk, a.Length - start);
                var source = a.Span.Slice(start, count);
                for (int e = 0; e < count; e++)
                {
                    ulong value = source[e].Value;
                    var row = correlations.AsSpan(e * Bits, Bits);
                    for (int s = 0; s < Bits; s++) row[s] = value << s;
                }
                await ot.SendCorrelatedShiftedAsync(correlations.AsMemory(0, count * Bits), 1,
                    outputs.AsMemory(0, count * Bits), ct).ConfigureAwait(false);
                var target = into.Span.Slice(start, count);
                for (int e = 0; e < count; e++) target[e] -= new Z2k(Sum(outputs.AsSpan(e * Bits, Bits)));
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(correlations);
            ArrayPool<ulong>.Shared.Return(outputs);
        }
    }

    /// <summary>Receiver side of elementwise products: adds my share of (the sender's a[e]) * b[e] to <paramref name="into"/>.</summary>
    public static async ValueTask ReceiveElementwiseAsync(IknpReceiver ot, ReadOnlyMemory<Z2k> b, Memory<Z2k> into, CancellationToken ct)
    {
        int perChunk = ChunkWords / Bits;
        var choices = ArrayPool<ulong>.Shared.Rent(perChunk);
        var outputs = ArrayPool<ulong>.Shared.Rent(ChunkWords);
        try
        {
            for (int start = 0; start < b.Length; start += perChunk)
            {
                int count = Math.Min(perChunk, b.Length - start);
                // The 64 choice bits of element e are b[e] itself: OT e * 64 + s chooses with bit s.
                var source = b.Span.Slice(start, count);
                for (int e = 0; e < count; e++) choices[e] = source[e].Value;
                await ot.ReceiveCorrelatedShiftedAsync(choices.AsMemory(0, count), 1,
                    outputs.AsMemory(0, count * Bits), ct).ConfigureAwait(false);
                var target = into.Span.Slice(start, count);
                for (int e = 0; e < count; e++) target[e] += new Z2k(Sum(outputs.AsSpan(e * Bits, Bits)));
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(choices);
            ArrayPool<ulong>.Shared.Return(outputs);
        }
    }

    /// <summary>
    /// Sender side of a matrix product S R (S: m x k, mine; R: k x n, the receiver's): subtracts my share of S R
    /// (m x n, row-major) from <paramref name="into"/>.
    /// </summary>
    public static async ValueTask SendMatrixAsync(IknpSender ot, ReadOnlyMemory<Z2k> s, int m, int k, int n,
        Memory<Z2k> into, CancellationToken ct)
    {
        // OT p * 64 + t, for p = l * n + c, correlates with column l of S shifted by t (m words).
        int pairsPerChunk = Math.Max(1, ChunkWords / (Bits * m));
        int pairs = k * n;
        var column = new ulong[m];
        var correlations = ArrayPool<ulong>.Shared.Rent(Math.Min(pairs, pairsPerChunk) * Bits * m);
        var outputs = ArrayPool<ulong>.Shared.Rent(Math.Min(pairs, pairsPerChunk) * Bits * m);
        try
        {
            for (int start = 0; start < pairs; start += pairsPerChunk)
            {
                int count = Math.Min(pairsPerChunk, pairs - start);
                for (int q = 0; q < count; q++)
                {
                    int l = (start + q) / n;
                    var source = s.Span;
                    for (int r = 0; r < m; r++) column[r] = source[r * k + l].Value;
                    for (int t = 0; t < Bits; t++)
                    {
                        var row = correlations.AsSpan((q * Bits + t) * m, m);
                        for (int r = 0; r < m; r++) row[r] = column[r] << t;
                    }
                }
                int words = count * Bits * m;
                await ot.SendCorrelatedShiftedAsync(correlations.AsMemory(0, words), m,
                    outputs.AsMemory(0, words), ct).ConfigureAwait(false);
                AccumulateColumns(outputs.AsSpan(0, words), start, count, m, n, into.Span, subtract: true);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(correlations);
            ArrayPool<ulong>.Shared.Return(outputs);
        }
    }

    /// <summary>
    /// Receiver side of <see cref="SendMatrixAsync"/>: adds my share of S R to <paramref name="into"/>; R (k x n) is mine.
    /// </summary>
    public static async ValueTask ReceiveMatrixAsync(IknpReceiver ot, ReadOnlyMemory<Z2k> r, int m, int k, int n,
        Memory<Z2k> into, CancellationToken ct)
    {
        int pairsPerChunk = Math.Max(1, ChunkWords / (Bits * m));
        int pairs = k * n;
        var choices = ArrayPool<ulong>.Shared.Rent(Math.Min(pairs, pairsPerChunk));
        var outputs = ArrayPool<ulong>.Shared.Rent(Math.Min(pairs, pairsPerChunk) * Bits * m);
        try
        {
            for (int start = 0; start < pairs; start += pairsPerChunk)
            {
                int count = Math.Min(pairsPerChunk, pairs - start);
                // R is row-major, so pair p = l * n + c is R[p]: its 64 bits are the choices of OTs p * 64 .. p * 64 + 63.
                var source = r.Span.Slice(start, count);
                for (int q = 0; q < count; q++) choices[q] = source[q].Value;
                int words = count * Bits * m;
                await ot.ReceiveCorrelatedShiftedAsync(choices.AsMemory(0, count), m, outputs.AsMemory(0, words), ct).ConfigureAwait(false);
                AccumulateColumns(outputs.AsSpan(0, words), start, count, m, n, into.Span, subtract: false);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(choices);
            ArrayPool<ulong>.Shared.Return(outputs);
        }
    }

    /// <summary>Adds (or subtracts) the 64 m-word outputs of each pair p = l * n + c into column c of the m x n result.</summary>
    private static void AccumulateColumns(ReadOnlySpan<ulong> outputs, int firstPair, int pairs, int m, int n,
        Span<Z2k> into, bool subtract)
    {
        Span<ulong> sums = m <= 1024 ? stackalloc ulong[m] : new ulong[m];
        for (int q = 0; q < pairs; q++)
        {
            sums.Clear();
            for (int t = 0; t < Bits; t++)
            {
                var row = outputs.Slice((q * Bits + t) * m, m);
                for (int r = 0; r < m; r++) sums[r] += row[r];
            }
            int c = (firstPair + q) % n;
            for (int r = 0; r < m; r++)
            {
                ref var cell = ref into[r * n + c];
                cell = subtract ? cell - new Z2k(sums[r]) : cell + new Z2k(sums[r]);
            }
        }
    }

    private static ulong Sum(ReadOnlySpan<ulong> values)
    {
        ulong sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }
}
