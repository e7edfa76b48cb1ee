using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Protocols.Preprocessing.Dealing;
using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Preprocessing by a trusted dealer, PRG-compressed as CrypTen's trusted third party does: every party derives its
/// shares from the PRG it shares with the dealer, and one party's dependent shares are the dealer's corrections
/// (c_0 = a b - sum of the others' c_i). Two dealers: an external one (<see cref="DealerService"/>, a process with no
/// data that never receives an online value; one round trip per dealing at party 0, none at the others), or party 0
/// itself (no messages at all, for tests and for parties that are one trust domain).
/// </summary>
/// <remarks>
/// Security: semi-honest. The dealer knows every triple and mask, so it must be trusted not to collude with any computing
/// party: with any one party's view of the openings it unmasks every input. When party 0 deals, its own view is enough,
/// so every other party must trust party 0 with its data.
/// </remarks>
public sealed class DealerPreprocessing : IAdditivePreprocessing, IBinaryPreprocessing, IPowerPreprocessing
{
    private readonly IDealing _dealing;

    // The ordinal each mask was dealt under: every later triple for it names the mask by its shape and ordinal.
    private readonly ConditionalWeakTable<MatrixMask, StrongBox<ulong>> _maskOrdinals = new();

    /// <summary>Party 0 of <paramref name="session"/> deals (and computes): every other party must trust it with its data.</summary>
    public DealerPreprocessing(Session session)
    {
        _dealing = new PartyZeroDealing(session);
    }

    /// <summary>The external dealer at the other end of <paramref name="dealer"/> deals; no computing party learns a triple.</summary>
    public DealerPreprocessing(Session session, DealerLink dealer)
    {
        if (dealer.PartyId != session.PartyId)
            throw new ArgumentException($"The link is party {dealer.PartyId}'s, the session party {session.PartyId}'s.", nameof(dealer));
        _dealing = new ExternalDealing(dealer);
    }

    /// <summary>Who deals: "party 0" or "the dealer (id N)".</summary>
    public string Dealer => _dealing.Dealer;

    /// <inheritdoc />
    public string Name => "dealer";

    /// <inheritdoc />
    public PreprocessingUsage Usage { get; } = new();

