using Mpc.Core.Arithmetic;
using Mpc.Core.Random;

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

    /// <inheritdoc />
    public string Name => "dealer";

    /// <inheritdoc />
    public PreprocessingUsage Usage { get; } = new();

    /// <inheritdoc />
    public ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default)
    {
        var tag = session.NextTag(ProtocolChannel.Preprocessing);
        var a = new Z2k[count];
        var b = new Z2k[count];
        var c = new Z2k[count];
        if (session.PartyId != Dealer)
        {
            using var prg = session.SharedPrg(Dealer, tag);
            prg.FillUniform<Z2k>(a);
            prg.FillUniform<Z2k>(b);
            prg.FillUniform<Z2k>(c);
        }
        else
        {
            // a, b: my own random shares plus everyone's derived ones; c: the product less their derived c_i.
            session.Random.FillUniform<Z2k>(a);
            session.Random.FillUniform<Z2k>(b);
            var sumA = (Z2k[])a.Clone();
            var sumB = (Z2k[])b.Clone();
            var sumC = new Z2k[count];
            var scratch = new Z2k[count];
            for (int p = 0; p < session.PartyCount; p++)
            {
                if (p == Dealer) continue;
                using var prg = session.SharedPrg(p, tag);
                AccumulateUniform(prg, scratch, sumA);
                AccumulateUniform(prg, scratch, sumB);
                AccumulateUniform(prg, scratch, sumC);
            }
            VectorMath.Multiply<Z2k>(sumA, sumB, c);
            VectorMath.Subtract<Z2k>(c, sumC, c);
        }
        Usage.AddTriples(count);
        return ValueTask.FromResult(new BeaverTriples<Z2k>(a, b, c));
    }

    /// <inheritdoc />
    public ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default)
    {
        var tag = session.NextTag(ProtocolChannel.Preprocessing);
        var a = new Z2k[rows * inner];
        var b = new Z2k[inner * columns];
        var c = new Z2k[rows * columns];
        if (session.PartyId != Dealer)
        {
            using var prg = session.SharedPrg(Dealer, tag);
            prg.FillUniform<Z2k>(a);
            prg.FillUniform<Z2k>(b);
            prg.FillUniform<Z2k>(c);
        }
        else
        {
            session.Random.FillUniform<Z2k>(a);
            session.Random.FillUniform<Z2k>(b);
            var sumA = (Z2k[])a.Clone();
            var sumB = (Z2k[])b.Clone();
            var sumC = new Z2k[c.Length];
            for (int p = 0; p < session.PartyCount; p++)
            {
                if (p == Dealer) continue;
                using var prg = session.SharedPrg(p, tag);
                AccumulateUniform(prg, new Z2k[a.Length], sumA);
                AccumulateUniform(prg, new Z2k[b.Length], sumB);
                AccumulateUniform(prg, new Z2k[c.Length], sumC);
            }
            VectorMath.MatrixMultiply<Z2k>(sumA, sumB, c, rows, inner, columns);
            VectorMath.Subtract<Z2k>(c, sumC, c);
        }
        Usage.AddMatrixTriple(a.Length + b.Length + c.Length);
        return ValueTask.FromResult(new MatrixTriple<Z2k>(a, b, c, rows, inner, columns));
    }

    /// <inheritdoc />
    public ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        var tag = session.NextTag(ProtocolChannel.Preprocessing);
        var r = new Z2k[count];
        var top = new Z2k[count];
        var low = new Z2k[count];
        if (session.PartyId != Dealer)
        {
            using var prg = session.SharedPrg(Dealer, tag);
            prg.FillUniform<Z2k>(r);
            prg.FillUniform<Z2k>(top);
            prg.FillUniform<Z2k>(low);
        }
        else
        {
            session.Random.FillUniform<Z2k>(r);
            var sumR = (Z2k[])r.Clone();
            var othersTop = new Z2k[count];
            var othersLow = new Z2k[count];
            var scratch = new Z2k[count];
            for (int p = 0; p < session.PartyCount; p++)
            {
                if (p == Dealer) continue;
                using var prg = session.SharedPrg(p, tag);
                AccumulateUniform(prg, scratch, sumR);
                AccumulateUniform(prg, scratch, othersTop);
                AccumulateUniform(prg, scratch, othersLow);
            }
            const ulong low63 = (1UL << 63) - 1;
            for (int i = 0; i < count; i++)
            {
                ulong full = sumR[i].Value;
                top[i] = new Z2k((full >> 63) - othersTop[i].Value);
                low[i] = new Z2k(((full & low63) >> bits) - othersLow[i].Value);
            }
        }
        Usage.AddTruncationMasks(count);
        return ValueTask.FromResult(new TruncationMasks(r, top, low, bits));
    }

    /// <inheritdoc />
    public ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        var tag = session.NextTag(ProtocolChannel.Preprocessing);
        var r = new Z2k[count];
        var bitShares = new Z2k[count * bits];
        if (session.PartyId != Dealer)
        {
            using var prg = session.SharedPrg(Dealer, tag);
            prg.FillUniform<Z2k>(r);
            prg.FillUniform<Z2k>(bitShares);
        }
        else
        {
            session.Random.FillUniform<Z2k>(r);
            var sumR = (Z2k[])r.Clone();
            var othersBits = new Z2k[bitShares.Length];
            for (int p = 0; p < session.PartyCount; p++)
            {
                if (p == Dealer) continue;
                using var prg = session.SharedPrg(p, tag);
                AccumulateUniform(prg, new Z2k[count], sumR);
                AccumulateUniform(prg, new Z2k[bitShares.Length], othersBits);
            }
            for (int e = 0; e < count; e++)
                for (int i = 0; i < bits; i++)
                    bitShares[e * bits + i] = new Z2k(((sumR[e].Value >> i) & 1) - othersBits[e * bits + i].Value);
        }
        Usage.AddBitMasks(count);
        return ValueTask.FromResult(new BitMasks(r, bitShares, bits));
    }

    private static void AccumulateUniform(AesCtrPrg prg, Z2k[] scratch, Z2k[] sum)
    {
        prg.FillUniform<Z2k>(scratch);
        VectorMath.Add<Z2k>(sum, scratch, sum);
    }
}
