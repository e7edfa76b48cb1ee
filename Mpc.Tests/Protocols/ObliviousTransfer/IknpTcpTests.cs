using Mpc.Core.Blocks;
using Mpc.Protocols.ObliviousTransfer;
using Mpc.Tests.Infrastructure;
using static Mpc.Tests.Protocols.ObliviousTransfer.OtHarness;

namespace Mpc.Tests.Protocols.ObliviousTransfer;

[Collection(SocketTests.Collection)]
public sealed class IknpTcpTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Iknp_OverTlsLoopback_ChosenAndCorrelatedBlocks(int softSpokenBits)
    {
        await using var parties = await NetworkKind.CreateAsync(NetworkKind.Tls, 2, TimeSpan.FromSeconds(20));
        const int count = 200_000;
        using var prg = Prg(10, 10);
        var choices = RandomChoices(prg, count);
        var m0 = RandomBlocks(prg, count);
        var m1 = RandomBlocks(prg, count);
        var got = new Block128[count];
        var q = new Block128[count];
        var t = new Block128[count];
        Block128 delta = default;
        await RunPairAsync(parties.All,
            async n =>
            {
                using var random = Prg(11, 0);
                using var sender = await IknpSender.CreateAsync(n, 1, Tag, random, softSpokenBits);
                delta = sender.Delta;
                await sender.SendChosenAsync(m0, m1);
                await sender.SendCorrelatedBlocksAsync(q);
                return 0;
            },
            async n =>
            {
                using var random = Prg(12, 0);
                using var receiver = await IknpReceiver.CreateAsync(n, 0, Tag, random, softSpokenBits);
                await receiver.ReceiveChosenAsync(choices, got);
                await receiver.ReceiveCorrelatedBlocksAsync(choices, t);
                return 0;
            });
        for (int j = 0; j < count; j++)
        {
            bool c = Choice(choices, j);
            Assert.Equal(c ? m1[j] : m0[j], got[j]);
            Assert.Equal(q[j] ^ (c ? delta : Block128.Zero), t[j]);
        }
    }
}
