namespace Mpc.Core.Circuits;

/// <summary>
/// Conversions between numbers or bytes and the bit vectors circuits take, least significant bit first
/// (bit i of a value is <c>bits[i]</c>; bit i of byte j is <c>bits[8j + i]</c>), and the two byte orders of the Bristol
/// circuits: <see cref="FromBigEndian"/> (Bristol Fashion: a value is a big-endian number, wire i its bit i) and
/// <see cref="FromBytesMsbFirst"/> (old-format AES: a byte string, each byte's most significant bit first).
/// </summary>
public static class Bits
{
    /// <summary>The low <paramref name="width"/> bits of <paramref name="value"/> (width 0..64).</summary>
    public static bool[] FromUInt64(ulong value, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 64);
        var bits = new bool[width];
        for (int i = 0; i < width; i++)
        {
            bits[i] = ((value >> i) & 1) != 0;
        }
        return bits;
    }

    /// <summary>The low <paramref name="width"/> bits of <paramref name="value"/> in two's complement.</summary>
    public static bool[] FromInt64(long value, int width) => FromUInt64(unchecked((ulong)value), width);

    /// <summary>The unsigned number whose bits are <paramref name="bits"/> (at most 64).</summary>
    public static ulong ToUInt64(ReadOnlySpan<bool> bits)
    {
        if (bits.Length > 64) throw new ArgumentException($"{bits.Length} bits do not fit in 64.", nameof(bits));
        ulong value = 0;
        for (int i = 0; i < bits.Length; i++)
        {
            value |= (bits[i] ? 1UL : 0UL) << i;
        }
        return value;
    }

    /// <summary>The two's-complement number whose bits are <paramref name="bits"/> (1..64), sign-extended.</summary>
    public static long ToInt64(ReadOnlySpan<bool> bits)
    {
        if (bits.IsEmpty) return 0;
        ulong value = ToUInt64(bits);
        int unused = 64 - bits.Length;
        return unchecked((long)(value << unused)) >> unused;
    }

    /// <summary>The bits of <paramref name="bytes"/>: byte 0 first, each least significant bit first.</summary>
    public static bool[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var bits = new bool[8 * bytes.Length];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = ((bytes[i >> 3] >> (i & 7)) & 1) != 0;
        }
        return bits;
    }

    /// <summary>The bytes whose bits are <paramref name="bits"/> (a multiple of 8), as <see cref="FromBytes"/> lays them out.</summary>
    public static byte[] ToBytes(ReadOnlySpan<bool> bits)
    {
        if (bits.Length % 8 != 0) throw new ArgumentException($"{bits.Length} bits are not a whole number of bytes.", nameof(bits));
        var bytes = new byte[bits.Length / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            bytes[i >> 3] |= (byte)((bits[i] ? 1 : 0) << (i & 7));
        }
        return bytes;
    }

    /// <summary>
    /// The Bristol Fashion convention: <paramref name="bigEndian"/> read as one big-endian number, wire i its bit i (so
    /// wire 0 is the last byte's least significant bit). AES-128 and SHA-256 in Bristol Fashion read their values so.
    /// </summary>
    public static bool[] FromBigEndian(ReadOnlySpan<byte> bigEndian)
    {
        byte[] reversed = bigEndian.ToArray();
        Array.Reverse(reversed);
        return FromBytes(reversed);
    }

    /// <summary>The big-endian bytes of <paramref name="bits"/> read as <see cref="FromBigEndian"/> writes them.</summary>
    public static byte[] ToBigEndian(ReadOnlySpan<bool> bits)
    {
        byte[] bytes = ToBytes(bits);
        Array.Reverse(bytes);
        return bytes;
    }

    /// <summary>
    /// The old-format AES convention: the bytes in order, each byte's most significant bit first (wire 8j + k is bit
    /// 7 - k of byte j).
    /// </summary>
    public static bool[] FromBytesMsbFirst(ReadOnlySpan<byte> bytes)
    {
        var bits = new bool[8 * bytes.Length];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = ((bytes[i >> 3] >> (7 - (i & 7))) & 1) != 0;
        }
        return bits;
    }

    /// <summary>The bytes of <paramref name="bits"/> read as <see cref="FromBytesMsbFirst"/> writes them.</summary>
    public static byte[] ToBytesMsbFirst(ReadOnlySpan<bool> bits)
    {
        if (bits.Length % 8 != 0) throw new ArgumentException($"{bits.Length} bits are not a whole number of bytes.", nameof(bits));
        var bytes = new byte[bits.Length / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i]) bytes[i >> 3] |= (byte)(0x80 >> (i & 7));
        }
        return bytes;
    }
}
