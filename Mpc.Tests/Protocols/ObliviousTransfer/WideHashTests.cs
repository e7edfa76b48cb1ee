using Mpc.Core.Blocks;
using Mpc.Core.Random;
using Mpc.Protocols.ObliviousTransfer.Internal;

namespace Mpc.Tests.Protocols.ObliviousTransfer;

/// <summary>The wide hash of extended OTs is TCCR block by block, whatever width, however it is computed.</summary>
public sealed class WideHashTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(455)]
    public void WideHash_IsTccrOfEveryBlock_WithDistinctTweaks(int width)
    {
        const int n = 37;
        const ulong first = 1000;
        using var random = new AesCtrPrg(new byte[AesCtrPrg.SeedSize]);
        var x = new Block128[n];
        for (int j = 0; j < n; j++) x[j] = new Block128(random.NextUInt64(), random.NextUInt64());
        var offset = new Block128(random.NextUInt64(), random.NextUInt64());
        var destination = new ulong[n * width];
        IknpCore.WideHash(x, offset, first, width, destination, new Block128[2 * n]);
        for (int j = 0; j < n; j++)
            for (int word = 0; word < width; word++)
            {
                var block = FixedKeyAes.TccrHash(x[j] ^ offset, new Block128(first + (ulong)j, (ulong)(word / 2)));
                Assert.Equal(word % 2 == 0 ? block.Low : block.High, destination[j * width + word]);
            }
    }
}
