using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Garbling;
using Mpc.Core.Random;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Core.Circuits;
using Mpc.Tests.Core.Random;
using static Mpc.Tests.Core.Garbling.GarblingHarness;

namespace Mpc.Tests.Core.Garbling;

public sealed class HalfGatesTests
{
    private static void AssertGarbledEqualsPlain(Circuit circuit, int seed)
    {
        bool[] inputs = RandomCircuits.Inputs(circuit, seed);
        bool[] plain = circuit.Evaluate(inputs);
        var values = new bool[circuit.WireCount];
        foreach (bool hardware in Cores)
        {
            Run run = GarbleAndEvaluate(circuit, inputs, seed, hardware);
            Assert.Equal(plain, run.Outputs);
            // Every label the evaluator holds is the garbler's W0 or W1 = W0 ⊕ Δ.
            for (int w = 0; w < circuit.WireCount; w++)
            {
                Block128 other = run.EvaluatorWires[w] ^ run.GarblerWires[w];
                Assert.True(other == Block128.Zero || other == run.Delta, $"wire {w}: the evaluator's label is neither W0 nor W1");
            }
        }
    }

    [Property(Arbitrary = [typeof(RandomCircuits)], MaxTest = 60)]
    public void HalfGates_EvaluateMatchesPlainCircuit_RandomGates((int Seed, int Gates) spec) =>
        AssertGarbledEqualsPlain(RandomCircuits.Raw(spec.Seed, spec.Gates), spec.Seed);

    [Property(Arbitrary = [typeof(RandomCircuits)], MaxTest = 60)]
    public void HalfGates_EvaluateMatchesPlainCircuit_BuilderCircuits((int Seed, int Gates) spec) =>
        AssertGarbledEqualsPlain(RandomCircuits.FromBuilder(spec.Seed, spec.Gates), spec.Seed);

    [Theory]
    [InlineData("bristol_fashion/aes_128.txt")]
    [InlineData("bristol_fashion/aes_192.txt")]
    [InlineData("bristol_fashion/aes_256.txt")]
    [InlineData("bristol_format/AES-non-expanded.txt")]
    [InlineData("bristol_format/adder_32bit.txt")]
    public void HalfGates_EveryBristolCircuit_EvaluatesAsInTheClear(string file)
    {
        Circuit circuit = CircuitFiles.Read(file);
        for (int seed = 0; seed < 2; seed++)
        {
            bool[] inputs = RandomCircuits.Inputs(circuit, seed);
            foreach (bool hardware in Cores)
            {
                Assert.Equal(circuit.Evaluate(inputs), GarbleAndEvaluate(circuit, inputs, seed, hardware).Outputs);
            }
        }
    }

