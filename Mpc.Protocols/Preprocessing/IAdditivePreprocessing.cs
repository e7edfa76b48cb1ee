using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// Correlated randomness for the additive suite, apart from the online phase (as MP-SPDZ separates them).
/// Implementations: <see cref="DealerPreprocessing"/> (a trusted dealer) and the OT-based source (no trusted party).
/// Every call returns fresh material; nothing is ever handed out twice.
/// </summary>
public interface IAdditivePreprocessing
{
    /// <summary>"dealer" or "ot", for reports.</summary>
    string Name { get; }

    /// <summary>How much material has been produced so far.</summary>
    PreprocessingUsage Usage { get; }

    /// <summary><paramref name="count"/> fresh elementwise triples.</summary>
    ValueTask<BeaverTriples<Z2k>> TakeTriplesAsync(int count, CancellationToken ct = default);

    /// <summary>One fresh matrix triple of the given shape.</summary>
    ValueTask<MatrixTriple<Z2k>> TakeMatrixTripleAsync(int rows, int inner, int columns, CancellationToken ct = default);

    /// <summary>
    /// A fresh uniform random matrix A (<paramref name="rows"/> x <paramref name="columns"/>) to mask one secret matrix
    /// once and then serve as the fixed left factor of many triples (<see cref="TakeMatrixTripleForAsync"/>).
    /// </summary>
    ValueTask<MatrixMask> TakeMatrixMaskAsync(int rows, int columns, CancellationToken ct = default);

    /// <summary>
    /// A fresh triple for a product with a mask taken earlier (or a row view of it): a uniform B of
    /// op(A).columns x <paramref name="columns"/> and C = op(A) B, with op(A) = A^T when <paramref name="transposed"/>
    /// and A otherwise. B and C are new every call; only A is reused (safe: X - A is opened once, and every product
    /// opens a freshly masked right operand).
    /// </summary>
    ValueTask<FixedMaskTriple> TakeMatrixTripleForAsync(MatrixMask mask, bool transposed, int columns, CancellationToken ct = default);

    /// <summary><paramref name="count"/> fresh truncation masks for shifting by <paramref name="bits"/>.</summary>
    ValueTask<TruncationMasks> TakeTruncationMasksAsync(int count, int bits, CancellationToken ct = default);

    /// <summary><paramref name="count"/> fresh uniform masks with their low <paramref name="bits"/> bits shared.</summary>
    ValueTask<BitMasks> TakeBitMasksAsync(int count, int bits, CancellationToken ct = default);
}
