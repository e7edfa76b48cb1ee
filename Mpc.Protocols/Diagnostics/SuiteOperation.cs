namespace Mpc.Protocols.Diagnostics;

/// <summary>The kinds of suite operation a <see cref="SuiteDecorator{T}"/> sees and an <see cref="OperationProfile"/> counts.</summary>
public enum SuiteOperation
{
    /// <summary>Inputs.</summary>
    Input,
    /// <summary>Openings, to all or to one.</summary>
    Open,
    /// <summary>Elementwise products.</summary>
    Multiply,
    /// <summary>Matrix products.</summary>
    MatrixProduct,
    /// <summary>Truncations.</summary>
    Truncate,
    /// <summary>Elementwise products with their truncation.</summary>
    MultiplyTruncate,
    /// <summary>Matrix products with their truncation.</summary>
    MatrixTruncate,
    /// <summary>Comparisons.</summary>
    Compare,
    /// <summary>Matrices prepared for reuse.</summary>
    Prepare,
    /// <summary>Powers.</summary>
    Powers,
}
