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
    /// output. Bristol Fashion AES takes the key first, each value read as a big-endian number
    /// (<see cref="Bits.FromBigEndian"/>); the old-format AES takes the block first, each byte's most significant bit
    /// first (<see cref="Bits.FromBytesMsbFirst"/>).
    /// </summary>
    public static bool[] AesInputs(BristolFormat format, ReadOnlySpan<byte> key, ReadOnlySpan<byte> block) =>
        format == BristolFormat.Fashion
            ? [.. Bits.FromBigEndian(key), .. Bits.FromBigEndian(block)]
            : [.. Bits.FromBytesMsbFirst(block), .. Bits.FromBytesMsbFirst(key)];

    /// <summary>The ciphertext bytes from an AES circuit's output bits (see <see cref="AesInputs"/>).</summary>
    public static byte[] AesOutput(BristolFormat format, ReadOnlySpan<bool> bits) =>
        format == BristolFormat.Fashion ? Bits.ToBigEndian(bits) : Bits.ToBytesMsbFirst(bits);
}
