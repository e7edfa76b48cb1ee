using System.Runtime.CompilerServices;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Random;

namespace Mpc.Core.Garbling;

/// <summary>
/// The half-gates garbling scheme as pure functions over blocks: free XOR and INV, two ciphertexts per AND gate,
/// point-and-permute; the garbler's and the evaluator's cores, with no I/O and no randomness of their own.
/// </summary>
/// <remarks>
/// <para>
/// S. Zahur, M. Rosulek, D. Evans, "Two Halves Make a Whole: Reducing Data Transfer in Garbled Circuits using Half
/// Gates", EUROCRYPT 2015, with free XOR (Kolesnikov, Schneider, ICALP 2008) and point-and-permute; the hash is fixed-key
/// AES TCCR (<see cref="FixedKeyAes.TccrHash(Block128, Block128)"/>; Guo, Katz, Wang, Yu, S&amp;P 2020), so the
/// garbling's privacy against a semi-honest evaluator holds with AES as a random permutation. No rounds: local, 32 bytes
/// of table per AND gate for the protocol to send. Derivation: docs/protocols.md#half-gates-garbling.
/// </para>
/// <para>
/// The garbler's wire array holds W0 for every wire (Δ must have its least significant bit set); the evaluator's holds
/// the label it has. Tweaks must never repeat under one Δ: a garbler that garbles several circuits with one Δ starts
/// each where the last ended (<c>firstAndIndex</c> + AND count). Branch-free on the permute bits; no allocation.
/// </para>
/// </remarks>
public static partial class HalfGates
{
    /// <summary>Blocks of garbled table per AND gate (T_G, T_E).</summary>
    public const int BlocksPerAnd = 2;

    /// <summary>
    /// Garbles the whole <paramref name="circuit"/>: <paramref name="inputLabels0"/> are the zero-labels of its
    /// <see cref="Circuit.InputCount"/> input wires; <paramref name="wires"/> (at least <see cref="Circuit.WireCount"/>
    /// blocks) receives every wire's zero-label and <paramref name="tables"/> the <see cref="BlocksPerAnd"/> ·
    /// <see cref="Circuit.AndCount"/> table blocks.
    /// </summary>
    public static void Garble(Circuit circuit, Block128 delta, ReadOnlySpan<Block128> inputLabels0, Span<Block128> wires,
        Span<Block128> tables, ulong firstAndIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        CheckWhole(circuit, inputLabels0.Length, wires.Length, tables.Length);
        inputLabels0.CopyTo(wires);
        GarbleGates(circuit, 0, delta, wires, tables, firstAndIndex);
    }

    /// <summary>
    /// Evaluates the whole garbled <paramref name="circuit"/> from the labels of its input wires and its tables;
    /// <paramref name="wires"/> receives every wire's label.
    /// </summary>
    public static void Evaluate(Circuit circuit, ReadOnlySpan<Block128> inputLabels, Span<Block128> wires,
        ReadOnlySpan<Block128> tables, ulong firstAndIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        CheckWhole(circuit, inputLabels.Length, wires.Length, tables.Length);
        inputLabels.CopyTo(wires);
        EvaluateGates(circuit, 0, wires, tables, firstAndIndex);
    }

