using FsCheck;
using FsCheck.Fluent;
using Mpc.Core.Circuits;

namespace Mpc.Tests.Arbitraries;

/// <summary>
/// Random circuits for garbling properties, built gate by gate from a seed (test-case selection only): raw circuits
/// with every edge case the builder would fold away (AND of a wire with itself, AND with a constant, outputs that
/// are inputs or constants), and circuits from <see cref="CircuitBuilder"/> arithmetic.
/// </summary>
public static class RandomCircuits
{
    /// <summary>Seeds for <see cref="Raw"/> and <see cref="FromBuilder"/>, with small gate counts mixed in.</summary>
    public static Arbitrary<(int Seed, int Gates)> Specs() => Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from gates in Gen.Frequency((1, Gen.Choose(0, 8)), (4, Gen.Choose(9, 400)))
        select (seed, gates));

    /// <summary>
    /// A circuit of <paramref name="gateCount"/> random gates (about 40% AND, 40% XOR, 15% INV, 5% constants) over
    /// 1..3 input values, reading random earlier wires, with 1..3 output values of random wires.
    /// </summary>
    public static Circuit Raw(int seed, int gateCount)
    {
        RawCircuit raw = RawParts(seed, gateCount);
        return new Circuit(raw.WireCount, raw.InputWidths, raw.OutputWidths, raw.OutputWires, raw.Gates);
    }

    /// <summary>The parts of <see cref="Raw"/>'s circuit, gates in creation order (before <see cref="Circuit"/> reorders them).</summary>
    public static RawCircuit RawParts(int seed, int gateCount)
    {
        var rng = new System.Random(seed);
        int[] inputWidths = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => rng.Next(1, 17)).ToArray();
        int wires = inputWidths.Sum();
        var gates = new Gate[gateCount];
        for (int i = 0; i < gateCount; i++)
        {
            int roll = rng.Next(100);
            int a = rng.Next(wires), b = rng.Next(wires);
            gates[i] = roll switch
            {
                < 40 => Gate.And(a, b, wires),
                < 80 => Gate.Xor(a, b, wires),
                < 95 => Gate.Inv(a, wires),
                _ => Gate.Constant(rng.Next(2) == 1, wires),
            };
            wires++;
        }
        int[] outputWidths = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => rng.Next(1, 9)).ToArray();
        // Outputs favour the last wires (the deep ones) but may be any wire.
        int[] outputs = Enumerable.Range(0, outputWidths.Sum())
            .Select(_ => rng.Next(3) == 0 ? rng.Next(wires) : Math.Max(0, wires - 1 - rng.Next(Math.Min(wires, 16))))
            .ToArray();
        return new RawCircuit(wires, inputWidths, outputWidths, outputs, gates);
    }

    /// <summary>
    /// A circuit from <see cref="CircuitBuilder"/>: about <paramref name="steps"/> random steps, each a gate (AND, XOR,
    /// OR, INV, a constant) or a building block (adder, subtractor, comparators, equality, multiplexer, multiplier) on
    /// random earlier wires, over 1..3 input values; 1..3 output values of random wires.
    /// </summary>
    public static Circuit FromBuilder(int seed, int steps)
    {
        var rng = new System.Random(seed);
        var builder = new CircuitBuilder();
        var pool = new List<Wire>();
        int inputs = rng.Next(1, 4);
        for (int v = 0; v < inputs; v++) pool.AddRange(builder.Input(rng.Next(1, 17)));
        Wire Any() => pool[rng.Next(pool.Count)];
        Wire[] Bundle(int width) => Enumerable.Range(0, width).Select(_ => Any()).ToArray();
        for (int step = 0; step < steps; step++)
        {
            int roll = rng.Next(100), width = rng.Next(1, 9);
            switch (roll)
            {
                case < 35: pool.Add(builder.And(Any(), Any())); break;
                case < 60: pool.Add(builder.Xor(Any(), Any())); break;
                case < 67: pool.Add(builder.Or(Any(), Any())); break;
                case < 77: pool.Add(builder.Inv(Any())); break;
                case < 80: pool.Add(builder.Constant(rng.Next(2) == 1)); break;
                case < 84: pool.AddRange(builder.Add(Bundle(width), Bundle(width))); break;
                case < 87: pool.AddRange(builder.Subtract(Bundle(width), Bundle(width))); break;
                case < 90: pool.Add(builder.LessThan(Bundle(width), Bundle(width), signed: rng.Next(2) == 1)); break;
                case < 93: pool.Add(builder.Equal(Bundle(width), Bundle(width))); break;
                case < 97: pool.AddRange(builder.Mux(Any(), Bundle(width), Bundle(width))); break;
                default: pool.AddRange(builder.Multiply(Bundle(Math.Min(width, 5)), Bundle(Math.Min(width, 5)))); break;
            }
        }
        int outputs = rng.Next(1, 4);
        for (int v = 0; v < outputs; v++)
        {
            builder.Output(Enumerable.Range(0, rng.Next(1, 9))
                .Select(_ => rng.Next(3) == 0 ? Any() : pool[^(1 + rng.Next(Math.Min(pool.Count, 16)))])
                .ToArray());
        }
        return builder.Build();
    }

    /// <summary>Random plaintext inputs for <paramref name="circuit"/>.</summary>
    public static bool[] Inputs(Circuit circuit, int seed)
    {
        var rng = new System.Random(seed ^ 0x5eed);
        return Enumerable.Range(0, circuit.InputCount).Select(_ => rng.Next(2) == 1).ToArray();
    }

    /// <summary>A circuit's parts as generated.</summary>
    public sealed record RawCircuit(int WireCount, int[] InputWidths, int[] OutputWidths, int[] OutputWires, Gate[] Gates);
}
