using Mpc.Core.Blocks;
using Mpc.Core.Circuits;
using Mpc.Core.Garbling;
using Mpc.Core.Random;
using Mpc.Tests.Arbitraries;
using static Mpc.Tests.Core.Garbling.GarblingHarness;

namespace Mpc.Tests.Core.Garbling;

/// <summary>
/// What the evaluator sees: garbled tables, one label per wire and its colour bit. None of it may depend on the
/// garbler's permute bits or reveal Δ (which would give away every other label). Fixed seeds: deterministic.
/// </summary>
public sealed class HalfGatesViewTests
{
    private const int Gates = 8192;

    /// <summary>One layer of independent AND gates: gate k computes wire k ∧ wire Gates + k.</summary>
    private static readonly Circuit Layer = new(3 * Gates, [Gates, Gates], [Gates],
        Enumerable.Range(2 * Gates, Gates).ToArray(),
        Enumerable.Range(0, Gates).Select(k => Gate.And(k, Gates + k, 2 * Gates + k)).ToArray());

    private static (Run Run, bool[] Inputs) GarbleLayer(int seed)
    {
        bool[] inputs = RandomCircuits.Inputs(Layer, seed);
        return (GarbleAndEvaluate(Layer, inputs, seed, FixedKeyAes.UsesHardware), inputs);
    }

    private static int Bit(bool b) => b ? 1 : 0;

    [Fact]
    public void HalfGates_TableColourBits_AreIndependentOfThePermuteBits()
    {
        var (run, _) = GarbleLayer(61);
        var counts = new long[16];
        for (int k = 0; k < Gates; k++)
        {
            bool pa = run.GarblerWires[k].Lsb, pb = run.GarblerWires[Gates + k].Lsb;
            counts[Bit(pa) | Bit(pb) << 1 | Bit(run.Tables[2 * k].Lsb) << 2 | Bit(run.Tables[2 * k + 1].Lsb) << 3]++;
        }
        ChiSquare.AssertUniform(counts, "(pa, pb, lsb T_G, lsb T_E)");
    }

    [Fact]
    public void HalfGates_ActiveColourBits_AreIndependentOfWireValues()
    {
        var (run, inputs) = GarbleLayer(62);
        var counts = new long[4];
        for (int k = 0; k < Gates; k++)
        {
            bool a = inputs[k], b = inputs[Gates + k];
            counts[Bit(a) | Bit(run.EvaluatorWires[k].Lsb) << 1]++;
            counts[Bit(a && b) | Bit(run.EvaluatorWires[2 * Gates + k].Lsb) << 1]++;
        }
        // The AND outputs are 0 three times in four, so compare each value's colour bits separately.
        Assert.InRange(counts[2] / (double)(counts[0] + counts[2]), 0.47, 0.53);
        Assert.InRange(counts[3] / (double)(counts[1] + counts[3]), 0.45, 0.55);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void HalfGates_WrongLabel_DecryptsToValueIndependentOfTrueLabels(bool wrongA)
    {
        var (run, _) = GarbleLayer(wrongA ? 63 : 64);
        using var prg = Prg(65, 1);
        Block128[] wrong = RandomBlocks(prg, Gates);
        var wires = (Block128[])run.EvaluatorWires.Clone();
        for (int k = 0; k < Gates; k++)
        {
            wires[wrongA ? k : Gates + k] = wrong[k];
        }
        HalfGates.EvaluateGates(Layer, 0, wires, run.Tables, 0);

        var counts = new long[16];
        long agreeing = 0;
        for (int k = 0; k < Gates; k++)
        {
            Block128 decrypted = wires[2 * Gates + k], truth = run.EvaluatorWires[2 * Gates + k];
            Assert.NotEqual(truth, decrypted);
            Assert.NotEqual(truth ^ run.Delta, decrypted);
            bool pa = run.GarblerWires[k].Lsb, pb = run.GarblerWires[Gates + k].Lsb;
            counts[Bit(pa) | Bit(pb) << 1 | Bit(decrypted.Lsb) << 2 | Bit(truth.Lsb) << 3]++;
            Block128 same = ~(decrypted ^ truth);
            agreeing += (long)(ulong.PopCount(same.Low) + ulong.PopCount(same.High));
        }
        ChiSquare.AssertUniform(counts, "(pa, pb, lsb of the wrong decryption, lsb of the true label)");
        // Bits agreeing with the true label: Binomial(128 * Gates, 1/2), within 5 standard deviations.
        double n = 128.0 * Gates, sigma = Math.Sqrt(n) / 2;
        Assert.InRange(agreeing, n / 2 - 5 * sigma, n / 2 + 5 * sigma);
    }

    [Fact]
    public void HalfGates_TablesAndLabels_RevealNeitherDeltaNorInactiveLabel()
    {
        var (run, _) = GarbleLayer(66);
        Span<Block128> view = stackalloc Block128[5];
        for (int k = 0; k < Gates; k++)
        {
            view[0] = run.Tables[2 * k];
            view[1] = run.Tables[2 * k + 1];
            view[2] = run.EvaluatorWires[k];
            view[3] = run.EvaluatorWires[Gates + k];
            view[4] = run.EvaluatorWires[2 * Gates + k];
            // Every XOR of a non-empty subset of the view; an inactive label would be a held label ⊕ Δ.
            for (int subset = 1; subset < 32; subset++)
            {
                Block128 x = Block128.Zero;
                for (int i = 0; i < 5; i++)
                {
                    if ((subset >> i & 1) != 0) x ^= view[i];
                }
                Assert.NotEqual(run.Delta, x);
            }
        }
    }
}
