namespace Mpc.Core.Circuits;

/// <summary>
/// How the text of one circuit value maps to its wires. Bristol circuits do not agree on a bit order: Bristol Fashion
/// files (AES, SHA-256, the adders) read a value as a number, wire i its bit i; the old-format AES reads a byte string,
/// each byte's most significant bit first. Pin a new circuit's order with a known answer before trusting it.
/// </summary>
public enum BitEncoding
{
    /// <summary>
    /// <c>hex:</c> a number in hexadecimal, most significant digit first; wire i carries bit i of the number (the
    /// Bristol Fashion convention: AES-128 reads its key 000102...0f as that 128-bit number).
    /// </summary>
    Hex,

    /// <summary>
    /// <c>bytes:</c> a byte string in hexadecimal; wire 8j + k carries bit 7 - k of byte j (the old-format AES
    /// convention: each byte's most significant bit first).
    /// </summary>
    Bytes,

    /// <summary><c>bits:</c> one character 0 or 1 per wire, wire 0 first.</summary>
    Bits,

    /// <summary>
    /// <c>int:</c> a decimal integer, negative ones in two's complement; wire i carries bit i (as <see cref="Hex"/>).
    /// </summary>
    Int,
}
