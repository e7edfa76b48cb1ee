using System.Text;
using Mpc.Protocols.SetIntersection;

namespace Mpc.Tests.Protocols.SetIntersection;

/// <summary>The hash to Curve25519 against RFC 9380's test vectors (appendix J.7.1, curve25519_XMD:SHA-512_ELL2_RO_).</summary>
public sealed class HashToCurve25519Tests
{
    private const string Domain = "QUUX-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_RO_";
    private const string Q128 = "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
        + "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";

    [Theory]
    [InlineData("", "2de3780abb67e861289f5749d16d3e217ffa722192d16bbd9d1bfb9d112b98c0")]
    [InlineData("abc", "2b4419f1f2d48f5872de692b0aca72cc7b0a60915dd70bde432e826b6abc526d")]
    [InlineData("abcdef0123456789", "68ca1ea5a6acf4e9956daa101709b1eee6c1bb0df1de3b90d4602382a104c036")]
    [InlineData("q128_" + Q128, "096e9c8bae6c06b554c1ee69383bb0e82267e064236b3a30608d4ed20b73ac5a")]
    public void Rfc9380Vectors_GiveTheirPoint(string message, string bigEndianX)
    {
        var point = new byte[HashToCurve25519.PointBytes];
        HashToCurve25519.Hash(Encoding.ASCII.GetBytes(message), Encoding.ASCII.GetBytes(Domain), point);
        Assert.Equal(bigEndianX, Convert.ToHexStringLower([.. point.Reverse()]));
    }

    [Fact]
    public void ManyMessagesAtOnce_GiveEachOnesPoint()
    {
        // One inversion for all: every point must still be the one its message alone gives (the RFC's among them).
        byte[][] messages = [.. Enumerable.Range(0, 300).Select(i => Encoding.ASCII.GetBytes($"id-{i}")), Encoding.ASCII.GetBytes("abc"),
            [], new byte[2000]];
        var together = new byte[messages.Length * HashToCurve25519.PointBytes];
        HashToCurve25519.HashMany(messages, Encoding.ASCII.GetBytes(Domain), together);
        for (int i = 0; i < messages.Length; i++)
        {
            var alone = new byte[HashToCurve25519.PointBytes];
            HashToCurve25519.Hash(messages[i], Encoding.ASCII.GetBytes(Domain), alone);
            Assert.Equal(alone, together.AsSpan(i * 32, 32).ToArray());
        }
        Assert.Equal("2b4419f1f2d48f5872de692b0aca72cc7b0a60915dd70bde432e826b6abc526d",
            Convert.ToHexStringLower([.. together.AsSpan(300 * 32, 32).ToArray().Reverse()]));
    }

    [Fact]
    public void ExpandMessage_MatchesTheVectorsFirstFieldElement()
    {
        // u[0] of the empty message is the first 48 bytes of expand_message_xmd mod p.
        var uniform = new byte[96];
        HashToCurve25519.ExpandMessageXmd([], Encoding.ASCII.GetBytes(Domain), uniform);
        var u0 = System.Numerics.BigInteger.Remainder(new System.Numerics.BigInteger(uniform.AsSpan(0, 48), true, true),
            (System.Numerics.BigInteger.One << 255) - 19);
        Assert.Equal("005fe8a7b8fef0a16c105e6cadf5a6740b3365e18692a9c05bfbb4d97f645a6a",
            Convert.ToHexStringLower(u0.ToByteArray(true, true)).PadLeft(64, '0'));
    }
}
