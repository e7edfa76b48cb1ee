using Mpc.Core.Arithmetic;

namespace Mpc.Protocols.Preprocessing;

/// <summary>
/// My shares of a random matrix triple C = A B (SecureML, Mohassel and Zhang 2017): A is rows x inner,
/// B is inner x columns, row-major. Used once.
/// </summary>
public sealed record MatrixTriple<T>(T[] A, T[] B, T[] C, int Rows, int Inner, int Columns) where T : unmanaged, IRing<T>;
