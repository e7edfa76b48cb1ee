using Mpc.Core.Arithmetic;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Protocols.Additive;

// Comparisons: exact by bit decomposition (or a garbled circuit), and speculative on packed bits (ISpeculativeComparison).
public sealed partial class AdditiveSuite
{
    /// <summary>
    /// Exact [x &lt; 0] for x in [-2^(l-1), 2^(l-1)). With y = x + 2^(l-1) in [0, 2^l), x &lt; 0 exactly when bit
    /// l-1 of y is 0. Open c = y + r for a dealer mask r whose low l bits are shared; then
    /// y_(l-1) = c_(l-1) XOR r_(l-1) XOR [c mod 2^(l-1) &lt; r mod 2^(l-1)] (the borrow into bit l-1).
    /// Rounds: 1 opening + ceil(log2(l-1)) for the comparison + 1 XOR. When the preprocessing source offers packed
    /// XOR-shared bits (<see cref="IBinaryPreprocessing"/>, as the dealer does), the bitwise part runs on them instead
    /// (same rounds, the XOR replaced by one conversion opening; 64 times less work and traffic).
    /// </summary>
    public async ValueTask<SharedVector<Z2k>> LessThanZeroAsync(SharedVector<Z2k> x, int? inputBits = null, CancellationToken ct = default)
    {
        int l = inputBits ?? TruncationInputBits;
        CheckComparisonBits(l);
        if (_comparison == ComparisonMethod.GarbledCircuit)
        {
            var bridge = await (_bridge ??= Garbling.YaoBridge.CreateAsync(session, ct).AsTask()).ConfigureAwait(false);
            return await bridge.LessThanZeroAsync(x, l, ct).ConfigureAwait(false);
        }
        if (_binary is not null)
            return await Internal.PackedLessThan.LessThanZeroAsync(session, _binary, x, l, ignoredBits: 0, ct).ConfigureAwait(false);
        int n = x.Length, m = l - 1;
        var tag = session.NextTag();
        var masks = await preprocessing.TakeBitMasksAsync(n, l, ct).ConfigureAwait(false);

        // Round 1: open c = x + 2^(l-1) + r.
        var masked = new Z2k[n];
        VectorMath.Add<Z2k>(x.Shares, masks.R, masked);
        if (IsLeader)
            for (int i = 0; i < n; i++) masked[i] = new Z2k(masked[i].Value + (1UL << m));
        var c = await OpenSharesAsync(masked, tag, ct).ConfigureAwait(false);

        var low = new UInt128[n];
        var lowBits = new Z2k[n * m];
        var topBit = new Z2k[n];
        for (int e = 0; e < n; e++)
        {
            low[e] = c[e].Value & ((1UL << m) - 1);
            masks.Bits.AsSpan(e * l, m).CopyTo(lowBits.AsSpan(e * m));
            topBit[e] = masks.Bits[e * l + m];
        }
        var borrow = await Comparison.BitwiseLessThan.PublicLessThanSharedAsync(this, low,
            new SharedVector<Z2k>(lowBits), m, ct).ConfigureAwait(false);
        var v = await Comparison.BitwiseLessThan.XorAsync(this, new SharedVector<Z2k>(topBit), borrow, ct).ConfigureAwait(false);

        // x < 0 iff c_(l-1) XOR v = 0: that is v where c_(l-1) = 1, and 1 - v where c_(l-1) = 0.
        var sign = new Z2k[n];
        var constant = new Z2k[n];
        for (int e = 0; e < n; e++)
        {
            bool cTop = ((c[e].Value >> m) & 1) != 0;
            sign[e] = cTop ? Z2k.One : Z2k.FromInt64(-1);
            constant[e] = cTop ? Z2k.Zero : Z2k.One;
        }
        return AddPublic(MultiplyPublic(v, sign), constant);
    }

    /// <summary>
    /// Comparisons on the dealer's packed XOR-shared bits (<see cref="IBinaryPreprocessing"/>), which take all their tags
    /// and material when called. <see cref="LessThanZeroCoarseAsync"/>: [x &lt; 0] up to values in [-2^j, 0), the
    /// borrow comparing bits j..l-2 only. <see cref="LessThanZeroAndProductAsync"/>: with [x &lt; 0] y made in the
    /// comparison's conversion round (y - beta opened beside it, the dealer's rho beta): no round more.
    /// </summary>
    private sealed class PackedComparison(AdditiveSuite suite, IBinaryPreprocessing binary) : ISpeculativeComparison<Z2k>
    {
        public async ValueTask<SharedVector<Z2k>> LessThanZeroCoarseAsync(SharedVector<Z2k> x, int inputBits, int ignoredBits,
            CancellationToken ct = default)
        {
            CheckComparisonBits(inputBits);
            ArgumentOutOfRangeException.ThrowIfNegative(ignoredBits);
            return await Internal.PackedLessThan.LessThanZeroAsync(suite.Session, binary, x, inputBits,
                ignoredBits, ct).ConfigureAwait(false);
        }

        public async ValueTask<(SharedVector<Z2k> Bits, SharedVector<Z2k> Products)> LessThanZeroAndProductAsync(SharedVector<Z2k> x,
            int inputBits, int ignoredBits,
            Task<SharedVector<Z2k>> multiplicand, CancellationToken ct = default)
        {
            CheckComparisonBits(inputBits);
            ArgumentOutOfRangeException.ThrowIfNegative(ignoredBits);
            var (bits, products) = await Internal.PackedLessThan.LessThanZeroTimesAsync(suite.Session, binary, x, inputBits, ignoredBits,
                multiplicand, ct).ConfigureAwait(false);
            return (bits, products!);
        }
    }

    private static void CheckComparisonBits(int inputBits)
    {
        if (inputBits is < 2 or > 63)
            throw new ArgumentOutOfRangeException(nameof(inputBits), inputBits,
                "Comparison inputs have 2 to 63 bits in the additive suite.");
    }
}
