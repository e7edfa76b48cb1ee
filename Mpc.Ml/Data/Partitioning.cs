namespace Mpc.Ml.Data;

/// <summary>How the rows and columns of one training table are spread over the parties.</summary>
public enum Partitioning
{
    /// <summary>Each party holds some rows with every column and the label.</summary>
    Horizontal,

    /// <summary>Each party holds some columns of the same rows, aligned by a shared id column; one party holds the label.</summary>
    Vertical,
}
