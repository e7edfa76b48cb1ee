using Mpc.Core.Arithmetic;
using Mpc.Protocols;

namespace Mpc.Ml.Data;

/// <summary>Vertical data: every party's block of columns (each row-major) laid side by side, row by row.</summary>
public static class ColumnBlocks
{
    /// <summary>
    /// The rows x (Σ widths, plus one with <paramref name="bias"/>) matrix whose row i is block 0's row i, then block
    /// 1's, and so on, then <paramref name="bias"/>'s element i: a selection of shares, no communication.
    /// </summary>
    public static SharedVector<T> SideBySide<T>(IReadOnlyList<SharedVector<T>> blocks, IReadOnlyList<int> widths, int rows,
        SharedVector<T>? bias = null) where T : unmanaged, IRing<T>
    {
        int parties = blocks.Count, columns = widths.Sum() + (bias is null ? 0 : 1);
        var starts = new int[parties + 1];
        for (int p = 0; p < parties; p++) starts[p + 1] = starts[p] + rows * widths[p];
        var indices = new int[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            int column = 0;
            for (int p = 0; p < parties; p++)
                for (int j = 0; j < widths[p]; j++) indices[i * columns + column++] = starts[p] + i * widths[p] + j;
            if (bias is not null) indices[i * columns + columns - 1] = starts[parties] + i;
        }
        return SharedVector<T>.Concat([.. blocks, .. bias is null ? Array.Empty<SharedVector<T>>() : [bias]]).Select(indices);
    }
}
