using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Tests.Arbitraries;

namespace Mpc.Tests.Core.Blocks;

[Properties(Arbitrary = [typeof(BlockArbitraries)])]
public sealed class Block128Tests
{
    [Fact]
    public void Layout_IsSixteenLittleEndianBytes()
    {
        Assert.Equal(16, Unsafe.SizeOf<Block128>());
        Assert.Equal(16, Marshal.SizeOf<Block128>());
        Block128[] blocks = [new Block128(0x0706050403020100, 0x0f0e0d0c0b0a0908), new Block128(0x1716151413121110, 0x1f1e1d1c1b1a1918)];
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), MemoryMarshal.AsBytes(blocks.AsSpan()).ToArray());
        Assert.Equal(blocks[1], new Block128(MemoryMarshal.AsBytes(blocks.AsSpan())[16..]));
    }

    [Property]
    public void Bytes_RoundTrip(Block128 x)
    {
        var bytes = new byte[16];
        x.CopyTo(bytes);
        Assert.Equal(x, new Block128(bytes));
        Assert.Equal(Convert.ToHexStringLower(bytes), x.ToHexString());
    }

    [Property]
    public void Vector128_RoundTrip_InByteOrder(Block128 x)
    {
        Vector128<byte> v = x.AsVector128();
        Assert.Equal(x, Block128.FromVector128(v));
        Assert.Equal(x.Low, v.AsUInt64().GetElement(0));
        Assert.Equal(x.High, v.AsUInt64().GetElement(1));
    }

    [Property]
    public void Xor_IsAnAbelianGroup_WithZeroAndSelfInverse(Block128 x, Block128 y, Block128 z)
    {
        Assert.Equal((x ^ y) ^ z, x ^ (y ^ z));
        Assert.Equal(x ^ y, y ^ x);
        Assert.Equal(x, x ^ Block128.Zero);
        Assert.Equal(Block128.Zero, x ^ x);
        Assert.Equal(new Block128(x.Low ^ y.Low, x.High ^ y.High), x ^ y);
    }

    [Property]
    public void AndOrNot_AreBitwise_AndSatisfyDeMorgan(Block128 x, Block128 y)
    {
        Assert.Equal(new Block128(x.Low & y.Low, x.High & y.High), x & y);
        Assert.Equal(new Block128(x.Low | y.Low, x.High | y.High), x | y);
        Assert.Equal(new Block128(~x.Low, ~x.High), ~x);
        Assert.Equal(~(x & y), ~x | ~y);
        Assert.Equal(x, x & Block128.AllOnes);
        Assert.Equal(Block128.AllOnes, ~Block128.Zero);
    }

    [Property]
    public void Lsb_IsBitZeroOfByteZero(Block128 x)
    {
        var bytes = new byte[16];
        x.CopyTo(bytes);
        Assert.Equal((bytes[0] & 1) == 1, x.Lsb);
        Assert.True(x.WithLsb(true).Lsb);
        Assert.False(x.WithLsb(false).Lsb);
        Assert.Equal(x, x.WithLsb(x.Lsb));
        Assert.Equal(x ^ x.WithLsb(!x.Lsb), Block128.One);
    }

    [Fact]
    public void Mask_IsAllOnesForTrue_ZeroForFalse()
    {
        Assert.Equal(Block128.AllOnes, Block128.Mask(true));
        Assert.Equal(Block128.Zero, Block128.Mask(false));
    }

    [Property]
    public void Equality_AgreesWithBits(Block128 x, Block128 y)
    {
        bool same = x.Low == y.Low && x.High == y.High;
        Assert.Equal(same, x == y);
        Assert.Equal(!same, x != y);
        Assert.Equal(same, x.Equals((object)y));
        Assert.True(x == new Block128(x.Low, x.High));
        Assert.Equal(x.GetHashCode(), new Block128(x.Low, x.High).GetHashCode());
    }

    [Fact]
    public void ToString_DoesNotRevealTheValue()
    {
        var x = new Block128(Convert.FromHexString("00112233445566778899aabbccddeeff"));
        Assert.DoesNotContain("0011", x.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Block128.Zero.ToString(), x.ToString());
        Assert.Equal("00112233445566778899aabbccddeeff", x.ToHexString());
    }

    [Fact]
    public void Constructor_RejectsWrongLength() =>
        Assert.Throws<ArgumentException>(() => new Block128(new byte[15]));
}
