using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// The fresh half of a matrix triple whose left factor is a reused <see cref="MatrixMask"/> A: my shares of a random
/// B and of C = op(A) B, where op(A) is A or its transpose. Row-major; used once.
/// </summary>
/// <param name="B">My shares of B: op(A).columns x <paramref name="Columns"/>.</param>
/// <param name="C">My shares of op(A) B: op(A).rows x <paramref name="Columns"/>.</param>
/// <param name="Transposed">Whether op(A) is A^T.</param>
/// <param name="Columns">The columns of B and C.</param>
public sealed record FixedMaskTriple(Z2k[] B, Z2k[] C, bool Transposed, int Columns);
