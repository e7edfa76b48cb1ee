using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Garbling;
using Mpc.Core.Random;

namespace Mpc.Tests.Core.Garbling;

/// <summary>Garbles and evaluates a circuit in one process with the pure cores, for the half-gates properties.</summary>
internal static class GarblingHarness
{
    /// <summary>What both sides hold after one run.</summary>
    public sealed record Run(Block128 Delta, Block128[] GarblerWires, Block128[] EvaluatorWires, Block128[] Tables, bool[] Outputs);

    /// <summary>The cores to test: the portable one always, the AES-NI one where it runs.</summary>
    public static IEnumerable<bool> Cores => FixedKeyAes.UsesHardware ? [false, true] : [false];

    public static AesCtrPrg Prg(int seed, int stream)
    {
        var key = new byte[16];
        BitConverter.TryWriteBytes(key.AsSpan(0, 4), seed);
        BitConverter.TryWriteBytes(key.AsSpan(4, 4), stream);
        return new AesCtrPrg(key);
    }

    public static Block128 RandomDelta(AesCtrPrg prg) => RandomBlocks(prg, 1)[0].WithLsb(true);

    public static Block128[] RandomBlocks(AesCtrPrg prg, int count)
    {
        var blocks = new Block128[count];
        prg.Fill<Block128>(blocks);
        return blocks;
    }

    /// <summary>
    /// Garbles <paramref name="circuit"/> with random Δ and input labels, evaluates it on <paramref name="inputs"/> and
    /// decodes.
    /// </summary>
    public static Run GarbleAndEvaluate(Circuit circuit, bool[] inputs, int seed, bool hardware, ulong firstAndIndex = 0)
    {
        using var prg = Prg(seed, 7);
        Block128 delta = RandomDelta(prg);
        Block128[] labels0 = RandomBlocks(prg, circuit.InputCount);
        var garblerWires = new Block128[circuit.WireCount];
        var evaluatorWires = new Block128[circuit.WireCount];
        var tables = new Block128[HalfGates.BlocksPerAnd * circuit.AndCount];
        labels0.CopyTo(garblerWires, 0);
        var progress = HalfGates.GarbleCore(circuit.Gates, delta, garblerWires, tables, firstAndIndex, hardware);
        Assert.Equal(new GateProgress(circuit.Gates.Length, circuit.AndCount), progress);

        for (int w = 0; w < circuit.InputCount; w++)
        {
            evaluatorWires[w] = inputs[w] ? labels0[w] ^ delta : labels0[w];
        }
        progress = HalfGates.EvaluateCore(circuit.Gates, evaluatorWires, tables, firstAndIndex, hardware);
        Assert.Equal(new GateProgress(circuit.Gates.Length, circuit.AndCount), progress);

        var outputs = new bool[circuit.OutputCount];
        for (int o = 0; o < outputs.Length; o++)
        {
            int w = circuit.OutputWires[o];
            outputs[o] = evaluatorWires[w].Lsb ^ garblerWires[w].Lsb;
        }
        return new Run(delta, garblerWires, evaluatorWires, tables, outputs);
    }
}
