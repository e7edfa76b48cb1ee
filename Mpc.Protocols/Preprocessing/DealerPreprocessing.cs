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
public sealed class DealerPreprocessing(Session session) : IAdditivePreprocessing
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
