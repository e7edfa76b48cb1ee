using Mpc.Core.Random;

namespace Mpc.Tests.Core.Random;

public sealed class PrgSeedTests
{
    [Fact]
    public void ToString_DoesNotRevealTheBytes()
    {
        byte[] bytes = Convert.FromHexString("00112233445566778899aabbccddeeff");
        string text = new PrgSeed(bytes).ToString();
        Assert.DoesNotContain("0011", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("eeff", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(PrgSeed.Random().ToString(), text);
    }

    [Fact]
    public void CopyTo_RoundTripsTheBytes()
    {
        byte[] bytes = Convert.FromHexString("00112233445566778899aabbccddeeff");
        var copy = new byte[16];
        new PrgSeed(bytes).CopyTo(copy);
        Assert.Equal(bytes, copy);
    }

    [Fact]
    public void Random_GivesDistinctSeeds() => Assert.NotEqual(PrgSeed.Random(), PrgSeed.Random());

    [Fact]
    public void Xor_IsBytewise_AndSelfInverse()
    {
        var a = new PrgSeed(Convert.FromHexString("00112233445566778899aabbccddeeff"));
        var b = new PrgSeed(Convert.FromHexString("ffffffffffffffff0000000000000001"));
        var sum = new byte[16];
        a.Xor(b).CopyTo(sum);
        Assert.Equal("ffeeddccbbaa99888899aabbccddeefe", Convert.ToHexStringLower(sum));
        Assert.Equal(a, a.Xor(b).Xor(b));
    }

    [Fact]
    public void Constructor_RejectsWrongLength() =>
        Assert.Throws<ArgumentException>(() => new PrgSeed(new byte[17]));
}
