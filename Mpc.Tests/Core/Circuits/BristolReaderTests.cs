using System.Security.Cryptography;
using Mpc.Core.Circuits;

namespace Mpc.Tests.Core.Circuits;

public sealed class BristolReaderTests
{
    private static readonly byte[] FipsKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] FipsPlaintext = Convert.FromHexString("00112233445566778899aabbccddeeff");
    private const string FipsCiphertext = "69c4e0d86a7b0430d8cdb78070b4c55a";

    private static byte[] SystemAes(byte[] key, byte[] block)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptEcb(block, PaddingMode.None);
    }

    [Theory]
    [InlineData("bristol_fashion/aes_128.txt", 128, 128, 6400, 28176, 2087)]
    [InlineData("bristol_fashion/aes_192.txt", 192, 128, 7168, 32080, 2317)]
    [InlineData("bristol_fashion/aes_256.txt", 256, 128, 8832, 39008, 2826)]
    [InlineData("bristol_fashion/sha256.txt", 512, 256, 22573, 110644, 1856)]
    [InlineData("bristol_format/AES-non-expanded.txt", 128, 128, 6800, 25124, 1692)]
    [InlineData("bristol_format/adder_32bit.txt", 32, 32, 127, 61, 187)]
    public void Bristol_EveryFile_HasTheGateCountsOfTheCollection(string file, int first, int second, int and, int xor, int inv)
    {
        Circuit circuit = CircuitFiles.Read(file);
        Assert.Equal([first, second], circuit.InputWidths);
        Assert.Equal((and, xor, inv), (circuit.AndCount, circuit.XorCount, circuit.InvCount));
    }

    [Theory]
    [InlineData("bristol_fashion/aes_128.txt", BristolFormat.Fashion)]
    [InlineData("bristol_format/AES-non-expanded.txt", BristolFormat.Old)]
    public void Bristol_Aes128_MatchesFips197(string file, BristolFormat format)
    {
        Circuit circuit = CircuitFiles.Read(file);
        bool[] output = circuit.Evaluate(CircuitFiles.AesInputs(format, FipsKey, FipsPlaintext));
        Assert.Equal(FipsCiphertext, Convert.ToHexStringLower(CircuitFiles.AesOutput(format, output)));
    }

    [Fact]
    public void Bristol_Sha256_IsTheCompressionOfFips180()
    {
        Circuit circuit = CircuitFiles.Read("bristol_fashion/sha256.txt");
        Assert.Equal([512, 256], circuit.InputWidths);
        var rng = new System.Random(180);
        foreach (int length in new[] { 0, 3, 1, 31, 54, 55 })
        {
            byte[] message = new byte[length];
            rng.NextBytes(message);
            if (length == 3) message = "abc"u8.ToArray();
            // One block: the message, 0x80, zeros, and its length in bits as a big-endian 64-bit number.
            byte[] block = new byte[64];
            message.CopyTo(block, 0);
            block[length] = 0x80;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(56), 8UL * (ulong)length);
            bool[] output = circuit.Evaluate([.. Bits.FromBigEndian(block), .. Bits.FromBigEndian(Sha256InitialState)]);
            Assert.Equal(SHA256.HashData(message), Bits.ToBigEndian(output));
        }
    }

    private static readonly byte[] Sha256InitialState =
        Convert.FromHexString("6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19");

    [Theory]
    [InlineData("bristol_fashion/aes_128.txt", 16)]
    [InlineData("bristol_fashion/aes_192.txt", 24)]
    [InlineData("bristol_fashion/aes_256.txt", 32)]
    [InlineData("bristol_format/AES-non-expanded.txt", 16)]
    public void Bristol_Aes_MatchesSystemAesOnRandomKeysAndBlocks(string file, int keyBytes)
    {
        Circuit circuit = CircuitFiles.Read(file);
        BristolFormat format = file.StartsWith("bristol_fashion", StringComparison.Ordinal) ? BristolFormat.Fashion : BristolFormat.Old;
        var rng = new System.Random(keyBytes);
        for (int trial = 0; trial < 8; trial++)
        {
            byte[] key = new byte[keyBytes], block = new byte[16];
            rng.NextBytes(key);
            rng.NextBytes(block);
            bool[] output = circuit.Evaluate(CircuitFiles.AesInputs(format, key, block));
            Assert.Equal(SystemAes(key, block), CircuitFiles.AesOutput(format, output));
        }
    }

    [Fact]
    public void Bristol_Adder32_IsIntegerAddition_LeastSignificantBitFirst()
    {
        Circuit circuit = CircuitFiles.Read("bristol_format/adder_32bit.txt");
        var rng = new System.Random(32);
        foreach (ulong a in new ulong[] { 0, 1, uint.MaxValue }.Concat(Enumerable.Range(0, 50).Select(_ => (ulong)(uint)rng.NextInt64())))
        {
            ulong b = (uint)rng.NextInt64();
            bool[] output = circuit.Evaluate([.. Bits.FromUInt64(a, 32), .. Bits.FromUInt64(b, 32)]);
            Assert.Equal(a + b, Bits.ToUInt64(output));
        }
    }

    [Fact]
    public void Bristol_Fashion_ReadsConstantsWireCopiesAndMultiAnds()
    {
        const string text = """
            5 9
            2 2 1
            1 3

            1 1 0 4 EQ
            1 1 2 5 EQW
            4 2 0 1 5 4 6 7 MAND
            2 1 6 7 3 XOR
            1 1 3 8 EQW

            """;
        // Wire 4 = 0, wire 5 = b, 6 = a0 ∧ b, 7 = a1 ∧ 0, 3 = 6 ⊕ 7 and 8 a copy of it: outputs (a0 ∧ b, 0, a0 ∧ b).
        Circuit circuit = BristolReader.Read(new StringReader(text), BristolFormat.Fashion, "inline");
        Assert.Equal((1, 2, 1), (circuit.ConstantCount, circuit.AndCount, circuit.XorCount));
        Assert.Equal([2, 1], circuit.InputWidths);
        Assert.Equal([3], circuit.OutputWidths);
        Assert.Equal([true, false, true], circuit.Evaluate([true, true, true]));
        Assert.Equal([false, false, false], circuit.Evaluate([false, true, true]));
        Assert.Equal([false, false, false], circuit.Evaluate([true, true, false]));
    }

    public static TheoryData<string, BristolFormat, int, string> Malformed => new()
    {
        { "", BristolFormat.Fashion, 1, "ends where the header line" },
        { "3\n", BristolFormat.Fashion, 1, "expected the header 'gates wires'" },
        { "1 x\n", BristolFormat.Fashion, 1, "wire count 'x' is not a non-negative integer" },
        { "1 4\n2 1\n", BristolFormat.Fashion, 2, "declares 2 values but lists 1 widths" },
        { "1 4\n1 2\n", BristolFormat.Fashion, 3, "ends where the outputs line" },
        { "1 4\n1 9\n1 1\n", BristolFormat.Fashion, 3, "the inputs need 9 wires but the header declares 4" },
        { "1 4\n1 2\n1 1\n2 1 0 1 3 NAND\n", BristolFormat.Fashion, 4, "unknown gate 'NAND'" },
        { "1 4\n1 2\n1 1\n2 1 0 1 3 EQ\n", BristolFormat.Fashion, 4, "EQ takes 1 input(s) and 1 output, not 2 and 1" },
        { "1 4\n1 2\n1 1\n2 1 0 1 NAND\n", BristolFormat.Fashion, 4, "needs 6 fields, not 5" },
        { "1 4\n1 2\n1 1\n2 1 0 7 3 AND\n", BristolFormat.Fashion, 4, "wire 7 is out of range: the header declares 4 wires (0..3)" },
        { "2 4\n1 2\n1 1\n2 1 0 2 3 AND\n2 1 0 1 2 XOR\n", BristolFormat.Fashion, 4, "reads wire 2 before any gate assigns it" },
        { "2 4\n1 2\n1 1\n2 1 0 1 3 AND\n\n2 1 0 1 3 XOR\n", BristolFormat.Fashion, 6, "assigns wire 3, already assigned on line 4" },
        { "1 4\n1 2\n1 1\n2 1 0 1 1 AND\n", BristolFormat.Fashion, 4, "assigns wire 1, which is an input wire" },
        { "1 4\n1 2\n1 1\n2 1 0 1 3 AND\n2 1 0 1 2 AND\n", BristolFormat.Fashion, 5, "declares 1 gates but this is gate 2" },
        { "3 4\n1 2\n1 1\n2 1 0 1 3 AND\n", BristolFormat.Fashion, 5, "declares 3 gates but the file ends after 1" },
        { "1 4\n1 2\n1 1\n2 1 0 1 2 AND\n", BristolFormat.Fashion, 5, "output wire 3 (output bit 0) is never assigned" },
        { "1 4\n1 2\n1 1\n1 1 2 3 EQ\n", BristolFormat.Fashion, 4, "EQ assigns the constant 0 or 1, not 2" },
        { "1 4\n1 2\n1 1\n3 1 0 1 2 3 MAND\n", BristolFormat.Fashion, 4, "MAND takes 2k inputs and k outputs" },
        { "1 4\n1 1 1\n\n1 1 0 3 EQ\n", BristolFormat.Old, 4, "unknown gate 'EQ' (the old Bristol format has XOR, AND, INV)" },
        { "1 4\n1 1\n", BristolFormat.Old, 2, "expected the widths line 'input1 input2 output'" },
        { "1 4\n1 1 1\n2 1 0 -1 3 XOR\n", BristolFormat.Old, 3, "wire number '-1' is not a non-negative integer" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Bristol_MalformedFile_NamesTheFileTheLineAndTheProblem(string text, BristolFormat format, int line, string problem)
    {
        var e = Assert.Throws<CircuitFormatException>(() => BristolReader.Read(new StringReader(text), format, "bad.txt"));
        Assert.Equal("bad.txt", e.Source);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Problem);
        Assert.StartsWith($"bad.txt, line {line}: ", e.Message);
    }

    [Fact]
    public void Bristol_ReadFile_NamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mpc-bristol-{Guid.NewGuid():n}.txt");
        File.WriteAllText(path, "1 3\n1 2\n1 1\n2 1 0 1 2 OR\n");
        try
        {
            var e = Assert.Throws<CircuitFormatException>(() => BristolReader.ReadFile(path, BristolFormat.Fashion));
            Assert.Equal(Path.GetFileName(path), e.Source);
            Assert.Equal(4, e.Line);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
