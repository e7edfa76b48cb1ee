using FsCheck.Xunit;
using Mpc.Core.Circuits;
using Mpc.Tests.Arbitraries;

namespace Mpc.Tests.Core.Circuits;

public sealed class CircuitTests
{
    /// <summary>Evaluates gates in the order given, independently of <see cref="Circuit"/>'s reordering.</summary>
    private static bool[] EvaluateInGivenOrder(int wireCount, ReadOnlySpan<Gate> gates, ReadOnlySpan<int> outputs, bool[] inputs)
    {
        var wires = new bool[wireCount];
        inputs.CopyTo(wires, 0);
        foreach (Gate g in gates)
        {
            wires[g.Output] = g.Kind switch
            {
                GateKind.Xor => wires[g.InputA] ^ wires[g.InputB],
                GateKind.And => wires[g.InputA] && wires[g.InputB],
                GateKind.Inv => !wires[g.InputA],
                _ => g.ConstantValue,
            };
        }
        var result = new bool[outputs.Length];
        for (int o = 0; o < outputs.Length; o++) result[o] = wires[outputs[o]];
        return result;
    }

    [Property(Arbitrary = [typeof(RandomCircuits)])]
    public void Circuit_OrderByAndDepth_KeepsOutputs_LayersAreIndependent((int Seed, int Gates) spec)
    {
        RandomCircuits.RawCircuit raw = RandomCircuits.RawParts(spec.Seed, spec.Gates);
        var circuit = new Circuit(raw.WireCount, raw.InputWidths, raw.OutputWidths, raw.OutputWires, raw.Gates);
        bool[] inputs = RandomCircuits.Inputs(circuit, spec.Seed);
        Assert.Equal(EvaluateInGivenOrder(raw.WireCount, raw.Gates, raw.OutputWires, inputs), circuit.Evaluate(inputs));
        Assert.Equal(spec.Gates, circuit.Gates.Length);

        // A layer runs from a StartsAndLayer gate to the next; its AND gates read no wire the layer assigns.
        var assignedAt = new int[circuit.WireCount];
        Array.Fill(assignedAt, -1);
        int layerStart = 0;
        ReadOnlySpan<Gate> gates = circuit.Gates;
        for (int i = 0; i < gates.Length; i++)
        {
            Gate g = gates[i];
            if (g.StartsAndLayer) layerStart = i;
            if (g.Kind == GateKind.And)
            {
                Assert.True(assignedAt[g.InputA] < layerStart && assignedAt[g.InputB] < layerStart,
                    $"gate {i} ({g}) reads a wire of its own layer");
            }
            assignedAt[g.Output] = i;
        }
    }

    [Fact]
    public void Circuit_CountsGatesAndDepth()
    {
        // (a ∧ b) ⊕ c, then ∧ a: depth 2.
        var circuit = new Circuit(6, [3], [1], [5], [Gate.And(0, 1, 3), Gate.Xor(3, 2, 4), Gate.And(4, 0, 5)]);
        Assert.Equal((2, 1, 0, 0, 2), (circuit.AndCount, circuit.XorCount, circuit.InvCount, circuit.ConstantCount, circuit.AndDepth));
        Assert.Equal([true], circuit.Evaluate([true, true, false]));
        Assert.Equal([false], circuit.Evaluate([true, true, true]));
    }

    [Fact]
    public void Circuit_RejectsGatesThatBreakSingleAssignmentOrRange()
    {
        var e = Assert.Throws<ArgumentException>(() => new Circuit(4, [2], [1], [3], [Gate.And(0, 3, 2), Gate.Xor(0, 1, 3)]));
        Assert.Contains("reads wire 3 before any gate assigns it", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Circuit(4, [2], [1], [3], [Gate.And(0, 1, 3), Gate.Xor(0, 1, 3)]));
        Assert.Contains("already assigned", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Circuit(4, [2], [1], [3], [Gate.And(0, 1, 1)]));
        Assert.Contains("already assigned", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Circuit(3, [2], [1], [2], [Gate.And(0, 7, 2)]));
        Assert.Contains("outside 0..2", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Circuit(3, [2], [1], [9], [Gate.And(0, 1, 2)]));
        Assert.Contains("Output wire 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Circuit(3, [2], [2], [2], [Gate.And(0, 1, 2)]));
        Assert.Contains("output wires", e.Message);
    }

    [Fact]
    public void Circuit_Fingerprint_DependsOnEveryGate()
    {
        Circuit Make(Gate last) => new(4, [2], [1], [3], [Gate.And(0, 1, 2), last]);
        Assert.True(Make(Gate.Xor(2, 0, 3)).Fingerprint.SequenceEqual(Make(Gate.Xor(2, 0, 3)).Fingerprint));
        Assert.False(Make(Gate.Xor(2, 0, 3)).Fingerprint.SequenceEqual(Make(Gate.Xor(2, 1, 3)).Fingerprint));
        Assert.False(Make(Gate.Xor(2, 0, 3)).Fingerprint.SequenceEqual(Make(Gate.And(2, 0, 3)).Fingerprint));
        Assert.False(Make(Gate.Constant(false, 3)).Fingerprint.SequenceEqual(Make(Gate.Constant(true, 3)).Fingerprint));
    }

    [Fact]
    public void Bits_RoundTripNumbersAndBytes()
    {
        Assert.Equal(0xBEEFUL, Bits.ToUInt64(Bits.FromUInt64(0xBEEF, 16)));
        Assert.Equal(-5L, Bits.ToInt64(Bits.FromInt64(-5, 7)));
        Assert.Equal([true, false, false, false, false, false, false, false, false, true, false, false, false, false, false, false],
            Bits.FromBytes([1, 2]));
        Assert.Equal(new byte[] { 0x12, 0xfe }, Bits.ToBytes(Bits.FromBytes([0x12, 0xfe])));
    }
}
