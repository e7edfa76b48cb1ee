using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Circuits;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Garbling;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Core.Circuits;
using Mpc.Tests.Infrastructure;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Garbling;

/// <summary>CPU-heavy two-party runs (base OTs on P-256): kept out of the way of the deadline-timed network tests.</summary>
[Collection(SocketTests.Collection)]
public sealed class GarblingProtocolTests
{
    /// <summary>One random computation: the circuit, its plaintext inputs, who supplies each value and who learns each output.</summary>
    private sealed record Case(Circuit Circuit, bool[] Inputs, InputSource[] Sources, OutputMode[] Modes);

    private static Case RandomCase(int seed, int gates)
    {
        var rng = new System.Random(seed);
        Circuit circuit = rng.Next(2) == 0 ? RandomCircuits.FromBuilder(seed, gates) : RandomCircuits.Raw(seed, gates);
        var sources = circuit.InputWidths.Select(_ => rng.Next(2) == 0 ? InputSource.Garbler : InputSource.Evaluator).ToArray();
        var modes = circuit.OutputWidths.Select(_ => (OutputMode)rng.Next(1, 5)).ToArray();
        return new Case(circuit, RandomCircuits.Inputs(circuit, seed), sources, modes);
    }

    private static bool[] Value(Case c, int v) => c.Inputs.AsSpan(c.Circuit.InputOffset(v), c.Circuit.InputWidths[v]).ToArray();

    private static GarblerInput[] GarblerInputs(Case c) => c.Sources
        .Select((s, v) => s == InputSource.Garbler ? GarblerInput.Own(Value(c, v)) : GarblerInput.FromEvaluator).ToArray();

    private static EvaluatorInput[] EvaluatorInputs(Case c) => c.Sources
        .Select((s, v) => s == InputSource.Evaluator ? EvaluatorInput.Own(Value(c, v)) : EvaluatorInput.FromGarbler).ToArray();

    private static bool[] Expected(Case c, int v)
    {
        bool[] all = c.Circuit.Evaluate(c.Inputs);
        return all.AsSpan(c.Circuit.OutputOffset(v), c.Circuit.OutputWidths[v]).ToArray();
    }

    private static void AssertOutputs(Case c, GarblerResult g, EvaluatorResult e)
    {
        for (int v = 0; v < c.Modes.Length; v++)
        {
            bool toGarbler = c.Modes[v] is OutputMode.RevealToGarbler or OutputMode.RevealToBoth;
            bool toEvaluator = c.Modes[v] is OutputMode.RevealToEvaluator or OutputMode.RevealToBoth;
            if (toGarbler) Assert.Equal(Expected(c, v), g.Bits(v));
            else Assert.Throws<InvalidOperationException>(() => g.Bits(v));
            if (toEvaluator) Assert.Equal(Expected(c, v), e.Bits(v));
            else Assert.Throws<InvalidOperationException>(() => e.Bits(v));
        }
    }

    [Property(Arbitrary = [typeof(RandomCircuits)], MaxTest = 2)]
    public void Garbled_RandomCircuits_RevealPlainOutputs_AnySourceAndMode((int Seed, int Gates)[] specs)
    {
        Case[] cases = specs.Take(12).Select(s => RandomCase(s.Seed, s.Gates)).ToArray();
        var (garbled, evaluated) = GarbledPair.RunAsync(
            async g =>
            {
                var results = new List<GarblerResult>();
                foreach (Case c in cases) results.Add(await g.GarbleAsync(c.Circuit, GarblerInputs(c), c.Modes));
                return results;
            },
            async e =>
            {
                var results = new List<EvaluatorResult>();
                foreach (Case c in cases) results.Add(await e.EvaluateAsync(c.Circuit, EvaluatorInputs(c), c.Modes));
                return results;
            }).GetAwaiter().GetResult();
        for (int i = 0; i < cases.Length; i++) AssertOutputs(cases[i], garbled[i], evaluated[i]);
    }

