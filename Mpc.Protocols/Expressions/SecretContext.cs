using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;
using Mpc.Protocols.Shamir;

namespace Mpc.Protocols.Expressions;

/// <summary>
/// Where <see cref="Secret"/> values live: the natural syntax over a suite. Inputs and operators build a lazy
/// computation; <see cref="RevealAsync(Secret[])"/> runs what the revealed values need, level by level, each level's
/// operations of one kind batched into one call of the suite (all products of a level in one product, all comparisons
/// in one comparison), and opens them together in one round. What it computed stays computed: a later reveal reuses it.
/// </summary>
/// <remarks>
/// Every party builds the same computation in the same order (as with the explicit API, the operations must agree);
/// only an input's owner passes its values, the others pass anything of the same length.
/// </remarks>
public abstract class SecretContext : IDisposable
{
    private int _nextId;

    private protected SecretContext(Session session, FixedPointFormat format)
    {
        Session = session;
        Format = format;
    }

    /// <summary>The session the computation runs in.</summary>
    public Session Session { get; }

    /// <summary>This party's id.</summary>
    public int PartyId => Session.PartyId;

    /// <summary>The number of parties.</summary>
    public int PartyCount => Session.PartyCount;

    /// <summary>The fixed-point format of real values (16 fractional bits by default).</summary>
    public FixedPointFormat Format { get; }

    /// <summary>The suite's name ("replicated", "shamir", "additive").</summary>
    public abstract string SuiteName { get; }

    /// <summary>
    /// The context over the suite that trusts no one for this many parties: replicated sharing for 3, Shamir for 4 or
    /// more, and for 2 the additive suite with its triples and comparison masks made by oblivious transfer.
    /// </summary>
    public static SecretContext Create(Session session, FixedPointFormat? format = null)
    {
        var fixedPoint = format ?? FixedPointFormat.Default;
        return session.PartyCount switch
        {
            3 => new SecretContext<Z2kPair>(new ReplicatedSuite(session), fixedPoint, owned: null),
            >= 4 => new SecretContext<Mersenne127>(new ShamirSuite<Mersenne127>(session), fixedPoint, owned: null),
            _ => OverOt(session, fixedPoint),
        };

        static SecretContext OverOt(Session session, FixedPointFormat format)
        {
            var triples = new OtPreprocessing(session);
            return new SecretContext<Z2k>(new AdditiveSuite(session, triples), format, owned: triples);
        }
    }

    /// <summary>The context over a suite of your choice (an actively secure one, for instance).</summary>
    public static SecretContext<T> For<T>(IArithmeticSuite<T> suite, FixedPointFormat? format = null) where T : unmanaged, IRing<T> =>
        new(suite, format ?? FixedPointFormat.Default, owned: null);

    /// <summary>A real value held by <paramref name="owner"/> (the others' <paramref name="value"/> is ignored).</summary>
    public Secret Input(int owner, double value) => Input(owner, [value], 1);

    /// <summary>
    /// <paramref name="length"/> real values held by <paramref name="owner"/>; the others pass nothing or anything.
    /// </summary>
    public Secret Input(int owner, ReadOnlySpan<double> values, int length)
    {
        CheckOwner(owner);
        if (owner == PartyId && values.Length != length)
            throw new ArgumentException($"Party {owner} inputs {values.Length} values where {length} were announced.", nameof(values));
        return Make(NodeOp.Input, [], length, scale: 1, values: owner == PartyId ? values.ToArray() : null, parameter: owner);
    }

    /// <summary>An integer held by <paramref name="owner"/>: products of integers need no truncation.</summary>
    public Secret InputInteger(int owner, long value)
    {
        CheckOwner(owner);
        return Make(NodeOp.Input, [], 1, scale: 0, values: owner == PartyId ? [value] : null, parameter: owner);
    }

    /// <summary>One real value from every party: element i is party i's <paramref name="mine"/>.</summary>
    public Secret[] InputFromEach(double mine) => [.. Enumerable.Range(0, PartyCount).Select(p => Input(p, mine))];

    /// <summary>Public real values, as secrets (every party passes the same).</summary>
    public Secret Constant(params double[] values) => Make(NodeOp.Constant, [], values.Length, scale: 1, values: values);

