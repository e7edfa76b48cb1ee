namespace Mpc.Core.Circuits;

/// <summary>
/// Builds a <see cref="Circuit"/> gate by gate: input values, XOR / AND / INV / constants, the arithmetic building
/// blocks of <c>CircuitBuilder.Arithmetic.cs</c>, and output values.
/// </summary>
/// <remarks>
/// Multi-bit values are <see cref="Wire"/> arrays, least significant bit first. The builder folds constants
/// (<c>x ∧ 0 = 0</c>, <c>x ⊕ 1 = ¬x</c>, <c>x ⊕ x = 0</c>, <c>¬¬x = x</c>, ...), so building blocks applied to
/// constants cost no AND gates. Input values may be declared at any point; <see cref="Build"/> numbers their wires
/// first, in declaration order, as <see cref="Circuit"/> requires.
/// </remarks>
public sealed partial class CircuitBuilder
{
    private const sbyte NotConstant = -1;

    private readonly List<Gate> _gates = [];
    private readonly List<sbyte> _constantValue = [];
    private readonly List<int> _negationOf = [];
    private readonly List<Wire[]> _inputs = [];
    private readonly List<Wire> _outputWires = [];
    private readonly List<int> _outputWidths = [];
    private Wire? _zero;
    private Wire? _one;

    /// <summary>Number of AND gates so far (the garbling cost).</summary>
    public int AndCount { get; private set; }

    /// <summary>Declares the next input value, of <paramref name="width"/> bits, and returns its wires.</summary>
    public Wire[] Input(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        var wires = new Wire[width];
        for (int i = 0; i < width; i++)
        {
            wires[i] = NewWire(NotConstant);
        }
        _inputs.Add(wires);
        return wires;
    }

    /// <summary>Declares the next output value: the wires in <paramref name="bits"/>, least significant first.</summary>
    public void Output(params ReadOnlySpan<Wire> bits)
    {
        foreach (Wire w in bits) Check(w);
        _outputWires.AddRange(bits);
        _outputWidths.Add(bits.Length);
    }

    /// <summary>The constant wire 0.</summary>
    public Wire Zero => _zero ??= AddConstant(false);

    /// <summary>The constant wire 1.</summary>
    public Wire One => _one ??= AddConstant(true);

    /// <summary>The constant wire for <paramref name="value"/>.</summary>
    public Wire Constant(bool value) => value ? One : Zero;

    /// <summary>The low <paramref name="width"/> bits of <paramref name="value"/> as constant wires.</summary>
    public Wire[] Constant(ulong value, int width)
    {
        var wires = new Wire[width];
        for (int i = 0; i < width; i++)
        {
            wires[i] = Constant(i < 64 && ((value >> i) & 1) != 0);
        }
        return wires;
    }

    /// <summary>a ⊕ b (free).</summary>
    public Wire Xor(Wire a, Wire b)
    {
        sbyte ca = ConstantOf(a), cb = ConstantOf(b);
        if (ca != NotConstant && cb != NotConstant) return Constant((ca ^ cb) != 0);
        if (ca != NotConstant) return ca == 0 ? b : Inv(b);
        if (cb != NotConstant) return cb == 0 ? a : Inv(a);
        if (a == b) return Zero;
        if (_negationOf[a.Id] == b.Id || _negationOf[b.Id] == a.Id) return One;
        return AddGate(Gate.Xor(a.Id, b.Id, _constantValue.Count));
    }

    /// <summary>a ∧ b (one AND gate unless an input is constant or they are the same wire).</summary>
    public Wire And(Wire a, Wire b)
    {
        sbyte ca = ConstantOf(a), cb = ConstantOf(b);
        if (ca == 0 || cb == 0) return Zero;
        if (ca == 1) return b;
        if (cb == 1) return a;
        if (a == b) return a;
        if (_negationOf[a.Id] == b.Id || _negationOf[b.Id] == a.Id) return Zero;
        AndCount++;
        return AddGate(Gate.And(a.Id, b.Id, _constantValue.Count));
    }

    /// <summary>¬a (free).</summary>
    public Wire Inv(Wire a)
    {
        sbyte ca = ConstantOf(a);
        if (ca != NotConstant) return Constant(ca == 0);
        if (_negationOf[a.Id] >= 0) return new Wire(_negationOf[a.Id]);
        Wire result = AddGate(Gate.Inv(a.Id, _constantValue.Count));
        _negationOf[result.Id] = a.Id;
        return result;
    }

    /// <summary>a ∨ b = a ⊕ b ⊕ (a ∧ b) (one AND gate).</summary>
    public Wire Or(Wire a, Wire b) => Xor(Xor(a, b), And(a, b));

    /// <summary>
    /// The circuit built so far: input wires first (in declaration order), then every other wire in creation order.
    /// The builder can go on building afterwards.
    /// </summary>
    public Circuit Build()
    {
        int wireCount = _constantValue.Count;
        var map = new int[wireCount];
        map.AsSpan().Fill(-1);
        int next = 0;
        var inputWidths = new int[_inputs.Count];
        for (int v = 0; v < _inputs.Count; v++)
        {
            inputWidths[v] = _inputs[v].Length;
            foreach (Wire w in _inputs[v]) map[w.Id] = next++;
        }
        for (int w = 0; w < wireCount; w++)
        {
            if (map[w] < 0) map[w] = next++;
        }
        var gates = new Gate[_gates.Count];
        for (int i = 0; i < gates.Length; i++)
        {
            Gate g = _gates[i];
            int output = map[g.Output];
            gates[i] = g.Kind switch
            {
                GateKind.Xor => Gate.Xor(map[g.InputA], map[g.InputB], output),
                GateKind.And => Gate.And(map[g.InputA], map[g.InputB], output),
                GateKind.Inv => Gate.Inv(map[g.InputA], output),
                _ => Gate.Constant(g.ConstantValue, output),
            };
        }
        var outputs = new int[_outputWires.Count];
        for (int o = 0; o < outputs.Length; o++)
        {
            outputs[o] = map[_outputWires[o].Id];
        }
        return new Circuit(wireCount, inputWidths, _outputWidths, outputs, gates);
    }

    private Wire AddConstant(bool value)
    {
        int id = _constantValue.Count;
        _gates.Add(Gate.Constant(value, id));
        return NewWire(value ? (sbyte)1 : (sbyte)0);
    }

    private Wire AddGate(Gate gate)
    {
        _gates.Add(gate);
        return NewWire(NotConstant);
    }

    private Wire NewWire(sbyte constant)
    {
        _constantValue.Add(constant);
        _negationOf.Add(-1);
        return new Wire(_constantValue.Count - 1);
    }

    private sbyte ConstantOf(Wire w)
    {
        Check(w);
        return _constantValue[w.Id];
    }

    private void Check(Wire w)
    {
        if ((uint)w.Id >= (uint)_constantValue.Count)
            throw new ArgumentException($"Wire {w.Id} does not belong to this builder (it has {_constantValue.Count} wires).");
    }

    private static void CheckSameWidth(ReadOnlySpan<Wire> a, ReadOnlySpan<Wire> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Operands have {a.Length} and {b.Length} bits; they must be equally wide.");
    }
}
