using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;

namespace Mpc.Protocols.Expressions;

/// <summary>
/// The natural syntax over one suite of ring <typeparamref name="T"/>: runs the lazy computation, and joins it to the
/// explicit API both ways (<see cref="SharesAsync"/>, <see cref="FromShares"/>).
/// </summary>
public sealed class SecretContext<T> : SecretContext where T : unmanaged, IRing<T>
{
    private readonly IArithmeticSuite<T> _suite;
    private readonly IDisposable? _owned;
    private readonly Dictionary<int, SharedVector<T>> _values = [];
    private FixedPoint.FixedPointFunctions<T>? _functions;

    internal SecretContext(IArithmeticSuite<T> suite, FixedPointFormat format, IDisposable? owned) : base(suite.Session, format)
    {
        _suite = suite;
        _owned = owned;
    }

    /// <summary>The suite it computes with.</summary>
    public IArithmeticSuite<T> Suite => _suite;

    /// <inheritdoc />
    public override string SuiteName => _suite.Name;

    /// <summary>
    /// Runs what <paramref name="x"/> needs and gives its shares for the explicit API: integers as they are, reals times
    /// 2^f (<see cref="SecretContext.Format"/>).
    /// </summary>
    public async ValueTask<SharedVector<T>> SharesAsync(Secret x, CancellationToken ct = default)
    {
        await EvaluateAsync([x.Node], ct).ConfigureAwait(false);
        return _values[x.Node.Id];
    }

    /// <summary>A secret made of shares the explicit API computed: integers, or reals times 2^f.</summary>
    public Secret FromShares(SharedVector<T> shares, bool isInteger)
    {
        var secret = Leaf(shares.Length, isInteger ? 0 : 1);
        _values[secret.Node.Id] = shares;
        return secret;
    }

