using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Mpc.Core.Circuits;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Core.Circuits;
using Xunit.Abstractions;

namespace Mpc.Tests.Hostile;

/// <summary>
/// The Bristol readers (<see cref="BristolReader"/>, both formats) on hostile text: the files of
/// <c>data/circuits</c> and generated circuits written in either format, mutated. The only failure allowed is a
/// <see cref="CircuitFormatException"/> naming the file and the line; a short file must not make the reader allocate
/// for wires it does not describe.
/// </summary>
public sealed class BristolFuzzTests(ITestOutputHelper output)
{
    /// <summary>The reader's own test of EQ, EQW and MAND, so that mutations reach those gates.</summary>
    private const string FashionGates = "5 9\n2 2 1\n1 3\n\n1 1 0 4 EQ\n1 1 2 5 EQW\n4 2 0 1 5 4 6 7 MAND\n2 1 6 7 3 XOR\n1 1 3 8 EQW\n";

    /// <summary>
    /// A random circuit in Bristol Fashion: its gates, then an EQW copy of each output wire onto the last wires
    /// (Bristol outputs are the last wires; the random circuit's may be any).
    /// </summary>
    private static string Fashion(RandomCircuits.RawCircuit c)
    {
        var text = new StringBuilder();
        text.Append($"{c.Gates.Length + c.OutputWires.Length} {c.WireCount + c.OutputWires.Length}\n");
        text.Append(
            $"{c.InputWidths.Length} {string.Join(' ', c.InputWidths)}\n{c.OutputWidths.Length} {string.Join(' ', c.OutputWidths)}\n\n");
        foreach (Gate g in c.Gates) text.Append(GateLine(g)).Append('\n');
        for (int o = 0; o < c.OutputWires.Length; o++) text.Append($"1 1 {c.OutputWires[o]} {c.WireCount + o} EQW\n");
        return text.ToString();
    }

    /// <summary>The same kind of circuit in the old format: two inputs, one output, copies by double inversion.</summary>
    private static string Old(RandomCircuits.RawCircuit c)
    {
        var text = new StringBuilder();
        int outputs = c.OutputWires.Length;
        text.Append($"{c.Gates.Length + 2 * outputs} {c.WireCount + 2 * outputs}\n");
        text.Append($"{c.InputWidths[0]} {c.InputWidths[1]} {outputs}\n\n");
        foreach (Gate g in c.Gates) text.Append(GateLine(g)).Append('\n');
        for (int o = 0; o < outputs; o++) text.Append($"1 1 {c.OutputWires[o]} {c.WireCount + o} INV\n");
        for (int o = 0; o < outputs; o++) text.Append($"1 1 {c.WireCount + o} {c.WireCount + outputs + o} INV\n");
        return text.ToString();
    }

    private static string GateLine(Gate g) => g.Kind switch
    {
        GateKind.And => $"2 1 {g.InputA} {g.InputB} {g.Output} AND",
        GateKind.Xor => $"2 1 {g.InputA} {g.InputB} {g.Output} XOR",
        GateKind.Inv => $"1 1 {g.InputA} {g.Output} INV",
        _ => $"1 1 {(g.ConstantValue ? 1 : 0)} {g.Output} EQ",
    };

    private static readonly Gen<RandomCircuits.RawCircuit> RawGen =
        from seed in Gen.Choose(0, int.MaxValue)
        from gates in Gen.Choose(0, 60)
        select RandomCircuits.RawParts(seed, gates);

    private static readonly Gen<byte[]> FashionGen = RawGen.Select(c => Encoding.ASCII.GetBytes(Fashion(c)));

    private static readonly Gen<byte[]> OldGen = RawGen
        .Where(c => c.InputWidths.Length == 2 && !c.Gates.Any(g => g.Kind == GateKind.Constant))
        .Select(c => Encoding.ASCII.GetBytes(Old(c)));

    private static Action<byte[]> Reader(BristolFormat format) =>
        bytes => BristolReader.Read(new StringReader(Encoding.UTF8.GetString(bytes)), format, "fuzzed.txt");

    [Fact]
    public void BristolFashion_AnyText_ReadsOrThrowsCircuitFormatException()
    {
        FuzzRun.Run(output, "bristol fashion", FuzzRun.CountFor(FuzzRun.FullCount), [Encoding.ASCII.GetBytes(FashionGates)], FashionGen,
            Reader(BristolFormat.Fashion), typeof(CircuitFormatException));
    }

    [Fact]
    public void BristolOld_AnyText_ReadsOrFailsWithACircuitFormatException()
    {
        FuzzRun.Run(output, "bristol old format", FuzzRun.CountFor(FuzzRun.FullCount),
            [File.ReadAllBytes(CircuitFiles.PathOf("bristol_format/adder_32bit.txt"))], OldGen,
            Reader(BristolFormat.Old), typeof(CircuitFormatException));
    }

    /// <summary>The AES files take ~10 ms each to read, so CI mutates them a few hundred times; MPC_FUZZ_FULL=1 runs 100,000.</summary>
    [Theory]
    [InlineData("bristol_fashion/aes_128.txt", BristolFormat.Fashion)]
    [InlineData("bristol_fashion/aes_256.txt", BristolFormat.Fashion)]
    [InlineData("bristol_format/AES-non-expanded.txt", BristolFormat.Old)]
    public void BristolFiles_Mutated_ReadOrFailWithACircuitFormatException(string file, BristolFormat format)
    {
        FuzzRun.Run(output, $"bristol {file}", FuzzRun.CountFor(200), [File.ReadAllBytes(CircuitFiles.PathOf(file))], null,
            Reader(format), typeof(CircuitFormatException));
    }

    [Theory]
    [InlineData("1 2000000000\n1 2\n1 1\n2 1 0 1 1999999999 AND\n", 1, "wires")]
    [InlineData("2000000000 2000000000\n1 2\n1 1\n2 1 0 1 2 AND\n", 1, "wires")]
    [InlineData("0 20000000\n2 10000000 10000000\n1 1\n", 1, "wires")]
    [InlineData("1 16000000\n1 2\n1 1\n2 1 0 1 15999999 AND\n", 5, "assign only 3")]
    public void Bristol_HugeHeaderCounts_AreRefusedWithoutAllocating(string text, int line, string expected)
    {
        BristolReader.Read(new StringReader(FashionGates), BristolFormat.Fashion, "warm-up");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CircuitFormatException>(() => BristolReader.Read(new StringReader(text), BristolFormat.Fashion, "huge.txt"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(line, ex.Line);
        Assert.Contains(expected, ex.Problem);
        Assert.InRange(allocated, 0, 1 << 20);
        output.WriteLine($"{ex.Message} ({allocated} bytes allocated)");
    }
}
