using Mpc.Core.Circuits;

namespace Mpc.Tests.Core.Circuits;

/// <summary>
/// The Bristol circuits in <c>data/circuits</c> (see its README for their attribution)
/// and their bit orders, pinned down by the FIPS-197 AES known answer.
/// </summary>
public static class CircuitFiles
{
    /// <summary>The repository's <c>data/circuits</c>.</summary>
    public static string Directory { get; } = Mpc.Tests.Ml.MlTestData.DataPath("circuits");

    public static string PathOf(string relative) => Path.Combine(Directory, relative);

    public static Circuit Read(string relative) =>
        BristolReader.ReadFile(PathOf(relative),
            relative.StartsWith("bristol_fashion", StringComparison.Ordinal) ? BristolFormat.Fashion : BristolFormat.Old);

    /// <summary>
    /// The input bits of an AES circuit for <paramref name="key"/> and <paramref name="block"/>, and the decoding of its
    /// output. Bristol Fashion AES takes the key first; each 128-bit value is the block read as a big-endian number,
    /// wire i its bit i (so wire 0 is the last byte's least significant bit). The old-format AES takes the block first;
    /// wire i is bit i of the byte string, most significant bit of each byte first.
    /// </summary>
    public static bool[] AesInputs(BristolFormat format, ReadOnlySpan<byte> key, ReadOnlySpan<byte> block) =>
        format == BristolFormat.Fashion ? [.. FashionBits(key), .. FashionBits(block)] : [.. OldBits(block), .. OldBits(key)];

    /// <summary>The ciphertext bytes from an AES circuit's output bits (see <see cref="AesInputs"/>).</summary>
    public static byte[] AesOutput(BristolFormat format, ReadOnlySpan<bool> bits)
    {
        if (format == BristolFormat.Fashion)
        {
            byte[] bytes = Bits.ToBytes(bits);
            Array.Reverse(bytes);
            return bytes;
        }
        var result = new byte[bits.Length / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i]) result[i / 8] |= (byte)(0x80 >> (i % 8));
        }
        return result;
    }

    private static bool[] FashionBits(ReadOnlySpan<byte> value)
    {
        byte[] reversed = value.ToArray();
        Array.Reverse(reversed);
        return Bits.FromBytes(reversed);
    }

    private static bool[] OldBits(ReadOnlySpan<byte> value)
    {
        var bits = new bool[8 * value.Length];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = ((value[i / 8] >> (7 - i % 8)) & 1) != 0;
        }
        return bits;
    }
}
