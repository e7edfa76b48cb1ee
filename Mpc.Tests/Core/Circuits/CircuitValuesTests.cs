using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Circuits;

namespace Mpc.Tests.Core.Circuits;

public sealed class CircuitValuesTests
{
    private static bool[] RandomBits(int seed, int width)
    {
        var rng = new System.Random(seed);
        return [.. Enumerable.Range(0, width).Select(_ => rng.Next(2) == 1)];
    }

    [Property]
    public Property EveryEncoding_FormatThenParse_GivesTheSameWires(PositiveInt seed, byte widthByte)
    {
        int width = 1 + widthByte % 200;
        bool[] bits = RandomBits(seed.Get, width);
        var encodings = new[] { BitEncoding.Hex, BitEncoding.Bits, BitEncoding.Int }
            .Concat(width % 8 == 0 ? [BitEncoding.Bytes] : []);
        return encodings.All(e => CircuitValues.Parse(e, CircuitValues.Format(e, bits), width).SequenceEqual(bits)).ToProperty();
    }

    [Fact]
    public void Hex_IsANumber_WireIItsBitI()
    {
        Assert.Equal([true, false, false, false, false, false, false, false, true, false, false, false],
            CircuitValues.Parse(BitEncoding.Hex, "101", 12));
        Assert.Equal(Bits.FromBigEndian(Convert.FromHexString("000102030405060708090a0b0c0d0e0f")),
            CircuitValues.Parse(BitEncoding.Hex, "000102030405060708090a0b0c0d0e0f", 128));
        Assert.Equal("00ff", CircuitValues.Format(BitEncoding.Hex, Bits.FromUInt64(255, 16)));
    }

    [Fact]
    public void Bytes_AreMostSignificantBitFirst()
    {
        Assert.Equal([true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true],
            CircuitValues.Parse(BitEncoding.Bytes, "8001", 16));
        Assert.Equal(Convert.FromHexString("8001"), Bits.ToBytesMsbFirst(Bits.FromBytesMsbFirst(Convert.FromHexString("8001"))));
    }

    [Fact]
    public void Int_NegativeValues_AreTwosComplement()
    {
        Assert.Equal(Bits.FromInt64(-5, 8), CircuitValues.Parse(BitEncoding.Int, "-5", 8));
        Assert.Equal(Bits.FromInt64(-128, 8), CircuitValues.Parse(BitEncoding.Int, "-128", 8));
        Assert.Equal("251", CircuitValues.Format(BitEncoding.Int, Bits.FromInt64(-5, 8)));
        Assert.Equal(Bits.FromUInt64(ulong.MaxValue, 64), CircuitValues.Parse(BitEncoding.Int,
            ((BigInteger.One << 64) - 1).ToString(), 64));
    }

    [Theory]
    [InlineData(BitEncoding.Hex, "100", 8, "needs 9 bits")]
    [InlineData(BitEncoding.Hex, "xyz", 8, "hexadecimal digits")]
    [InlineData(BitEncoding.Int, "256", 8, "needs 9 bits")]
    [InlineData(BitEncoding.Int, "-129", 8, "below -2^7")]
    [InlineData(BitEncoding.Bytes, "00", 16, "takes 2 bytes")]
    [InlineData(BitEncoding.Bytes, "00", 12, "whole bytes")]
    [InlineData(BitEncoding.Bits, "0101", 5, "takes 5 characters")]
    [InlineData(BitEncoding.Bits, "01x01", 5, "not all 0 or 1")]
    public void TextThatDoesNotFit_IsRefusedSayingWhy(BitEncoding encoding, string text, int width, string reason)
    {
        var error = Assert.Throws<FormatException>(() => CircuitValues.Parse(encoding, text, width));
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain(text, error.Message.Replace(width.ToString(), ""));
    }
}
