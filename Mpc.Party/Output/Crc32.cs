namespace Mpc.Party.Output;

/// <summary>CRC-32 (ISO-HDLC, the polynomial 0xEDB88320 reflected) as PNG chunks use it; a 256-entry table.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = CreateTable();

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The register before any byte.</summary>
    public const uint Start = 0xFFFFFFFF;

    /// <summary>Feeds <paramref name="data"/> into the running register <paramref name="crc"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>The CRC from the final register.</summary>
    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFF;

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
