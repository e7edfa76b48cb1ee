namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Powers of random masks: what lets the additive suite raise a shared vector to every power up to a degree in one
/// round (<see cref="IFastPowers{T}.PowersAsync"/>) instead of a tree of products. An additive preprocessing
/// source may offer it (the dealer does); without it the suite offers no <see cref="IArithmeticSuite{T}.Powers"/>.
/// </summary>
/// <remarks>Taken synchronously when the operation starts, like every preprocessing call.</remarks>
public interface IPowerPreprocessing
{
    /// <summary>
    /// <paramref name="count"/> fresh uniform masks with their powers up to <paramref name="degree"/> (1 to <see cref="MaxDegree"/>).
    /// </summary>
    ValueTask<PowerMasks> TakePowerMasksAsync(int count, int degree, CancellationToken ct = default);

    /// <summary>
    /// <paramref name="count"/> fresh truncation masks for shifting by <paramref name="bits"/> with the powers that raise
    /// the truncated value to every power up to <paramref name="degree"/> from the truncation's own opening.
    /// </summary>
    ValueTask<TruncationPowerMasks> TakeTruncationPowerMasksAsync(int count, int bits, int degree, CancellationToken ct = default);

    /// <summary>The highest degree a source deals.</summary>
    const int MaxDegree = 16;
}