    /// <summary>
    /// Garbles the gates of <paramref name="circuit"/> from <paramref name="firstGate"/> on, until the gates end or the
    /// next gate is an AND gate with no room left in <paramref name="tables"/>; the streaming garbler calls it once
    /// per chunk of tables. <paramref name="firstAndIndex"/> is the index of the first AND gate it garbles.
    /// </summary>
    public static GateProgress GarbleGates(Circuit circuit, int firstGate, Block128 delta, Span<Block128> wires,
        Span<Block128> tables, ulong firstAndIndex)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        CheckRange(circuit, firstGate, wires.Length);
        if (!delta.Lsb)
            throw new ArgumentException("The free-XOR offset must have its least significant bit set (point-and-permute).", nameof(delta));
        return GarbleCore(circuit.Gates[firstGate..], delta, wires, tables, firstAndIndex, FixedKeyAes.UsesHardware);
    }

    /// <summary>
    /// Evaluates the gates of <paramref name="circuit"/> from <paramref name="firstGate"/> on, until the gates end or
    /// the next gate is an AND gate whose table is not in <paramref name="tables"/>: the same stopping rule as
    /// <see cref="GarbleGates"/>, so a chunk of tables garbled by one call is consumed by one call.
    /// </summary>
    public static GateProgress EvaluateGates(Circuit circuit, int firstGate, Span<Block128> wires,
        ReadOnlySpan<Block128> tables, ulong firstAndIndex)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        CheckRange(circuit, firstGate, wires.Length);
        return EvaluateCore(circuit.Gates[firstGate..], wires, tables, firstAndIndex, FixedKeyAes.UsesHardware);
    }

    /// <summary>
    /// Copies the labels of the circuit's output wires from <paramref name="wires"/> into <paramref name="outputLabels"/>.
    /// </summary>
    public static void ReadOutputs(Circuit circuit, ReadOnlySpan<Block128> wires, Span<Block128> outputLabels)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ReadOnlySpan<int> outputs = circuit.OutputWires;
        if (outputLabels.Length < outputs.Length)
            throw new ArgumentException($"The circuit has {outputs.Length} output wires, more than the {outputLabels.Length} given room.",
                nameof(outputLabels));
        for (int o = 0; o < outputs.Length; o++)
        {
            outputLabels[o] = wires[outputs[o]];
        }
    }

    /// <summary>The garbling core on AES-NI (<paramref name="hardware"/>) or on the portable batched hash; tests run both.</summary>
    internal static GateProgress GarbleCore(ReadOnlySpan<Gate> gates, Block128 delta, Span<Block128> wires, Span<Block128> tables,
        ulong firstAndIndex, bool hardware) =>
        hardware
            ? GarbleX86(gates, delta.AsVector128(), wires, tables, firstAndIndex)
            : GarblePortable(gates, delta, wires, tables, firstAndIndex);

    /// <summary>The evaluation core on AES-NI (<paramref name="hardware"/>) or on the portable batched hash.</summary>
    internal static GateProgress EvaluateCore(ReadOnlySpan<Gate> gates, Span<Block128> wires, ReadOnlySpan<Block128> tables,
        ulong firstAndIndex, bool hardware) =>
        hardware
            ? EvaluateX86(gates, wires, tables, firstAndIndex)
            : EvaluatePortable(gates, wires, tables, firstAndIndex);

    /// <summary>
    /// How many AND gates from <paramref name="start"/> (an AND gate) form one batch: consecutive AND gates of one
    /// layer, at most <paramref name="room"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RunLength(ReadOnlySpan<Gate> gates, int start, int room)
    {
        int limit = Math.Min(room, gates.Length - start);
        int count = 1;
        while (count < limit)
        {
            Gate next = gates[start + count];
            if (next.Kind != GateKind.And || next.StartsAndLayer) break;
            count++;
        }
        return count;
    }

    private static void CheckWhole(Circuit circuit, int inputLabels, int wires, int tables)
    {
        if (inputLabels != circuit.InputCount)
            throw new ArgumentException($"The circuit has {circuit.InputCount} input wires, not {inputLabels} input labels.");
        if (wires < circuit.WireCount)
            throw new ArgumentException($"The circuit has {circuit.WireCount} wires, more than the {wires} labels given room.");
        if (tables != BlocksPerAnd * circuit.AndCount)
            throw new ArgumentException(
                $"The circuit's {circuit.AndCount} AND gates need {BlocksPerAnd * circuit.AndCount} table blocks, not {tables}.");
    }

    private static void CheckRange(Circuit circuit, int firstGate, int wires)
    {
        if ((uint)firstGate > (uint)circuit.Gates.Length)
            throw new ArgumentOutOfRangeException(nameof(firstGate), firstGate, $"The circuit has {circuit.Gates.Length} gates.");
        if (wires < circuit.WireCount)
            throw new ArgumentException($"The circuit has {circuit.WireCount} wires, more than the {wires} labels given room.");
    }
}