    /// <inheritdoc />
    public override async Task<double[]> RevealAsync(IReadOnlyList<Secret> values, CancellationToken ct)
    {
        var all = await ConcatenatedAsync(values, ct).ConfigureAwait(false);
        return Decode(values, await _suite.OpenAsync(all, ct).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public override async Task<double[]?> RevealToAsync(int receiver, IReadOnlyList<Secret> values, CancellationToken ct = default)
    {
        var all = await ConcatenatedAsync(values, ct).ConfigureAwait(false);
        return await _suite.OpenToAsync(receiver, all, ct).ConfigureAwait(false) is { } opened ? Decode(values, opened) : null;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _owned?.Dispose();
        base.Dispose();
    }

    private async Task<SharedVector<T>> ConcatenatedAsync(IReadOnlyList<Secret> values, CancellationToken ct)
    {
        if (values.Count == 0) throw new ArgumentException("Reveal at least one secret.", nameof(values));
        foreach (var v in values)
        {
            if (!ReferenceEquals(v.Context, this)) throw new ArgumentException("A secret belongs to another context.", nameof(values));
        }
        await EvaluateAsync(values.Select(v => v.Node), ct).ConfigureAwait(false);
        return values.Count == 1 ? _values[values[0].Node.Id] : SharedVector<T>.Concat([.. values.Select(v => _values[v.Node.Id])]);
    }

    private double[] Decode(IReadOnlyList<Secret> values, T[] opened)
    {
        var result = new double[opened.Length];
        int offset = 0;
        foreach (var v in values)
        {
            for (int i = 0; i < v.Length; i++)
            {
                T value = opened[offset + i];
                result[offset + i] = v.IsInteger ? (double)T.ToSignedInt128(value) : Format.Decode(value);
            }
            offset += v.Length;
        }
        return result;
    }

    // Level by level: the level's interactive operations, batched, then its local ones in the order they were made.
    private async Task EvaluateAsync(IEnumerable<Node> roots, CancellationToken ct)
    {
        var needed = new Dictionary<int, Node>();
        var stack = new Stack<Node>(roots);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (_values.ContainsKey(node.Id) || !needed.TryAdd(node.Id, node)) continue;
            foreach (var input in node.Inputs) stack.Push(input);
        }
        foreach (var level in needed.Values.GroupBy(n => n.Level).OrderBy(g => g.Key))
        {
            var interactive = level.Where(n => n.IsInteractive).OrderBy(n => n.Id).ToArray();
            if (interactive.Length > 0) await RunLevelAsync(interactive, ct).ConfigureAwait(false);
            foreach (var node in level.Where(n => !n.IsInteractive).OrderBy(n => n.Id)) _values[node.Id] = Local(node);
        }
    }

    private SharedVector<T> Local(Node node)
    {
        SharedVector<T> In(int i) => _values[node.Inputs[i].Id];
        return node.Op switch
        {
            NodeOp.Constant => _suite.Constant(Encode(node.Values!, node.Scale)),
            NodeOp.Add => _suite.Add(In(0), In(1)),
            NodeOp.Subtract => _suite.Subtract(In(0), In(1)),
            NodeOp.Negate => _suite.Scale(In(0), T.FromInt64(-1)),
            NodeOp.AddPublic => _suite.AddPublic(In(0), Repeat(Encode(node.Values!, node.Scale)[0], node.Length)),
            NodeOp.ScaleByInteger => _suite.Scale(In(0), T.FromInt64(node.Parameter)),
            NodeOp.MultiplyPublic => _suite.Scale(In(0), T.FromInt128((Int128)Math.Round(Math.ScaleB(node.Values![0],
                (int)node.Parameter)))),
            NodeOp.Sum => In(0).Sum(),
            NodeOp.Slice => In(0).Slice((int)node.Parameter, node.Length),
            NodeOp.Concat => SharedVector<T>.Concat([.. node.Inputs.Select(i => _values[i.Id])]),
            NodeOp.Broadcast => In(0).Select(new int[node.Length]),
            NodeOp.PrefixSums => _suite.PrefixSums(In(0)),
            NodeOp.Transpose => In(0).Transpose(node.Shape.Rows, node.Shape.Columns),
            _ => throw new InvalidOperationException($"{node.Op} is not a local operation."),
        };
    }

    private T[] Encode(double[] values, int scale) =>
        scale == 0 ? [.. values.Select(v => T.FromInt64(checked((long)v)))] : Format.Encode<T>(values);

    private static T[] Repeat(T value, int length)
    {
        var values = new T[length];
        values.AsSpan().Fill(value);
        return values;
    }

    /// <summary>
    /// One level: each owner's inputs in one input, all products in one product, all products of reals in one fused
    /// product and truncation, all truncations in one, all comparisons in one, started together (comparisons last, as
    /// <see cref="IArithmeticSuite{T}"/> asks; a suite without fused truncation multiplies and truncates after them).
    /// </summary>
    private async Task RunLevelAsync(Node[] nodes, CancellationToken ct)
    {
        int f = Format.FractionalBits;
        // Every call of the level is started before any is awaited; awaiting them in order then costs no extra round.
        var batches = new List<(Node[] Nodes, ValueTask<SharedVector<T>> Result)>();
        foreach (var owner in nodes.Where(n => n.Op == NodeOp.Input).GroupBy(n => (int)n.Parameter).OrderBy(g => g.Key))
        {
            var group = owner.ToArray();
            int length = group.Sum(n => n.Length);
            T[] values = owner.Key == PartyId ? [.. group.SelectMany(n => Encode(n.Values!, n.Scale))] : [];
            batches.Add((group, _suite.InputAsync(owner.Key, values, length, ct)));
        }
        Start(NodeOp.Multiply, (x, y) => _suite.MultiplyAsync(x, y!, ct));
        var deferred = new List<Node>();
        foreach (var node in nodes.Where(n => n.Op == NodeOp.MatrixMultiply))
        {
            // Two reals: the product truncated (fused where the suite can; else after the level, as it takes tags as it goes).
            var (rows, inner, columns) = node.Shape;
            SharedVector<T> a = _values[node.Inputs[0].Id], b = _values[node.Inputs[1].Id];
            if (node.Parameter < 2) batches.Add(([node], _suite.MatrixMultiplyAsync(a, b, rows, inner, columns, ct)));
            else if (_suite.FusedTruncation is { } matrixFused)
                batches.Add(([node], matrixFused.MatrixMultiplyAndTruncateAsync(a, b, rows, inner, columns, f, ct)));
            else deferred.Add(node);
        }
        foreach (var bits in nodes.Where(n => n.Op == NodeOp.Truncate).Select(n => (int)n.Parameter).Distinct().Order())
            Start(NodeOp.Truncate, (x, _) => _suite.TruncateAsync(x, bits, ct), n => n.Parameter == bits);
        var fused = nodes.Where(n => n.Op == NodeOp.MultiplyAndTruncate).ToArray();
        if (_suite.FusedTruncation is { } fusedTruncation)
            Start(NodeOp.MultiplyAndTruncate, (x, y) => fusedTruncation.MultiplyAndTruncateAsync(x, y!, f, ct));
        Start(NodeOp.LessThanZero, (x, _) => _suite.LessThanZeroAsync(x, ct: ct));
        foreach (var (group, result) in batches) Split(group, await result.ConfigureAwait(false));
        if (_suite.FusedTruncation is null && fused.Length > 0)
        {
            var (x, y) = Operands(fused);
            Split(fused, await _suite.MultiplyAndTruncateAsync(x, y!, f, ct).ConfigureAwait(false));
        }
        foreach (var node in deferred)
        {
            var (rows, inner, columns) = node.Shape;
            _values[node.Id] = await _suite.MatrixMultiplyAndTruncateAsync(_values[node.Inputs[0].Id], _values[node.Inputs[1].Id],
                rows, inner, columns, f, ct).ConfigureAwait(false);
        }
        await RunCompositesAsync(nodes.Where(n => n.IsComposite).ToArray(), ct).ConfigureAwait(false);

        void Start(NodeOp op, Func<SharedVector<T>, SharedVector<T>?, ValueTask<SharedVector<T>>> run, Func<Node, bool>? which = null)
        {
            var group = nodes.Where(n => n.Op == op && (which is null || which(n))).ToArray();
            if (group.Length == 0) return;
            var (x, y) = Operands(group);
            batches.Add((group, run(x, y)));
        }
    }

    /// <summary>
    /// The level's many-round functions, one after another (each takes its tags as it goes): elementwise ones of one
    /// kind in one call, the order-based ones (max, sort) one node at a time.
    /// </summary>
    private async Task RunCompositesAsync(Node[] nodes, CancellationToken ct)
    {
        foreach (var kind in nodes.GroupBy(n => n.Op).OrderBy(g => g.Key))
        {
            var group = kind.ToArray();
            if (kind.Key is NodeOp.Max or NodeOp.ArgMax or NodeOp.Sort)
            {
                foreach (var node in group)
                {
                    var x = _values[node.Inputs[0].Id];
                    _values[node.Id] = kind.Key switch
                    {
                        NodeOp.Sort => await _suite.SortAsync(x, ct).ConfigureAwait(false),
                        NodeOp.Max => (await _suite.ArgMaxAsync(x, ct).ConfigureAwait(false)).Max,
                        _ => (await _suite.ArgMaxAsync(x, ct).ConfigureAwait(false)).Index,
                    };
                }
                continue;
            }
            var functions = _functions ??= new FixedPoint.FixedPointFunctions<T>(_suite, Format);
            var (a, b) = Operands(group);
            Split(group, kind.Key switch
            {
                NodeOp.Reciprocal => await functions.ReciprocalAsync(a, ct).ConfigureAwait(false),
                NodeOp.Divide => await functions.DivideAsync(a, b!, ct).ConfigureAwait(false),
                NodeOp.Sqrt => await functions.SqrtAsync(a, ct).ConfigureAwait(false),
                NodeOp.Exp => await functions.ExpAsync(a, ct).ConfigureAwait(false),
                _ => await functions.LogAsync(a, ct).ConfigureAwait(false),
            });
        }
    }

    private (SharedVector<T> X, SharedVector<T>? Y) Operands(Node[] group)
    {
        SharedVector<T> Of(int i) => group.Length == 1
            ? _values[group[0].Inputs[i].Id]
            : SharedVector<T>.Concat([.. group.Select(n => _values[n.Inputs[i].Id])]);
        return (Of(0), group[0].Inputs.Length > 1 ? Of(1) : null);
    }

    private void Split(Node[] group, SharedVector<T> result)
    {
        if (group.Length == 1)
        {
            _values[group[0].Id] = result;
            return;
        }
        int offset = 0;
        foreach (var node in group)
        {
            _values[node.Id] = result.Slice(offset, node.Length);
            offset += node.Length;
        }
    }
}