    /// <inheritdoc />
    public async ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default)
    {
        var v = await Deal(DealKind.Triples, [count], ct).ConfigureAwait(false);
        Usage.AddTriples(count);
        return new BeaverTriples<Z2k>(v[0], v[1], v[2]);
    }

    /// <inheritdoc />
    public async ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default)
    {
        var v = await Deal(DealKind.MatrixTriple, [rows, inner, columns], ct).ConfigureAwait(false);
        Usage.AddMatrixTriple(v[0].Length + v[1].Length + v[2].Length);
        return new MatrixTriple<Z2k>(v[0], v[1], v[2], rows, inner, columns);
    }

    /// <inheritdoc />
    public async ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        var (ordinal, task) = _dealing.Deal(Shape(DealKind.MatrixMask, [rows, columns]), ct);
        var v = await task.ConfigureAwait(false);
        var mask = new MatrixMask(v[0], rows, columns);
        _maskOrdinals.Add(mask, new StrongBox<ulong>(ordinal));
        Usage.AddMatrixMask(v[0].Length);
        return mask;
    }

    /// <inheritdoc />
    public async ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (!_maskOrdinals.TryGetValue(mask.Whole, out var maskOrdinal))
            throw new ArgumentException("This mask was not taken from this preprocessing source.", nameof(mask));
        var v = await Deal(DealKind.MatrixTripleForMask,
            [checked((int)maskOrdinal.Value), mask.Whole.Rows, mask.Columns, mask.FirstRow, mask.Rows, transposed ? 1 : 0, columns],
            ct).ConfigureAwait(false);
        Usage.AddMatrixTriple(v[0].Length + v[1].Length);
        return new FixedMaskTriple(v[0], v[1], transposed, columns);
    }

    /// <inheritdoc />
    public async ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        var v = await Deal(DealKind.TruncationMasks, [count, bits], ct).ConfigureAwait(false);
        Usage.AddTruncationMasks(count);
        return new TruncationMasks(v[0], v[1], v[2], bits);
    }

    /// <inheritdoc />
    public async ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 62);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, IPowerPreprocessing.MaxDegree);
        // Dealt: r, then T, then L^1 .. L^d, then T L^1 .. T L^(d-1) (T L^0 is T).
        var v = await Deal(DealKind.TruncationPowerMasks, [count, bits, degree], ct).ConfigureAwait(false);
        var lowPowers = new Z2k[degree * count];
        var topTimesLowPowers = new Z2k[degree * count];
        v[1].CopyTo(topTimesLowPowers, 0);
        for (int j = 1; j <= degree; j++) v[1 + j].CopyTo(lowPowers, (j - 1) * count);
        for (int j = 1; j < degree; j++) v[1 + degree + j].CopyTo(topTimesLowPowers, j * count);
        Usage.AddTruncationMasks(count);
        Usage.AddPowerMasks(count);
        var masks = new TruncationMasks(v[0], v[1], v[2], bits);
        return new TruncationPowerMasks(masks, lowPowers, topTimesLowPowers, degree);
    }

    /// <inheritdoc />
    public async ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        var v = await Deal(DealKind.BitMasks, [count, bits], ct).ConfigureAwait(false);
        Usage.AddBitMasks(count);
        return new BitMasks(v[0], v[1], bits);
    }

    /// <inheritdoc />
    public async ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, IPowerPreprocessing.MaxDegree);
        // Dealt: rho, then rho^2 .. rho^degree.
        var v = await Deal(DealKind.PowerMasks, [count, degree], ct).ConfigureAwait(false);
        var shares = new Z2k[degree * count];
        for (int k = 0; k < degree; k++) v[k].CopyTo(shares, k * count);
        Usage.AddPowerMasks(count);
        return new PowerMasks(shares, count, degree);
    }

    /// <inheritdoc />
    public async ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        // Dealt: r, the conversion bits (XOR) [, beta], then r's packed low bits (XOR), the conversion bits as ring values [, rho beta].
        var v = await Deal(DealKind.ComparisonMasks, [count, bits, withProducts ? 1 : 0], ct).ConfigureAwait(false);
        Usage.AddBitMasks(count);
        int d = withProducts ? 3 : 2;
        return new PackedComparisonMasks(v[0], Words(v[d]), Words(v[1]), v[d + 1], bits)
        {
            ProductMasks = withProducts ? v[2] : null,
            ConversionProducts = withProducts ? v[d + 2] : null,
        };
    }

    /// <inheritdoc />
    public async ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fanIn, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(words);
        int subsets = (1 << fanIn) - 1;
        var composite = DealRecipe.CompositeSubsets(fanIn);
        // Dealt: the fanIn masks, then the AND of every subset of two or more, in increasing subset order.
        var v = await Deal(DealKind.AndTuples, [fanIn, words], ct).ConfigureAwait(false);
        var shares = new ulong[subsets * words];
        var all = MemoryMarshal.Cast<ulong, Z2k>(shares.AsSpan());
        for (int i = 0; i < fanIn; i++) v[i].CopyTo(all[(((1 << i) - 1) * words)..]);
        for (int j = 0; j < composite.Count; j++) v[fanIn + j].CopyTo(all[((composite[j] - 1) * words)..]);
        Usage.AddBinaryTriples(64L * words * (subsets - fanIn));
        return new BinaryAndTuples(fanIn, words, shares);
    }

    private static ulong[] Words(Z2k[] vector) => MemoryMarshal.Cast<Z2k, ulong>(vector.AsSpan()).ToArray();

    /// <summary>My shares of one dealing, free vectors first; its ordinal is taken now, synchronously.</summary>
    private ValueTask<Z2k[][]> Deal(DealKind kind, int[] sizes, CancellationToken ct) => _dealing.Deal(Shape(kind, sizes), ct).Shares;

    private static DealRequest Shape(DealKind kind, int[] sizes)
    {
        int Size(int i) => i < sizes.Length ? sizes[i] : 0;
        return new DealRequest(kind, 0, Size(0), Size(1), Size(2), Size(3), Size(4), Size(5), Size(6));
    }
}
