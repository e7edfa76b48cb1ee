namespace Mpc.Protocols.Expressions;

/// <summary>What one node of a lazy computation does.</summary>
internal enum NodeOp
{
    Input,
    Constant,
    Add,
    Subtract,
    Negate,
    AddPublic,
    ScaleByInteger,
    MultiplyPublic,
    Multiply,
    MultiplyAndTruncate,
    Truncate,
    LessThanZero,
    Sum,
    Slice,
    Concat,
    Broadcast,
    PrefixSums,
    Transpose,
    MatrixMultiply,

    // Composite operations: several rounds each, run after a level's batched calls.
    Max,
    ArgMax,
    Sort,
    Reciprocal,
    Divide,
    Sqrt,
    Exp,
    Log,
}

/// <summary>
/// One operation of a lazy computation, with its inputs, its length, its scale (0: integers; 1: fixed point, values
/// times 2^f; 2: a product of two fixed-point values before its truncation) and its level: the interactive operations
/// on the longest path to it. Nodes are immutable once made and are made after their inputs, so ids are a
/// topological order.
/// </summary>
internal sealed class Node
{
    public required int Id { get; init; }
    public required NodeOp Op { get; init; }
    public Node[] Inputs { get; init; } = [];
    public required int Length { get; init; }
    public required int Scale { get; init; }
    public int Level { get; init; }

    /// <summary>Public operands (inputs' values at their owner, constants, public factors), as reals or integers.</summary>
    public double[]? Values { get; init; }

    /// <summary>The owner of an input; the start of a slice; the integer of <see cref="NodeOp.ScaleByInteger"/>.</summary>
    public long Parameter { get; init; }

    /// <summary>A matrix operation's shape: rows, inner (columns of the left operand) and columns.</summary>
    public (int Rows, int Inner, int Columns) Shape { get; init; }

    /// <summary>Whether the operation talks to the other parties (and so starts a new level).</summary>
    public bool IsInteractive => IsInteractiveOp(Op);

    /// <summary>Whether the operation is a many-round function.</summary>
    public bool IsComposite => IsCompositeOp(Op);

    /// <summary>Whether <paramref name="op"/> talks to the other parties.</summary>
    public static bool IsInteractiveOp(NodeOp op) => op is NodeOp.Input or NodeOp.Multiply or NodeOp.MultiplyAndTruncate
        or NodeOp.Truncate or NodeOp.LessThanZero or NodeOp.MatrixMultiply || IsCompositeOp(op);

    /// <summary>Whether <paramref name="op"/> is one of the many-round functions of <see cref="VectorAlgorithms"/> and
    /// <see cref="FixedPoint.FixedPointFunctions{T}"/>.</summary>
    public static bool IsCompositeOp(NodeOp op) => op >= NodeOp.Max;
}
