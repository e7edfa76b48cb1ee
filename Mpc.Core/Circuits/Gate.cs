using System.Runtime.InteropServices;

namespace Mpc.Core.Circuits;

/// <summary>
/// One gate of a <see cref="Circuit"/>: its kind, its input wires and its output wire, in 16 bytes so a circuit
/// is one compact array. Unary gates (<see cref="GateKind.Inv"/>) have <see cref="InputB"/> = -1; constants have
/// both inputs -1 and carry their value in <see cref="ConstantValue"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public readonly struct Gate : IEquatable<Gate>
{
    private const byte ConstantOneFlag = 1;
    private const byte LayerStartFlag = 2;

    private readonly int _inputA;
    private readonly int _inputB;
    private readonly int _output;
    private readonly GateKind _kind;
    private readonly byte _flags;

    private Gate(GateKind kind, int inputA, int inputB, int output, byte flags)
    {
        _kind = kind;
        _inputA = inputA;
        _inputB = inputB;
        _output = output;
        _flags = flags;
    }

    /// <summary><paramref name="output"/> = <paramref name="a"/> ⊕ <paramref name="b"/>.</summary>
    public static Gate Xor(int a, int b, int output) => new(GateKind.Xor, a, b, output, 0);

    /// <summary><paramref name="output"/> = <paramref name="a"/> ∧ <paramref name="b"/>.</summary>
    public static Gate And(int a, int b, int output) => new(GateKind.And, a, b, output, 0);

    /// <summary><paramref name="output"/> = ¬<paramref name="a"/>.</summary>
    public static Gate Inv(int a, int output) => new(GateKind.Inv, a, -1, output, 0);

    /// <summary><paramref name="output"/> = <paramref name="value"/>.</summary>
    public static Gate Constant(bool value, int output) => new(GateKind.Constant, -1, -1, output, value ? ConstantOneFlag : (byte)0);

    /// <summary>What the gate computes.</summary>
    public GateKind Kind => _kind;

    /// <summary>The first input wire (-1 for a constant).</summary>
    public int InputA => _inputA;

    /// <summary>The second input wire (-1 for an inverter or a constant).</summary>
    public int InputB => _inputB;

    /// <summary>The wire the gate assigns.</summary>
    public int Output => _output;

    /// <summary>The value of a <see cref="GateKind.Constant"/> gate (false for every other kind).</summary>
    public bool ConstantValue => (_flags & ConstantOneFlag) != 0;

    /// <summary>
    /// Whether this AND gate begins a new layer of independent AND gates: it may read the output of the AND gate
    /// just before it. Set by <see cref="Circuit"/> when it orders gates; garbling batches the hashes of the AND
    /// gates from one layer start to the next.
    /// </summary>
    internal bool StartsAndLayer => (_flags & LayerStartFlag) != 0;

    /// <summary>This gate with <see cref="StartsAndLayer"/> set.</summary>
    internal Gate AsLayerStart() => new(_kind, _inputA, _inputB, _output, (byte)(_flags | LayerStartFlag));

    /// <inheritdoc />
    public bool Equals(Gate other) =>
        _kind == other._kind && _inputA == other._inputA && _inputB == other._inputB && _output == other._output &&
        ConstantValue == other.ConstantValue;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Gate other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_kind, _inputA, _inputB, _output, ConstantValue);

    /// <summary>Whether both gates compute the same thing on the same wires.</summary>
    public static bool operator ==(Gate left, Gate right) => left.Equals(right);

    /// <summary>Whether the gates differ.</summary>
    public static bool operator !=(Gate left, Gate right) => !left.Equals(right);

    /// <summary>The gate in a Bristol-like notation, e.g. <c>AND 3 7 -&gt; 12</c>.</summary>
    public override string ToString() => _kind switch
    {
        GateKind.Inv => $"INV {_inputA} -> {_output}",
        GateKind.Constant => $"CONST {(ConstantValue ? 1 : 0)} -> {_output}",
        _ => $"{_kind.ToString().ToUpperInvariant()} {_inputA} {_inputB} -> {_output}",
    };
}
