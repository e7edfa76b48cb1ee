using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Mpc.Core.Circuits;

/// <summary>
/// A boolean circuit of XOR, AND, INV and constant gates: compact arrays of <see cref="Gate"/>s in a topological
/// order, the widths of its input and output values, and the wires that carry the outputs.
/// </summary>
/// <remarks>
/// <para>
/// Wires are numbered 0..<see cref="WireCount"/>-1. The input wires come first, value after value
/// (<see cref="InputWidths"/>); every other wire is assigned by exactly one gate, after the wires it reads. Output
/// value j is carried by the wires <see cref="OutputWires"/> from <see cref="OutputOffset"/>(j) on; they may be any
/// wires (inputs, constants, the same wire twice). Within a value, bit i is the i-th wire: for the
/// <see cref="CircuitBuilder"/>'s arithmetic, bit 0 is the least significant.
/// </para>
/// <para>
/// The constructor keeps the circuit's meaning but reorders its gates by AND depth (stably): the gates that need no
/// AND, then every AND gate of depth 1, the free gates that need them, every AND gate of depth 2, and so on. AND gates
/// of one layer are independent, so garbling can pipeline their hashes through AES-NI. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class Circuit
{
    private readonly Gate[] _gates;
    private readonly int[] _outputWires;
    private readonly int[] _inputWidths;
    private readonly int[] _outputWidths;
    private readonly int[] _inputOffsets;
    private readonly int[] _outputOffsets;
    private byte[]? _fingerprint;

    /// <summary>
    /// A circuit with <paramref name="wireCount"/> wires. Throws <see cref="ArgumentException"/> naming the first gate
    /// that reads a wire before it is assigned, assigns a wire twice, or names a wire out of range.
    /// </summary>
    /// <param name="wireCount">Number of wires, inputs included.</param>
    /// <param name="inputWidths">Bit width of each input value; the input wires are 0..sum-1, in this order.</param>
    /// <param name="outputWidths">Bit width of each output value.</param>
    /// <param name="outputWires">The wires of the output values, value after value (sum of <paramref name="outputWidths"/> wires).</param>
    /// <param name="gates">The gates, in an order where every wire is assigned before it is read.</param>
    public Circuit(int wireCount, IReadOnlyList<int> inputWidths, IReadOnlyList<int> outputWidths,
        ReadOnlySpan<int> outputWires, ReadOnlySpan<Gate> gates)
    {
        ArgumentNullException.ThrowIfNull(inputWidths);
        ArgumentNullException.ThrowIfNull(outputWidths);
        ArgumentOutOfRangeException.ThrowIfNegative(wireCount);
        _inputWidths = [.. inputWidths];
        _outputWidths = [.. outputWidths];
        _inputOffsets = Offsets(_inputWidths, nameof(inputWidths));
        _outputOffsets = Offsets(_outputWidths, nameof(outputWidths));
        InputCount = _inputOffsets[^1];
        if (InputCount > wireCount)
            throw new ArgumentException($"The inputs need {InputCount} wires but the circuit has {wireCount}.", nameof(inputWidths));
        if (outputWires.Length != _outputOffsets[^1])
            throw new ArgumentException(
                $"The output widths add up to {_outputOffsets[^1]} wires but {outputWires.Length} output wires are given.",
                nameof(outputWires));
        WireCount = wireCount;
        _outputWires = outputWires.ToArray();
        _gates = OrderByAndDepth(wireCount, InputCount, gates, out int depth);
        AndDepth = depth;
        for (int o = 0; o < _outputWires.Length; o++)
        {
            if ((uint)_outputWires[o] >= (uint)wireCount)
                throw new ArgumentException($"Output wire {o} is wire {_outputWires[o]}, outside 0..{wireCount - 1}.", nameof(outputWires));
        }
        foreach (Gate g in _gates)
        {
            switch (g.Kind)
            {
                case GateKind.And: AndCount++; break;
                case GateKind.Xor: XorCount++; break;
                case GateKind.Inv: InvCount++; break;
                default: ConstantCount++; break;
            }
        }
    }

    /// <summary>Number of wires, inputs included.</summary>
    public int WireCount { get; }

    /// <summary>Number of input wires (the sum of <see cref="InputWidths"/>): wires 0..InputCount-1.</summary>
    public int InputCount { get; }

    /// <summary>Number of output wires (the sum of <see cref="OutputWidths"/>).</summary>
    public int OutputCount => _outputWires.Length;

    /// <summary>Bit width of each input value.</summary>
    public IReadOnlyList<int> InputWidths => _inputWidths;

    /// <summary>Bit width of each output value.</summary>
    public IReadOnlyList<int> OutputWidths => _outputWidths;

    /// <summary>The gates in evaluation order (grouped by AND depth; see the remarks).</summary>
    public ReadOnlySpan<Gate> Gates => _gates;

    /// <summary>The wires carrying the outputs, value after value.</summary>
    public ReadOnlySpan<int> OutputWires => _outputWires;

    /// <summary>Number of AND gates: each costs two ciphertexts (32 bytes) when garbled.</summary>
    public int AndCount { get; }

    /// <summary>Number of XOR gates.</summary>
    public int XorCount { get; }

    /// <summary>Number of inverters.</summary>
    public int InvCount { get; }

    /// <summary>Number of constant gates.</summary>
    public int ConstantCount { get; }

    /// <summary>The largest number of AND gates on any path from an input to a wire.</summary>
    public int AndDepth { get; }

    /// <summary>The first input wire of input value <paramref name="value"/>.</summary>
    public int InputOffset(int value) => _inputOffsets[value];

    /// <summary>The index in <see cref="OutputWires"/> of output value <paramref name="value"/>'s first bit.</summary>
    public int OutputOffset(int value) => _outputOffsets[value];

    /// <summary>
    /// SHA-256 of the circuit's structure (wires, widths, outputs and gates in order): two parties compare it to
    /// check they hold the same circuit. Computed once.
    /// </summary>
    public ReadOnlySpan<byte> Fingerprint => _fingerprint ??= ComputeFingerprint();

    /// <summary>
    /// Evaluates the circuit in the clear: <paramref name="inputs"/> holds the <see cref="InputCount"/> input bits,
    /// value after value, and <paramref name="outputs"/> receives the <see cref="OutputCount"/> output bits.
    /// </summary>
    public void Evaluate(ReadOnlySpan<bool> inputs, Span<bool> outputs)
    {
        if (inputs.Length != InputCount)
            throw new ArgumentException($"The circuit has {InputCount} input bits, not {inputs.Length}.", nameof(inputs));
        if (outputs.Length < OutputCount)
            throw new ArgumentException($"The circuit has {OutputCount} output bits, more than the {outputs.Length} given room.",
                nameof(outputs));
        var wires = new bool[WireCount];
        inputs.CopyTo(wires);
        foreach (Gate g in _gates)
        {
            wires[g.Output] = g.Kind switch
            {
                GateKind.Xor => wires[g.InputA] ^ wires[g.InputB],
                GateKind.And => wires[g.InputA] & wires[g.InputB],
                GateKind.Inv => !wires[g.InputA],
                _ => g.ConstantValue,
            };
        }
        for (int o = 0; o < _outputWires.Length; o++)
        {
            outputs[o] = wires[_outputWires[o]];
        }
    }

    /// <summary>Evaluates the circuit in the clear and returns its <see cref="OutputCount"/> output bits.</summary>
    public bool[] Evaluate(ReadOnlySpan<bool> inputs)
    {
        var outputs = new bool[OutputCount];
        Evaluate(inputs, outputs);
        return outputs;
    }

    /// <summary>"Circuit(inputs 128+128, outputs 128, 6400 AND, 28176 XOR, 2087 INV, depth 60)".</summary>
    public override string ToString() =>
        $"Circuit(inputs {string.Join('+', _inputWidths)}, outputs {string.Join('+', _outputWidths)}, "
            + $"{AndCount} AND, {XorCount} XOR, {InvCount} INV, depth {AndDepth})";

    private static int[] Offsets(int[] widths, string name)
    {
        var offsets = new int[widths.Length + 1];
        for (int v = 0; v < widths.Length; v++)
        {
            if (widths[v] < 0) throw new ArgumentException($"Value {v} has negative width {widths[v]}.", name);
            offsets[v + 1] = checked(offsets[v] + widths[v]);
        }
        return offsets;
    }

    /// <summary>
    /// Checks that every wire is assigned once, before it is read, and returns the gates sorted stably by the key
    /// 2·depth (free gates) or 2·depth-1 (AND gates), where an AND's depth is one more than its inputs'.
    /// </summary>
    private static Gate[] OrderByAndDepth(int wireCount, int inputCount, ReadOnlySpan<Gate> gates, out int maxDepth)
    {
        const int Unassigned = -1;
        var depth = new int[wireCount];
        depth.AsSpan(inputCount).Fill(Unassigned);
        var keys = new int[gates.Length];
        maxDepth = 0;
        for (int i = 0; i < gates.Length; i++)
        {
            Gate g = gates[i];
            if ((uint)g.Output >= (uint)wireCount)
                throw new ArgumentException($"Gate {i} ({g}) assigns wire {g.Output}, outside 0..{wireCount - 1}.", nameof(gates));
            if (depth[g.Output] != Unassigned)
                throw new ArgumentException($"Gate {i} ({g}) assigns wire {g.Output}, which is already assigned.", nameof(gates));
            int d = g.Kind switch
            {
                GateKind.Constant => 0,
                GateKind.Inv => Read(g.InputA, i, g),
                GateKind.Xor => Math.Max(Read(g.InputA, i, g), Read(g.InputB, i, g)),
                GateKind.And => Math.Max(Read(g.InputA, i, g), Read(g.InputB, i, g)) + 1,
                _ => throw new ArgumentException($"Gate {i} has unknown kind {(int)g.Kind}.", nameof(gates)),
            };
            depth[g.Output] = d;
            keys[i] = g.Kind == GateKind.And ? 2 * d - 1 : 2 * d;
            maxDepth = Math.Max(maxDepth, d);
        }

        // Counting sort on the keys, stable, so gates of one key keep their (topological) order.
        var starts = new int[2 * maxDepth + 2];
        foreach (int k in keys) starts[k + 1]++;
        for (int k = 1; k < starts.Length; k++) starts[k] += starts[k - 1];
        var ordered = new Gate[gates.Length];
        var layerStarted = new bool[maxDepth + 1];
        for (int i = 0; i < gates.Length; i++)
        {
            Gate g = gates[i];
            if (g.Kind == GateKind.And && !layerStarted[depth[g.Output]])
            {
                layerStarted[depth[g.Output]] = true;
                g = g.AsLayerStart();
            }
            ordered[starts[keys[i]]++] = g;
        }
        return ordered;

        int Read(int wire, int index, Gate g)
        {
            if ((uint)wire >= (uint)wireCount)
                throw new ArgumentException($"Gate {index} ({g}) reads wire {wire}, outside 0..{wireCount - 1}.", nameof(gates));
            if (depth[wire] == Unassigned)
                throw new ArgumentException($"Gate {index} ({g}) reads wire {wire} before any gate assigns it.", nameof(gates));
            return depth[wire];
        }
    }

    private byte[] ComputeFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var word = new byte[4];
        void Add(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(word, value);
            hash.AppendData(word);
        }
        Add(WireCount);
        Add(_inputWidths.Length);
        foreach (int w in _inputWidths) Add(w);
        Add(_outputWidths.Length);
        foreach (int w in _outputWidths) Add(w);
        hash.AppendData(MemoryMarshal.AsBytes(_outputWires.AsSpan()));
        Add(_gates.Length);
        // Field by field (not the struct's bytes, whose padding is unspecified), in chunks.
        Span<int> chunk = stackalloc int[4 * 256];
        for (int start = 0; start < _gates.Length; start += 256)
        {
            int n = Math.Min(256, _gates.Length - start);
            for (int j = 0; j < n; j++)
            {
                Gate g = _gates[start + j];
                chunk[4 * j] = (int)g.Kind | (g.ConstantValue ? 0x100 : 0) | (g.StartsAndLayer ? 0x200 : 0);
                chunk[4 * j + 1] = g.InputA;
                chunk[4 * j + 2] = g.InputB;
                chunk[4 * j + 3] = g.Output;
            }
            hash.AppendData(MemoryMarshal.AsBytes(chunk[..(4 * n)]));
        }
        return hash.GetHashAndReset();
    }
}
