using System.Globalization;
using System.Numerics;

namespace Mpc.Core.Circuits;

/// <summary>
/// Circuit values written as text (<c>hex:</c>, <c>bytes:</c>, <c>bits:</c> or <c>int:</c>, see
/// <see cref="BitEncoding"/>) and the wires they stand for. Text that does not fit the value's width is refused, never
/// cut or padded with a guess.
/// </summary>
public static class CircuitValues
{
    /// <summary>The prefix of each encoding, as written before the value: "hex", "bytes", "bits", "int".</summary>
    public static string Prefix(BitEncoding encoding) => encoding switch
    {
        BitEncoding.Hex => "hex",
        BitEncoding.Bytes => "bytes",
        BitEncoding.Bits => "bits",
        BitEncoding.Int => "int",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    /// <summary>The encoding named <paramref name="prefix"/> (case-insensitive), or null.</summary>
    public static BitEncoding? ParseEncoding(string prefix) => prefix.ToLowerInvariant() switch
    {
        "hex" => BitEncoding.Hex,
        "bytes" => BitEncoding.Bytes,
        "bits" => BitEncoding.Bits,
        "int" => BitEncoding.Int,
        _ => null,
    };

    /// <summary>The <paramref name="width"/> wire values <paramref name="text"/> stands for in <paramref name="encoding"/>.</summary>
    /// <exception cref="FormatException">The text is not in the encoding, or does not fit <paramref name="width"/> bits; the
    /// message says which and by how much, never repeating more than the text's length.</exception>
    public static bool[] Parse(BitEncoding encoding, string text, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        return encoding switch
        {
            BitEncoding.Hex => FromNumber(ParseHex(text), width, "hex"),
            BitEncoding.Int => FromNumber(ParseInt(text, width), width, "int"),
            BitEncoding.Bytes => Bits.FromBytesMsbFirst(ParseBytes(text, width)),
            BitEncoding.Bits => ParseBits(text, width),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        };
    }

    /// <summary>
    /// <paramref name="bits"/> as text in <paramref name="encoding"/>: <c>hex</c> with every digit of the width,
    /// <c>int</c> unsigned, <c>bytes</c> for whole bytes only (else as <c>hex</c>).
    /// </summary>
    public static string Format(BitEncoding encoding, ReadOnlySpan<bool> bits)
    {
        switch (encoding)
        {
            case BitEncoding.Bytes when bits.Length % 8 == 0:
                return Convert.ToHexStringLower(Bits.ToBytesMsbFirst(bits));
            case BitEncoding.Bits:
                var chars = new char[bits.Length];
                for (int i = 0; i < bits.Length; i++) chars[i] = bits[i] ? '1' : '0';
                return new string(chars);
            case BitEncoding.Int:
                return ToNumber(bits).ToString(CultureInfo.InvariantCulture);
            default:
                string digits = ToNumber(bits).ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
                return digits.PadLeft(Math.Max(1, (bits.Length + 3) / 4), '0');
        }
    }

    private static BigInteger ParseHex(string text)
    {
        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiHexDigit))
            throw new FormatException($"'hex:' takes hexadecimal digits; the {text.Length} characters given are not all 0-9, a-f");
        return BigInteger.Parse("0" + digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    private static BigInteger ParseInt(string text, int width)
    {
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new FormatException($"'int:' takes a decimal integer; the {text.Length} characters given are not one");
        if (value.Sign < 0)
        {
            if (width == 0 || value < -(BigInteger.One << (width - 1)))
                throw new FormatException($"'int:' value is below -2^{Math.Max(0, width - 1)}, the least a {width}-bit value holds");
            value += BigInteger.One << width;
        }
        return value;
    }

    private static bool[] FromNumber(BigInteger value, int width, string prefix)
    {
        long needed = value.IsZero ? 0 : (long)value.GetBitLength();
        if (needed > width)
            throw new FormatException(
                $"'{prefix}:' value needs {needed} bits; the circuit's value has {width} (at most {(width + 3) / 4} hex digits)");
        var bits = new bool[width];
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        for (int i = 0; i < width && i / 8 < bytes.Length; i++) bits[i] = ((bytes[i / 8] >> (i % 8)) & 1) != 0;
        return bits;
    }

    private static BigInteger ToNumber(ReadOnlySpan<bool> bits) =>
        new(Bits.ToBytes(PadToBytes(bits)), isUnsigned: true, isBigEndian: false);

    private static bool[] PadToBytes(ReadOnlySpan<bool> bits)
    {
        var padded = new bool[(bits.Length + 7) / 8 * 8];
        bits.CopyTo(padded);
        return padded;
    }

    private static byte[] ParseBytes(string text, int width)
    {
        if (width % 8 != 0)
            throw new FormatException($"'bytes:' needs a value of whole bytes; the circuit's value has {width} bits (use hex: or bits:)");
        if (text.Length != width / 4 || !text.All(char.IsAsciiHexDigit))
            throw new FormatException($"'bytes:' takes {width / 8} bytes as {width / 4} hexadecimal digits; " +
                $"{text.Length} characters were given{(text.All(char.IsAsciiHexDigit) ? "" : ", not all 0-9, a-f")}");
        return Convert.FromHexString(text);
    }

    private static bool[] ParseBits(string text, int width)
    {
        if (text.Length != width || text.Any(c => c is not ('0' or '1')))
            throw new FormatException($"'bits:' takes {width} characters 0 or 1, wire 0 first; " +
                $"{text.Length} characters were given{(text.All(c => c is '0' or '1') ? "" : ", not all 0 or 1")}");
        var bits = new bool[width];
        for (int i = 0; i < width; i++) bits[i] = text[i] == '1';
        return bits;
    }
}
