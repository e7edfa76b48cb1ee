namespace Mpc.Protocols.Expressions;

/// <summary>
/// A vector of secret values in a <see cref="SecretContext"/>: integers (an input made with
/// <see cref="SecretContext.InputInteger"/>, a comparison's 0 or 1, a count) or fixed-point reals. Operators build a
/// lazy computation and cost nothing; <see cref="SecretContext.RevealAsync(Secret[])"/> runs all of it at once, the
/// operations of one level batched into one call each (see <see cref="Depth"/>). A secret never converts to plaintext
/// by itself, and <see cref="ToString"/> never prints a value.
/// </summary>
/// <remarks>
/// Vectors of one value broadcast against longer ones. Comparisons are exact for differences within the suite's
/// comparison range (fixed point: |a - b| below 2^(TruncationInputBits - 1 - f)).
/// </remarks>
public sealed class Secret
{
    internal Secret(SecretContext context, Node node)
    {
        Context = context;
        Node = node;
    }

    internal SecretContext Context { get; }

    internal Node Node { get; }

    /// <summary>The number of values.</summary>
    public int Length => Node.Length;

    /// <summary>Whether the values are integers (else fixed-point reals).</summary>
    public bool IsInteger => Node.Scale == 0;

    /// <summary>
    /// The interactive levels on the longest path to this value (an input, a product, a comparison or a truncation each
    /// start one). Operations of one level run together: a computation takes one batch of calls per level, so its rounds
    /// are the sum, over levels, of the slowest operation's rounds (a product's one, a comparison's several), plus one
    /// to reveal.
    /// </summary>
    public int Depth => Node.Level;

    /// <inheritdoc />
    public override string ToString() => $"Secret[{Length}] ({(IsInteger ? "integer" : "fixed point")}, depth {Depth})";

#pragma warning disable CS1591 // The operators mean what they mean on numbers.
    public static Secret operator +(Secret a, Secret b) => a.Context.Add(a, b);
    public static Secret operator +(Secret a, double c) => a.Context.AddPublic(a, c);
    public static Secret operator +(double c, Secret a) => a.Context.AddPublic(a, c);
    public static Secret operator -(Secret a, Secret b) => a.Context.Subtract(a, b);
    public static Secret operator -(Secret a, double c) => a.Context.AddPublic(a, -c);
    public static Secret operator -(double c, Secret a) => a.Context.AddPublic(a.Context.Negate(a), c);
    public static Secret operator -(Secret a) => a.Context.Negate(a);
    public static Secret operator *(Secret a, Secret b) => a.Context.Multiply(a, b);
    public static Secret operator *(Secret a, double c) => a.Context.MultiplyPublic(a, c);
    public static Secret operator *(double c, Secret a) => a.Context.MultiplyPublic(a, c);
    public static Secret operator /(Secret a, Secret b) => a.Context.Composite(NodeOp.Divide, a, b);
    public static Secret operator /(Secret a, double c) =>
        c == 0 ? throw new DivideByZeroException("A secret divided by the public 0.") : a.Context.MultiplyPublic(a, 1 / c);

    /// <summary>[a &lt; b] as integers 0 or 1.</summary>
    public static Secret operator <(Secret a, Secret b) => a.Context.LessThanZero(a.Context.Subtract(a, b));
    public static Secret operator >(Secret a, Secret b) => b < a;
    public static Secret operator <=(Secret a, Secret b) => 1 - (b < a);
    public static Secret operator >=(Secret a, Secret b) => 1 - (a < b);
    public static Secret operator <(Secret a, double c) => a.Context.LessThanZero(a.Context.AddPublic(a, -c));
    public static Secret operator >(Secret a, double c) => a.Context.LessThanZero(a.Context.AddPublic(a.Context.Negate(a), c));
    public static Secret operator <=(Secret a, double c) => 1 - (a > c);
    public static Secret operator >=(Secret a, double c) => 1 - (a < c);
#pragma warning restore CS1591

    /// <summary>[a = b] as integers 0 or 1: two comparisons, in one level.</summary>
    public Secret EqualTo(Secret other) => 1 - (this < other) - (other < this);

    /// <summary>The sum of the values, as a vector of one. Local.</summary>
    public Secret Sum() => Context.Sum(this);

    /// <summary>The values [start, start + length). Local.</summary>
    public Secret Slice(int start, int length) => Context.Slice(this, start, length);

    /// <summary>The inner product with <paramref name="other"/>: one level of products, summed.</summary>
    public Secret Dot(Secret other) => (this * other).Sum();

    /// <summary>This vector read as a <paramref name="rows"/> x <paramref name="columns"/> matrix (row-major), transposed. Local.</summary>
    public Secret Transpose(int rows, int columns) => Context.Transpose(this, rows, columns);

    /// <summary>
    /// The matrix product of <paramref name="a"/> (rows x inner) and <paramref name="b"/> (inner x columns), row-major:
    /// one round (the suite's matrix product, fused with its truncation for two real operands); communication
    /// proportional to the operands or the result, not to rows x inner x columns.
    /// </summary>
    public static Secret MatrixMultiply(Secret a, Secret b, int rows, int inner, int columns) =>
        a.Context.MatrixMultiply(a, b, rows, inner, columns);

    /// <summary>The running sums: element i is the sum of elements 0..i. Local.</summary>
    public Secret PrefixSums() => Context.PrefixSums(this);

    /// <summary>The largest value, as a vector of one: a tournament, (C + 1) ceil(log2 n) rounds.</summary>
    public Secret Max() => Context.Composite(NodeOp.Max, this);

    /// <summary>The index of the first largest value, an integer: the same tournament as <see cref="Max"/>.</summary>
    public Secret ArgMax() => Context.Composite(NodeOp.ArgMax, this);

    /// <summary>The values in ascending order: Batcher's sorting network, (C + 1) k (k + 1) / 2 rounds for n up to 2^k.</summary>
    public Secret Sort() => Context.Composite(NodeOp.Sort, this);

    /// <summary>1 / x for 2^-f &lt;= |x| &lt; 2^24, within 2^-12 relative (<see cref="FixedPoint.FixedPointFunctions{T}"/>).</summary>
    public Secret Reciprocal() => Context.Composite(NodeOp.Reciprocal, this);

    /// <summary>sqrt(x) for 0 &lt;= x &lt; 2^24, within 2^-12 relative.</summary>
    public Secret Sqrt() => Context.Composite(NodeOp.Sqrt, this);

    /// <summary>e^x for x &lt; 15.9 (0 below -11.8), within 2^-12 relative.</summary>
    public Secret Exp() => Context.Composite(NodeOp.Exp, this);

    /// <summary>ln x for 2^-f &lt;= x &lt; 2^24, within 2^-12.</summary>
    public Secret Log() => Context.Composite(NodeOp.Log, this);

    /// <summary>The sum of <paramref name="values"/>, as a vector of one. Local.</summary>
    public static Secret Sum(IEnumerable<Secret> values) => Concat([.. values]).Sum();

    /// <summary>The values of <paramref name="parts"/> one after another. Local.</summary>
    public static Secret Concat(params Secret[] parts) => parts.Length == 0
        ? throw new ArgumentException("Concat needs at least one secret.", nameof(parts))
        : parts[0].Context.Concat(parts);

    /// <summary>
    /// <paramref name="whenTrue"/> where <paramref name="condition"/> is 1 and <paramref name="whenFalse"/> where it is 0:
    /// one product.
    /// </summary>
    public static Secret IfElse(Secret condition, Secret whenTrue, Secret whenFalse) =>
        whenFalse + condition * (whenTrue - whenFalse);
}
