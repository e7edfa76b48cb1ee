namespace Mpc.Core.Circuits;

/// <summary>Synthetic circuits for throughput benchmarks, built straight into gate arrays (millions of gates in little time).</summary>
public static class BenchmarkCircuits
{
    /// <summary>
    /// <paramref name="andGates"/> AND gates in layers of <paramref name="width"/>: layer 0 ANDs the two
    /// <paramref name="width"/>-bit inputs bit by bit, layer l ANDs bit i of layer l-1 with bit i + s_l (s_l from 1 to
    /// width - 1, cycling). The output is the last <paramref name="width"/> AND gates. Every layer is independent inside,
    /// as the AND gates of wide real circuits are.
    /// </summary>
    public static Circuit AndLayers(int width, int andGates)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(andGates, 1);
        var gates = new Gate[andGates];
        int wire = 2 * width;
        for (int g = 0; g < andGates; g++, wire++)
        {
            int layer = g / width, i = g % width;
            if (layer == 0)
            {
                gates[g] = Gate.And(i, width + i, wire);
                continue;
            }
            int previous = 2 * width + (layer - 1) * width;
            int stride = 1 + (layer - 1) % (width - 1);
            gates[g] = Gate.And(previous + i, previous + (i + stride) % width, wire);
        }
        int outputs = Math.Min(width, andGates);
        int[] outputWires = Enumerable.Range(wire - outputs, outputs).ToArray();
        return new Circuit(wire, [width, width], [outputs], outputWires, gates);
    }
}
