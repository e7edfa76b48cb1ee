namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Correlated randomness on bits packed 64 to a word and shared by XOR: what comparisons need when their bitwise
/// part runs on packed XOR shares instead of one ring element per bit (64 times less traffic and work). An
/// additive preprocessing source may offer it; <see cref="Additive.AdditiveSuite"/> uses it when its source does and
/// falls back to bit masks in the ring (<see cref="IAdditivePreprocessing.TakeBitMasksAsync"/>) otherwise.
/// </summary>
/// <remarks>Like every preprocessing call, each Take is made synchronously when the operation starts (before its first
/// await), so that operations started together take their material in the same order at every party.</remarks>
public interface IBinaryPreprocessing
{
    /// <summary>
    /// <paramref name="count"/> comparison masks whose low <paramref name="bits"/> bits are XOR-shared, packed; with
    /// <paramref name="withProducts"/> also a product mask beta per conversion bit rho and rho beta, so that the
    /// converted bit is multiplied by a shared value in the conversion's own round.
    /// </summary>
    ValueTask<PackedComparisonMasks> TakeComparisonMasksAsync(int count, int bits, bool withProducts = false,
        CancellationToken ct = default);

    /// <summary>
    /// The widest AND gate whose tuples are worth taking from this source (2 to 8). A dealer derives the AND of every
    /// subset of a gate's masks locally, so wide gates (fewer levels, fewer rounds) cost it little; a source that pays an
    /// OT product per subset makes 2^k - k - 1 of them per gate, and gates of two inputs are the cheapest there.
    /// </summary>
    int WidestGate => 8;

    /// <summary><paramref name="words"/> x 64 fresh AND tuples of fan-in <paramref name="fanIn"/> (2 to 8) on XOR shares.</summary>
    ValueTask<BinaryAndTuples> TakeAndTuplesAsync(int fanIn, int words, CancellationToken ct = default);
}