    /// <summary>
    /// Runs what <paramref name="values"/> need and reveals them to every party: their values one after another
    /// (integers exactly). One round more than the computation.
    /// </summary>
    public Task<double[]> RevealAsync(params Secret[] values) => RevealAsync(values, CancellationToken.None);

    /// <inheritdoc cref="RevealAsync(Secret[])"/>
    public abstract Task<double[]> RevealAsync(IReadOnlyList<Secret> values, CancellationToken ct);

    /// <summary>As <see cref="RevealAsync(Secret[])"/>, to <paramref name="receiver"/> only; the others get null.</summary>
    public abstract Task<double[]?> RevealToAsync(int receiver, IReadOnlyList<Secret> values, CancellationToken ct = default);

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>A node whose shares the caller supplies (<see cref="SecretContext{T}.FromShares"/>).</summary>
    internal Secret Leaf(int length, int scale) => Make(NodeOp.Constant, [], length, scale);

    internal Secret Add(Secret a, Secret b) => Binary(NodeOp.Add, a, b);

    internal Secret Subtract(Secret a, Secret b) => Binary(NodeOp.Subtract, a, b);

    internal Secret Negate(Secret a) => Make(NodeOp.Negate, [Own(a)], a.Length, a.Node.Scale);

    internal Secret AddPublic(Secret a, double c)
    {
        Own(a);
        if (a.IsInteger && !IsInteger(c)) a = Lift(a);
        return Make(NodeOp.AddPublic, [a.Node], a.Length, a.Node.Scale, values: [c]);
    }

    internal Secret MultiplyPublic(Secret a, double c)
    {
        Own(a);
        if (IsInteger(c) && Math.Abs(c) < 1L << 62)
            return Make(NodeOp.ScaleByInteger, [a.Node], a.Length, a.Node.Scale, parameter: (long)c);
        // c in fixed point: an integer becomes a real at once; a real's product is truncated, one level. A small c is
        // encoded with more bits (about f + 1 significant ones), so that x / 50 is not x times 0.0200043 (f = 16).
        int f = Format.FractionalBits;
        int bits = a.IsInteger || Math.Abs(c) >= 1 ? f : f + Math.Min(f, -(int)Math.Floor(Math.Log2(Math.Abs(c))));
        var product = Make(NodeOp.MultiplyPublic, [a.Node], a.Length, a.Node.Scale + 1, values: [c], parameter: bits);
        return a.IsInteger ? product : Make(NodeOp.Truncate, [product.Node], a.Length, 1, parameter: bits);
    }

    internal Secret Multiply(Secret a, Secret b)
    {
        Own(a);
        Own(b);
        var (x, y) = Broadcast(a, b);
        return x.Node.Scale + y.Node.Scale == 2
            ? Make(NodeOp.MultiplyAndTruncate, [x.Node, y.Node], x.Length, 1)
            : Make(NodeOp.Multiply, [x.Node, y.Node], x.Length, x.Node.Scale + y.Node.Scale);
    }

    internal Secret LessThanZero(Secret a) => Make(NodeOp.LessThanZero, [Own(a)], a.Length, 0);

    internal Secret Sum(Secret a) => Make(NodeOp.Sum, [Own(a)], 1, a.Node.Scale);

    internal Secret Transpose(Secret a, int rows, int columns)
    {
        Own(a);
        CheckShape(a, rows, columns, "matrix");
        return Make(NodeOp.Transpose, [a.Node], a.Length, a.Node.Scale, shape: (rows, 0, columns));
    }

    internal Secret MatrixMultiply(Secret a, Secret b, int rows, int inner, int columns)
    {
        Own(a);
        Own(b);
        CheckShape(a, rows, inner, "left operand");
        CheckShape(b, inner, columns, "right operand");
        return Make(NodeOp.MatrixMultiply, [a.Node, b.Node], rows * columns, Math.Min(1, a.Node.Scale + b.Node.Scale),
            shape: (rows, inner, columns), parameter: a.Node.Scale + b.Node.Scale);
    }

    private static void CheckShape(Secret a, int rows, int columns, string what)
    {
        if (rows < 0 || columns < 0 || (long)rows * columns != a.Length)
            throw new ArgumentException($"The {what} has {a.Length} values, not {rows} x {columns}.");
    }