    [Fact]
    public void HalfGates_Aes128_MatchesFips197()
    {
        Circuit circuit = CircuitFiles.Read("bristol_fashion/aes_128.txt");
        bool[] inputs = CircuitFiles.AesInputs(BristolFormat.Fashion,
            Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), Convert.FromHexString("00112233445566778899aabbccddeeff"));
        foreach (bool hardware in Cores)
        {
            Run run = GarbleAndEvaluate(circuit, inputs, seed: 197, hardware);
            Assert.Equal("69c4e0d86a7b0430d8cdb78070b4c55a",
                Convert.ToHexStringLower(CircuitFiles.AesOutput(BristolFormat.Fashion, run.Outputs)));
        }
    }

    /// <summary>ZRE15's formulas for one AND gate, spelled out with the single-block hash.</summary>
    private static (Block128 Tg, Block128 Te, Block128 C0) ReferenceAnd(Block128 a0, Block128 b0, Block128 delta, ulong j)
    {
        Block128 H(Block128 x, ulong tweak) => FixedKeyAes.TccrHash(x, new Block128(tweak, 0));
        Block128 tg = H(a0, 2 * j) ^ H(a0 ^ delta, 2 * j) ^ (b0.Lsb ? delta : Block128.Zero);
        Block128 wg = H(a0, 2 * j) ^ (a0.Lsb ? tg : Block128.Zero);
        Block128 te = H(b0, 2 * j + 1) ^ H(b0 ^ delta, 2 * j + 1) ^ a0;
        Block128 we = H(b0, 2 * j + 1) ^ (b0.Lsb ? te ^ a0 : Block128.Zero);
        return (tg, te, wg ^ we);
    }

    [Property(Arbitrary = [typeof(BlockArbitraries)])]
    public void HalfGates_AndGate_MatchesTheReferenceFormulas(Block128 a0, Block128 b0, Block128 deltaBits, uint index)
    {
        Block128 delta = deltaBits.WithLsb(true);
        var circuit = new Circuit(3, [2], [1], [2], [Gate.And(0, 1, 2)]);
        var (tg, te, c0) = ReferenceAnd(a0, b0, delta, index);
        foreach (bool hardware in Cores)
        {
            var wires = new[] { a0, b0, default };
            var tables = new Block128[2];
            HalfGates.GarbleCore(circuit.Gates, delta, wires, tables, index, hardware);
            Assert.Equal([tg, te], tables);
            Assert.Equal(c0, wires[2]);
        }
    }

    [Fact]
    public void HalfGates_AndGate_KnownAnswer()
    {
        // Pins the layout (tweaks 2j and 2j + 1, tweak in the low half, T_G before T_E) to fixed vectors.
        var a0 = new Block128(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));
        var b0 = new Block128(Convert.FromHexString("f0e1d2c3b4a5968778695a4b3c2d1e0f"));
        var delta = new Block128(Convert.FromHexString("0123456789abcdeffedcba9876543210")).WithLsb(true);
        var circuit = new Circuit(3, [2], [1], [2], [Gate.And(0, 1, 2)]);
        foreach (bool hardware in Cores)
        {
            var wires = new[] { a0, b0, default };
            var tables = new Block128[2];
            HalfGates.GarbleCore(circuit.Gates, delta, wires, tables, firstAndIndex: 5, hardware);
            Assert.Equal(KnownTg, tables[0].ToHexString());
            Assert.Equal(KnownTe, tables[1].ToHexString());
            Assert.Equal(KnownC0, wires[2].ToHexString());
        }
    }

    private const string KnownTg = "66976b7a69ddcef1aa9027227d2fcb16";
    private const string KnownTe = "e3e2edc623fedb1b00c9a750d9d598c3";
    private const string KnownC0 = "a4e02eeb2e3d2b0047efa3eeb5f680a6";

    [AesNiProperty(MaxTest = 30)]
    public void HalfGates_HardwareAndPortableCores_GiveSameTablesAndLabels(int seed, byte gates)
    {
        Circuit circuit = RandomCircuits.Raw(seed, 4 * gates);
        bool[] inputs = RandomCircuits.Inputs(circuit, seed);
        Run portable = GarbleAndEvaluate(circuit, inputs, seed, hardware: false, firstAndIndex: (ulong)(uint)seed);
        Run hardware = GarbleAndEvaluate(circuit, inputs, seed, hardware: true, firstAndIndex: (ulong)(uint)seed);
        Assert.Equal(portable.Tables, hardware.Tables);
        Assert.Equal(portable.GarblerWires, hardware.GarblerWires);
        Assert.Equal(portable.EvaluatorWires, hardware.EvaluatorWires);
    }

    [Property(Arbitrary = [typeof(RandomCircuits)], MaxTest = 40)]
    public Property HalfGates_GarblingInChunks_EqualsGarblingWhole((int Seed, int Gates) spec) =>
        Prop.ForAll(Gen.Choose(1, 9).ToArbitrary(), chunkAnds =>
        {
            Circuit circuit = RandomCircuits.FromBuilder(spec.Seed, spec.Gates);
            bool[] inputs = RandomCircuits.Inputs(circuit, spec.Seed);
            Run whole = GarbleAndEvaluate(circuit, inputs, spec.Seed, FixedKeyAes.UsesHardware, firstAndIndex: 1000);

            // Garbler: chunks of at most chunkAnds tables; evaluator: consumes each chunk with one call.
            var garblerWires = new Block128[circuit.WireCount];
            var evaluatorWires = new Block128[circuit.WireCount];
            whole.GarblerWires.AsSpan(0, circuit.InputCount).CopyTo(garblerWires);
            whole.EvaluatorWires.AsSpan(0, circuit.InputCount).CopyTo(evaluatorWires);
            var chunk = new Block128[HalfGates.BlocksPerAnd * chunkAnds];
            int gate = 0, evaluated = 0, ands = 0;
            var tables = new List<Block128>();
            do
            {
                GateProgress garbled = HalfGates.GarbleGates(circuit, gate, whole.Delta, garblerWires, chunk, 1000 + (ulong)ands);
                GateProgress consumed = HalfGates.EvaluateGates(circuit, evaluated, evaluatorWires,
                    chunk.AsSpan(0, HalfGates.BlocksPerAnd * garbled.AndGates), 1000 + (ulong)ands);
                Assert.Equal(garbled, consumed);
                Assert.True(garbled.AndGates == chunkAnds || gate + garbled.Gates == circuit.Gates.Length);
                tables.AddRange(chunk.AsSpan(0, HalfGates.BlocksPerAnd * garbled.AndGates).ToArray());
                gate += garbled.Gates;
                evaluated += consumed.Gates;
                ands += garbled.AndGates;
            }
            while (gate < circuit.Gates.Length);
            Assert.Equal(whole.Tables, tables);
            Assert.Equal(whole.GarblerWires, garblerWires);
            Assert.Equal(whole.EvaluatorWires, evaluatorWires);
        });

    [Fact]
    public void HalfGates_Tweaks_MakeSameLabelsGiveUnrelatedTables()
    {
        Circuit circuit = RandomCircuits.Raw(3, 200);
        bool[] inputs = RandomCircuits.Inputs(circuit, 3);
        Run first = GarbleAndEvaluate(circuit, inputs, 3, FixedKeyAes.UsesHardware, firstAndIndex: 0);
        Run second = GarbleAndEvaluate(circuit, inputs, 3, FixedKeyAes.UsesHardware, firstAndIndex: (ulong)circuit.AndCount);
        Assert.Equal(first.Outputs, second.Outputs);
        Assert.Empty(first.Tables.Intersect(second.Tables));
    }

    [Fact]
    public void HalfGates_RejectsOffsetWithoutColourBit_AndMismatchedBuffers()
    {
        var circuit = new Circuit(3, [2], [1], [2], [Gate.And(0, 1, 2)]);
        var e = Assert.Throws<ArgumentException>(
            () => HalfGates.Garble(circuit, new Block128(2, 0), new Block128[2], new Block128[3], new Block128[2]));
        Assert.Contains("least significant bit", e.Message);
        Assert.Throws<ArgumentException>(() => HalfGates.Garble(circuit, Block128.One, new Block128[2], new Block128[2], new Block128[2]));
        Assert.Throws<ArgumentException>(() => HalfGates.Garble(circuit, Block128.One, new Block128[2], new Block128[3], new Block128[3]));
        Assert.Throws<ArgumentException>(() => HalfGates.Evaluate(circuit, new Block128[1], new Block128[3], new Block128[2]));
    }
}
