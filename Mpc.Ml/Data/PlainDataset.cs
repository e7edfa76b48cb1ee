namespace Mpc.Ml.Data;

/// <summary>
/// A plaintext design matrix (row-major, the last column the bias's constant 1) with 0/1 labels: one per row, or with K
/// classes a one-hot row of K.
/// </summary>
public sealed record PlainDataset(double[] Features, double[] Labels, int Rows, int Columns)
{
    /// <summary>Label columns per row.</summary>
    public int Outputs => Labels.Length / Rows;

    /// <summary>Row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Row(int row) => Features.AsSpan(row * Columns, Columns);
}