    internal Secret PrefixSums(Secret a) => Make(NodeOp.PrefixSums, [Own(a)], a.Length, a.Node.Scale);

    /// <summary>A many-round function: of reals (an integer input becomes one first), or order-only (max, sort).</summary>
    internal Secret Composite(NodeOp op, Secret a, Secret? b = null)
    {
        Own(a);
        if (a.Length == 0) throw new ArgumentException($"{op} of no values.", nameof(a));
        bool orderOnly = op is NodeOp.Max or NodeOp.ArgMax or NodeOp.Sort;
        if (!orderOnly && a.IsInteger) a = Lift(a);
        if (b is not null)
        {
            Own(b);
            if (b.IsInteger) b = Lift(b);
            (a, b) = Broadcast(a, b);
        }
        int length = op is NodeOp.Max or NodeOp.ArgMax ? 1 : a.Length;
        int scale = op == NodeOp.ArgMax ? 0 : orderOnly ? a.Node.Scale : 1;
        return Make(op, b is null ? [a.Node] : [a.Node, b.Node], length, scale);
    }

    internal Secret Slice(Secret a, int start, int length)
    {
        Own(a);
        if (start < 0 || length < 0 || start > a.Length - length)
            throw new ArgumentOutOfRangeException(nameof(length), $"Values {start}..{start + length - 1} are not within the {a.Length}.");
        return Make(NodeOp.Slice, [a.Node], length, a.Node.Scale, parameter: start);
    }

    internal Secret Concat(Secret[] parts)
    {
        foreach (var part in parts) Own(part);
        var aligned = parts.All(p => p.IsInteger) ? parts : [.. parts.Select(p => p.IsInteger ? Lift(p) : p)];
        return Make(NodeOp.Concat, [.. aligned.Select(p => p.Node)], aligned.Sum(p => p.Length), aligned[0].Node.Scale);
    }

    private Secret Binary(NodeOp op, Secret a, Secret b)
    {
        Own(a);
        Own(b);
        if (a.Node.Scale != b.Node.Scale)
        {
            if (a.IsInteger) a = Lift(a);
            else b = Lift(b);
        }
        var (x, y) = Broadcast(a, b);
        return Make(op, [x.Node, y.Node], x.Length, x.Node.Scale);
    }

    // An integer as a fixed-point real: times 2^f, local.
    private Secret Lift(Secret a) => Make(NodeOp.ScaleByInteger, [a.Node], a.Length, 1, parameter: 1L << Format.FractionalBits);

    private (Secret, Secret) Broadcast(Secret a, Secret b)
    {
        if (a.Length == b.Length) return (a, b);
        if (a.Length == 1) return (Make(NodeOp.Broadcast, [a.Node], b.Length, a.Node.Scale), b);
        if (b.Length == 1) return (a, Make(NodeOp.Broadcast, [b.Node], a.Length, b.Node.Scale));
        throw new ArgumentException($"Vectors of {a.Length} and {b.Length} values do not fit (one of them may have 1 value).");
    }

    private Node Own(Secret a) =>
        ReferenceEquals(a.Context, this) ? a.Node : throw new ArgumentException("The secret belongs to another context.", nameof(a));

    private void CheckOwner(int owner)
    {
        if ((uint)owner >= (uint)PartyCount)
            throw new ArgumentOutOfRangeException(nameof(owner), owner, $"Owner {owner} is not one of the {PartyCount} parties.");
    }

    private static bool IsInteger(double c) => c == Math.Floor(c) && double.IsFinite(c);

    private Secret Make(NodeOp op, Node[] inputs, int length, int scale, double[]? values = null, long parameter = 0,
        (int, int, int) shape = default)
    {
        int level = (inputs.Length == 0 ? 0 : inputs.Max(i => i.Level)) + (Node.IsInteractiveOp(op) ? 1 : 0);
        return new Secret(this, new Node
        {
            Id = _nextId++, Op = op, Inputs = inputs, Length = length, Scale = scale, Values = values, Parameter = parameter,
            Level = level, Shape = shape,
        });
    }
}