    [Fact]
    public async Task Garbled_Aes128_MatchesFips197_EndToEnd()
    {
        Circuit aes = CircuitFiles.Read("bristol_fashion/aes_128.txt");
        bool[] inputs = CircuitFiles.AesInputs(BristolFormat.Fashion,
            Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), Convert.FromHexString("00112233445566778899aabbccddeeff"));
        bool[] key = inputs[..128], plaintext = inputs[128..];
        var (g, e) = await GarbledPair.RunAsync(
            g => g.GarbleAsync(aes, [GarblerInput.Own(key), GarblerInput.FromEvaluator], [OutputMode.RevealToBoth]).AsTask(),
            e => e.EvaluateAsync(aes, [EvaluatorInput.FromGarbler, EvaluatorInput.Own(plaintext)], [OutputMode.RevealToBoth]).AsTask());
        Assert.Equal("69c4e0d86a7b0430d8cdb78070b4c55a",
            Convert.ToHexStringLower(CircuitFiles.AesOutput(BristolFormat.Fashion, e.Bits(0))));
        Assert.Equal(e.Bits(0), g.Bits(0));
    }

    [Fact]
    public async Task Garbled_OutputsKeptAsLabels_FeedALaterCircuit()
    {
        // Circuit 1: s = a + b (32 bits), kept as labels. Circuit 2: s < c and s itself, revealed.
        var first = new CircuitBuilder();
        first.Output(first.Add(first.Input(32), first.Input(32)));
        Circuit add = first.Build();
        var second = new CircuitBuilder();
        Wire[] s = second.Input(32), c = second.Input(32);
        second.Output(second.LessThan(s, c));
        second.Output(s);
        Circuit compare = second.Build();
        const ulong a = 3_000_000_000, b = 1_500_000_000, limit = 200_000_000; // a + b wraps to 205_032_704 mod 2^32

        var (g, e) = await GarbledPair.RunAsync(
            async g =>
            {
                GarblerResult sum = await g.GarbleAsync(add, [GarblerInput.Own(Bits.FromUInt64(a, 32)), GarblerInput.FromEvaluator],
                    [OutputMode.KeepLabels]);
                Assert.Throws<InvalidOperationException>(() => sum.Bits(0));
                return await g.GarbleAsync(compare, [GarblerInput.FromLabels(sum.Labels(0)), GarblerInput.Own(Bits.FromUInt64(limit, 32))],
                    [OutputMode.RevealToBoth, OutputMode.RevealToGarbler]);
            },
            async e =>
            {
                EvaluatorResult sum = await e.EvaluateAsync(add, [EvaluatorInput.FromGarbler, EvaluatorInput.Own(Bits.FromUInt64(b, 32))],
                    [OutputMode.KeepLabels]);
                return await e.EvaluateAsync(compare, [EvaluatorInput.FromLabels(sum.Labels(0)), EvaluatorInput.FromGarbler],
                    [OutputMode.RevealToBoth, OutputMode.RevealToGarbler]);
            });
        Assert.False(g.Bits(0)[0]);
        Assert.False(e.Bits(0)[0]);
        Assert.Equal((a + b) & uint.MaxValue, Bits.ToUInt64(g.Bits(1)));
        Assert.Throws<InvalidOperationException>(() => e.Bits(1));
    }

    [Fact]
    public async Task Garbled_TablesStreamInChunks_FlowControlled_32BytesPerAnd()
    {
        // 50080 AND gates in 160 layers: five chunks (2048, 4096, 8192, 16384, then the rest), so the garbler waits for
        // the evaluator's acknowledgement of the first before sending the fifth.
        var builder = new CircuitBuilder();
        Wire[] w = builder.Input(313), x = builder.Input(313);
        for (int layer = 0; layer < 160; layer++)
        {
            w = Enumerable.Range(0, w.Length).Select(i => builder.And(w[i], builder.Xor(x[i], w[(i + layer + 1) % w.Length]))).ToArray();
        }
        builder.Output(w);
        Circuit circuit = builder.Build();
        Assert.Equal(313 * 160, circuit.AndCount);
        bool[] mine = RandomCircuits.Inputs(circuit, 5)[..313], theirs = RandomCircuits.Inputs(circuit, 6)[313..];

        var networks = GarbledPair.Networks();
        var recording = new RecordingNetwork(networks[1]);
        var (g, e) = await GarbledPair.RunAsync(
            async g =>
            {
                long sent0 = networks[0].Stats.Snapshot().TotalBytesSent;
                await g.GarbleAsync(circuit, [GarblerInput.Own(mine), GarblerInput.FromEvaluator], [OutputMode.RevealToEvaluator]);
                return networks[0].Stats.Snapshot().TotalBytesSent - sent0;
            },
            e => e.EvaluateAsync(circuit, [EvaluatorInput.FromGarbler, EvaluatorInput.Own(theirs)], [OutputMode.RevealToEvaluator])
                .AsTask(),
            [networks[0], recording]);
        Assert.Equal(circuit.Evaluate([.. mine, .. theirs]), e.Bits(0));

        // The garbler sent its 313 labels, the tables and 313 decoding bits (plus frame headers): 32 bytes per AND gate.
        long tableBytes = 32L * circuit.AndCount;
        Assert.InRange(g, tableBytes + 16 * 313 + 313, tableBytes + 16 * 313 + 313 + 1024);
        // The circuit tag is the first tag of the garbling channel (the session numbers tags channel << 27 | counter).
        var circuitTag = new StreamTag((uint)ProtocolChannel.Garbling << 27);
        var frames = recording.Received.Where(f => f.Tag == circuitTag).Select(f => f.Payload.Length).ToArray();
        Assert.Equal([16 * 313], frames[..1]);
        Assert.Equal(313, frames[^1]);
        var tableFrames = frames[1..^1].Select(n => n / 32).ToArray();
        Assert.Equal(circuit.AndCount, tableFrames.Sum());
        Assert.Equal([2048, 4096, 8192, 16384, circuit.AndCount - 30720], tableFrames);
        Assert.All(tableFrames, n => Assert.True(n <= 1 << 16));
    }

    [Fact]
    public async Task Garbled_InputsAcrossPoolRefills_GetLabels_GarblerSeesUniform()
    {
        // Widths chosen to end the first pool batch mid-call, to need more than a batch at once, and to fit exactly.
        int[] widths = [3000, 2000, 5000, 1, 2191];
        Circuit Xor(int width)
        {
            var builder = new CircuitBuilder();
            builder.Output(builder.Xor(builder.Input(width), builder.Input(width)));
            return builder.Build();
        }
        Circuit[] circuits = widths.Select(Xor).ToArray();
        var rng = new System.Random(11);
        bool[][] mine = widths.Select(w => Enumerable.Range(0, w).Select(_ => rng.Next(2) == 1).ToArray()).ToArray();
        bool[][] theirs = widths.Select(w => new bool[w]).ToArray(); // all zero: the masked bits must still look uniform

        var networks = GarbledPair.Networks();
        var recording = new RecordingNetwork(networks[0]);
        var (g, e) = await GarbledPair.RunAsync(
            async g =>
            {
                var results = new List<bool[]>();
                for (int i = 0; i < widths.Length; i++)
                    results.Add((await g.GarbleAsync(circuits[i], [GarblerInput.Own(mine[i]), GarblerInput.FromEvaluator],
                        [OutputMode.RevealToGarbler])).Bits(0));
                return results;
            },
            async e =>
            {
                for (int i = 0; i < widths.Length; i++)
                    await e.EvaluateAsync(circuits[i], [EvaluatorInput.FromGarbler, EvaluatorInput.Own(theirs[i])],
                        [OutputMode.RevealToGarbler]);
                return 0;
            },
            [recording, networks[1]]);
        for (int i = 0; i < widths.Length; i++) Assert.Equal(mine[i], g[i]);

        // The requests' tails are the masked bits d = x ⊕ r with x = 0: uniform bits, about half of them ones.
        var circuitTag = new StreamTag((uint)ProtocolChannel.Garbling << 27);
        // The garbler receives, per circuit, the request and then the colour bits of its outputs.
        byte[][] requests = recording.Received.Where(f => f.Tag == circuitTag).Select(f => f.Payload).Where((_, i) => i % 2 == 0).ToArray();
        Assert.Equal(widths.Length, requests.Length);
        long ones = 0, bits = 0;
        for (int i = 0; i < widths.Length; i++)
        {
            int maskedBytes = (widths[i] + 7) / 8;
            byte[] tail = requests[i][^maskedBytes..];
            for (int j = 0; j < widths[i]; j++) ones += (tail[j / 8] >> (j % 8)) & 1;
            bits += widths[i];
        }
        Assert.InRange(ones / (double)bits, 0.48, 0.52);
    }

    public static TheoryData<string> Disagreements => ["circuit", "source", "mode"];

    [Theory]
    [MemberData(nameof(Disagreements))]
    public async Task Garbled_PartiesThatDisagree_FailNamingTheCheck(string what)
    {
        var b1 = new CircuitBuilder();
        b1.Output(b1.Add(b1.Input(8), b1.Input(8)));
        Circuit adder = b1.Build();
        var b2 = new CircuitBuilder();
        b2.Output(b2.Subtract(b2.Input(8), b2.Input(8)));
        Circuit subtractor = b2.Build();
        bool[] x = Bits.FromUInt64(7, 8);
        var (g, e) = await GarbledPair.RunFailingAsync(
            async g =>
            {
                await g.GarbleAsync(adder, [GarblerInput.Own(x), GarblerInput.FromEvaluator], [OutputMode.RevealToEvaluator]);
            },
            async e => await e.EvaluateAsync(
                what == "circuit" ? subtractor : adder,
                what == "source"
                    ? [EvaluatorInput.Own(x), EvaluatorInput.FromGarbler]
                    : [EvaluatorInput.FromGarbler, EvaluatorInput.Own(x)],
                [what == "mode" ? OutputMode.RevealToBoth : OutputMode.RevealToEvaluator]));
        var failure = Assert.IsType<GarblingException>(g);
        Assert.Equal(1, failure.PeerId);
        Assert.Equal(what switch
        {
            "circuit" => GarblingCheck.CircuitFingerprint,
            "source" => GarblingCheck.InputSources,
            _ => GarblingCheck.OutputModes,
        }, failure.Check);
        Assert.IsAssignableFrom<PeerException>(e);
        Assert.Equal(0, ((PeerException)e!).PeerId);
    }

    [Fact]
    public async Task Garbled_MisfitArguments_AreRefusedBeforeAnyMessage()
    {
        var builder = new CircuitBuilder();
        builder.Output(builder.Equal(builder.Input(4), builder.Input(4)));
        Circuit circuit = builder.Build();
        var (g, e) = await GarbledPair.RunAsync(
            async g =>
            {
                Assert.Throws<ArgumentException>(() => { _ = g.GarbleAsync(circuit,
                    [GarblerInput.Own(new bool[4])], [OutputMode.RevealToBoth]); });
                Assert.Throws<ArgumentException>(() => { _ = g.GarbleAsync(circuit,
                    [GarblerInput.Own(new bool[3]), GarblerInput.FromEvaluator], [OutputMode.RevealToBoth]); });
                Assert.Throws<ArgumentException>(() => { _ = g.GarbleAsync(circuit,
                    [default, GarblerInput.FromEvaluator], [OutputMode.RevealToBoth]); });
                Assert.Throws<ArgumentException>(() => { _ = g.GarbleAsync(circuit,
                    [GarblerInput.Own(new bool[4]), GarblerInput.FromEvaluator], []); });
                // The instance is still usable: a valid call goes through.
                GarblerResult r = await g.GarbleAsync(circuit, [GarblerInput.Own(Bits.FromUInt64(9, 4)), GarblerInput.FromEvaluator],
                    [OutputMode.RevealToGarbler]);
                return r.Bits(0)[0];
            },
            async e =>
            {
                Assert.Throws<ArgumentException>(() => { _ = e.EvaluateAsync(circuit,
                    [EvaluatorInput.FromGarbler, EvaluatorInput.Own(new bool[5])], [OutputMode.RevealToBoth]); });
                EvaluatorResult r = await e.EvaluateAsync(circuit, [EvaluatorInput.FromGarbler, EvaluatorInput.Own(Bits.FromUInt64(9, 4))],
                    [OutputMode.RevealToGarbler]);
                return r.Count;
            });
        Assert.True(g);
        Assert.Equal(1, e);
    }
}
