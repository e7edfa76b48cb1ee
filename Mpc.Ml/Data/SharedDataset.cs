using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Ml.Data;

/// <summary>
/// A secret design matrix (rows x columns, row-major, in the suite's fixed-point encoding) with its 0/1 labels
/// (encoded as fixed-point reals). The last column is the constant 1 of the bias.
/// </summary>
public sealed record SharedDataset<T>(SharedVector<T> Features, SharedVector<T> Labels, int Rows, int Columns)
    where T : unmanaged, IRing<T>
{
    /// <summary>
    /// The rows that count, when fewer than <see cref="Rows"/>: a private intersection's rows outside it are zero
    /// (bias included) and add nothing, and gradient descent averages over these. Null: every row counts.
    /// </summary>
    public int? Members { get; init; }
}
